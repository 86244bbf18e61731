import { command } from '../commands/command';
import type { Builder } from '../commands/docker';
import type { BuildCacheMode } from '../engine/settings';
import type { Executor } from '../exec/executor';
import { defaultBranchBuild } from './default-branch';
import { localBuildCache, type CacheStore } from './local-cache';
import type { ServiceBuild } from './plan';

/** What a build cache adds to each service's build, and what it does around the builds. */
export interface BuildCache {
  /** Where the cache lives, for the log line; undefined when the cache is off. */
  readonly description?: string;
  /** Why the cache is off, or undefined when it is on. */
  readonly disabledBecause?: string;
  readonly cacheFrom: (build: ServiceBuild) => string[];
  readonly cacheTo: (build: ServiceBuild) => string[];
  /** Build arguments the cache needs (the inline cache's `BUILDKIT_INLINE_CACHE=1`). */
  readonly buildArgs: (build: ServiceBuild) => Readonly<Record<string, string>>;
  /** True when builds write the cache to the registry: they need the registry logins. */
  readonly writesToRegistry: boolean;
  /** Before the builds: brings back what an earlier run kept. */
  readonly restore: (builds: readonly ServiceBuild[]) => Promise<void>;
  /** After every build succeeded: keeps this run's cache for the next run. */
  readonly save: (builds: readonly ServiceBuild[]) => Promise<void>;
}

const NOTHING = {
  cacheFrom: () => [],
  cacheTo: () => [],
  buildArgs: () => ({}),
  writesToRegistry: false,
  restore: () => Promise.resolve(),
  save: () => Promise.resolve(),
} as const;

export const cacheOff = (why: string): BuildCache => ({ ...NOTHING, disabledBecause: why });

export interface BuildCacheDeps {
  readonly executor: Executor;
  readonly builder: Builder;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The Actions cache service (`@actions/cache`), for `local`. */
  readonly store: CacheStore;
  readonly warn: (message: string) => void;
}

/** The buildx driver of the current builder ("docker", "docker-container", …), or undefined. */
export async function buildxDriver(executor: Executor): Promise<string | undefined> {
  const inspect = await executor.run(command(['docker', 'buildx', 'inspect']), { allowFailure: true, step: 'build' });
  return /^Driver:\s*(\S+)/mu.exec(inspect.stdout)?.[1];
}

const DOCKER_DRIVER = 'the buildx builder uses the "docker" driver, which cannot export caches (add docker/setup-buildx-action before this step)';

/** The build cache `mode` chooses, or the cache off with the reason it cannot work here. */
export async function chooseBuildCache(mode: BuildCacheMode, deps: BuildCacheDeps): Promise<BuildCache> {
  switch (mode) {
    case 'off':
      return cacheOff('build-cache is off');
    case 'gha':
      return githubBuildCache(deps);
    case 'registry':
      return registryBuildCache(deps);
    case 'local':
      return localBuildCache(deps, deps.builder === 'buildx' ? await buildxDriver(deps.executor) : undefined);
  }
}

/**
 * The GitHub Actions cache backend of buildx (`type=gha`), one scope per service. It needs the
 * runner's cache service (ACTIONS_RUNTIME_TOKEN and a cache URL, which buildx reads from the
 * environment, never from argv) and a buildx driver that can export caches (not `docker`).
 * Anywhere else it is off.
 */
export async function githubBuildCache(deps: Pick<BuildCacheDeps, 'executor' | 'builder' | 'env'>): Promise<BuildCache> {
  const { env } = deps;
  const onGithub = env.ACTIONS_RUNTIME_TOKEN !== undefined && (env.ACTIONS_CACHE_URL !== undefined || env.ACTIONS_RESULTS_URL !== undefined);
  if (!onGithub) return cacheOff('not running on GitHub Actions');
  if (deps.builder !== 'buildx') return cacheOff('docker buildx is not installed');
  const driver = await buildxDriver(deps.executor);
  if (driver === undefined || driver === 'docker') return cacheOff(DOCKER_DRIVER);
  return {
    ...NOTHING,
    description: 'GitHub Actions cache',
    cacheFrom: (build) => [`type=gha,scope=stack-deploy-${build.service}`],
    cacheTo: (build) => [`type=gha,scope=stack-deploy-${build.service},mode=max`],
  };
}

/** The tag of a service's registry cache: `<repository>:buildcache`. Never a release tag. */
export const REGISTRY_CACHE_TAG = 'buildcache';

/**
 * buildx's registry cache (`type=registry`) at `<repository>:buildcache`, one per service. Every
 * run reads it; only a run of the default branch writes it, so branches cannot overwrite the
 * cache the releases use. Needs a driver that can export caches.
 */
export async function registryBuildCache(deps: Pick<BuildCacheDeps, 'executor' | 'builder' | 'env'>): Promise<BuildCache> {
  if (deps.builder !== 'buildx') return cacheOff('docker buildx is not installed');
  const driver = await buildxDriver(deps.executor);
  if (driver === undefined || driver === 'docker') return cacheOff(DOCKER_DRIVER);
  const ref = (build: ServiceBuild) => `${build.image}:${REGISTRY_CACHE_TAG}`;
  const branch = defaultBranchBuild(deps.env);
  return {
    ...NOTHING,
    description: branch.isDefault ? `registry, <image>:${REGISTRY_CACHE_TAG}` : `registry, <image>:${REGISTRY_CACHE_TAG}, read only: ${branch.why}`,
    writesToRegistry: branch.isDefault,
    cacheFrom: (build) => [`type=registry,ref=${ref(build)}`],
    cacheTo: (build) => (branch.isDefault ? [`type=registry,ref=${ref(build)},mode=max`] : []),
  };
}

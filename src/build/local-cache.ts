import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { loadImageFile, saveImageFile, tagImage } from '../commands/docker';
import type { Executor } from '../exec/executor';
import type { BuildCache } from './cache';
import type { ServiceBuild } from './plan';

/** The Actions cache service, as `@actions/cache` offers it; the tests inject their own. */
export interface CacheStore {
  /** True when the runner has a cache service (never in the CLI). */
  available(): boolean;
  /** Restores `dir`; resolves with the key it matched, or undefined. */
  restore(dir: string, key: string, restoreKeys: readonly string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

/** Files whose change means new dependencies, looked for at the root of a build context. */
export const LOCKFILES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Gemfile.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'requirements.txt',
  'go.sum',
  'Cargo.lock',
  'composer.lock',
  'mix.lock',
];

/** The local tag of a service's last image, kept with an inline cache. Never pushed. */
export const LOCAL_CACHE_TAG = 'stack-deploy-cache';

/** The directory this machine keeps build caches in between runs: `$XDG_CACHE_HOME/stack-deploy` or `~/.cache/stack-deploy`. */
export function localCacheRoot(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'stack-deploy');
  return join(env.HOME ?? homedir(), '.cache', 'stack-deploy');
}

/** One directory per service image: `<root>/<registry_namespace_service>`. */
export function localCacheDir(root: string, build: ServiceBuild): string {
  return join(root, build.image.replace(/[^A-Za-z0-9._-]+/gu, '_'));
}

/**
 * The Actions cache key of a service's cache: its kind, the service, and a hash of its image,
 * its Dockerfile and the lockfiles at the root of its context. The prefix up to the last `-`
 * restores an older cache of the same service when a lockfile changed.
 */
export function localCacheKey(kind: 'dir' | 'image', build: ServiceBuild): { key: string; restoreKeys: string[] } {
  const prefix = `stack-deploy-local-${kind}-${build.service}-${sha256(build.image).slice(0, 12)}-`;
  const files = createHash('sha256');
  const dockerfile = build.dockerfile === undefined ? join(build.context, 'Dockerfile') : isAbsolute(build.dockerfile) ? build.dockerfile : join(build.context, build.dockerfile);
  for (const file of [dockerfile, ...LOCKFILES.map((name) => join(build.context, name))]) {
    if (!existsSync(file)) continue;
    files.update(`${file}\0`).update(readFileSync(file)).update('\0');
  }
  return { key: `${prefix}${files.digest('hex').slice(0, 32)}`, restoreKeys: [prefix] };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface LocalDeps {
  readonly executor: Executor;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly store: CacheStore;
  readonly warn: (message: string) => void;
}

/**
 * `local`: the cache lives on this machine, one per service, saved and restored with the Actions
 * cache service where the runner has one. A builder that exports caches (a buildx driver other
 * than `docker`) writes `type=local` to a new directory that then replaces the old one, so the
 * cache never grows. The classic builder and the `docker` driver export only inline caches: the
 * last image of each service is kept (tagged `:stack-deploy-cache`, with `BUILDKIT_INLINE_CACHE=1`)
 * and the next build starts `--cache-from` it.
 */
export function localBuildCache(deps: LocalDeps, driver: string | undefined): BuildCache {
  const root = localCacheRoot(deps.env);
  const shared = deps.store.available();
  const where = shared ? 'saved with the Actions cache' : `kept in ${root}`;
  const exports = driver !== undefined && driver !== 'docker';
  return exports ? directoryCache(deps, root, shared, where) : lastImageCache(deps, root, shared, driver !== undefined);
}

/** Restores each service's directory from the Actions cache; returns the keys that matched exactly. */
async function restoreAll(deps: LocalDeps, root: string, kind: 'dir' | 'image', builds: readonly ServiceBuild[]): Promise<Set<string>> {
  const exact = new Set<string>();
  for (const build of builds) {
    const { key, restoreKeys } = localCacheKey(kind, build);
    try {
      const matched = await deps.store.restore(localCacheDir(root, build), key, restoreKeys);
      if (matched === key) exact.add(build.service);
    } catch (error) {
      deps.warn(`${build.service}: the build cache could not be restored: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return exact;
}

async function saveAll(deps: LocalDeps, root: string, kind: 'dir' | 'image', builds: readonly ServiceBuild[], unchanged: Set<string>): Promise<void> {
  for (const build of builds) {
    // A key is saved once: an exact hit means the cache service already holds this key.
    if (unchanged.has(build.service)) continue;
    try {
      await deps.store.save(localCacheDir(root, build), localCacheKey(kind, build).key);
    } catch (error) {
      deps.warn(`${build.service}: the build cache could not be saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Replaces `dir` with `fresh`: the old cache goes, so what is kept is only the last build's. */
async function replaceDirectory(dir: string, fresh: string): Promise<void> {
  if (!existsSync(fresh)) return;
  await rm(dir, { recursive: true, force: true });
  await rename(fresh, dir);
}

function directoryCache(deps: LocalDeps, root: string, shared: boolean, where: string): BuildCache {
  let exact = new Set<string>();
  return {
    description: `local directories, ${where}`,
    writesToRegistry: false,
    buildArgs: () => ({}),
    cacheFrom: (build) => {
      const dir = localCacheDir(root, build);
      return existsSync(dir) ? [`type=local,src=${dir}`] : [];
    },
    cacheTo: (build) => [`type=local,dest=${localCacheDir(root, build)}.new,mode=max`],
    restore: async (builds) => {
      await mkdir(root, { recursive: true });
      for (const build of builds) await rm(`${localCacheDir(root, build)}.new`, { recursive: true, force: true });
      if (shared) exact = await restoreAll(deps, root, 'dir', builds);
    },
    save: async (builds) => {
      for (const build of builds) await replaceDirectory(localCacheDir(root, build), `${localCacheDir(root, build)}.new`);
      if (shared) await saveAll(deps, root, 'dir', builds, exact);
    },
  };
}

const IMAGE_FILE = 'image.tar';

function lastImageCache(deps: LocalDeps, root: string, shared: boolean, buildx: boolean): BuildCache {
  const cacheRef = (build: ServiceBuild) => `${build.image}:${LOCAL_CACHE_TAG}`;
  let exact = new Set<string>();
  return {
    description: `the last image of each service (${buildx ? 'inline cache' : 'classic builder'}), ${shared ? 'saved with the Actions cache' : 'kept by this Docker engine'}`,
    writesToRegistry: false,
    // The classic builder reads a local image's layers as they are; BuildKit needs the inline cache.
    buildArgs: (): Record<string, string> => (buildx ? { BUILDKIT_INLINE_CACHE: '1' } : {}),
    cacheFrom: (build) => [cacheRef(build)],
    cacheTo: () => [],
    restore: async (builds) => {
      if (!shared) return;
      exact = await restoreAll(deps, root, 'image', builds);
      for (const build of builds) {
        const file = join(localCacheDir(root, build), IMAGE_FILE);
        if (!existsSync(file)) continue;
        const loaded = await deps.executor.run(loadImageFile(file), { allowFailure: true, service: build.service, step: 'build' });
        if (loaded.exitCode !== 0) deps.warn(`${build.service}: the cached image could not be loaded: ${loaded.stderr.trim()}`);
      }
    },
    save: async (builds) => {
      for (const build of builds) await deps.executor.run(tagImage(build.releaseRef, cacheRef(build)), { service: build.service, step: 'build' });
      if (!shared) return;
      const changed = builds.filter((build) => !exact.has(build.service));
      for (const build of changed) {
        const dir = localCacheDir(root, build);
        await rm(`${dir}.new`, { recursive: true, force: true });
        await mkdir(`${dir}.new`, { recursive: true });
        await deps.executor.run(saveImageFile(cacheRef(build), join(`${dir}.new`, IMAGE_FILE)), { service: build.service, step: 'build' });
        await replaceDirectory(dir, `${dir}.new`);
      }
      await saveAll(deps, root, 'image', builds, exact);
    },
  };
}

import { command } from '../commands/command';
import type { Builder } from '../commands/docker';
import type { Executor } from '../exec/executor';

export interface BuildCache {
  readonly cacheFrom: (service: string) => string[];
  readonly cacheTo: (service: string) => string[];
  /** Why the cache is off, or undefined when it is on. */
  readonly disabledBecause?: string;
}

const NO_CACHE = (why: string): BuildCache => ({ cacheFrom: () => [], cacheTo: () => [], disabledBecause: why });

/**
 * The GitHub Actions cache backend of buildx (`type=gha`), one scope per service. It needs the
 * runner's cache service (ACTIONS_RUNTIME_TOKEN and a cache URL, which buildx reads from the
 * environment, never from argv) and a buildx driver that can export caches (not `docker`).
 * Anywhere else it is off.
 */
export async function githubBuildCache(
  executor: Executor,
  builder: Builder,
  env: Readonly<Record<string, string | undefined>>,
  wanted: boolean,
): Promise<BuildCache> {
  if (!wanted) return NO_CACHE('the build-cache input is false');
  const onGithub = env.ACTIONS_RUNTIME_TOKEN !== undefined && (env.ACTIONS_CACHE_URL !== undefined || env.ACTIONS_RESULTS_URL !== undefined);
  if (!onGithub) return NO_CACHE('not running on GitHub Actions');
  if (builder !== 'buildx') return NO_CACHE('docker buildx is not installed');
  const inspect = await executor.run(command(['docker', 'buildx', 'inspect']), { allowFailure: true, step: 'build' });
  const driver = /^Driver:\s*(\S+)/mu.exec(inspect.stdout)?.[1];
  if (driver === undefined || driver === 'docker') {
    return NO_CACHE('the buildx builder uses the "docker" driver, which cannot export caches (add docker/setup-buildx-action before this step)');
  }
  return {
    cacheFrom: (service) => [`type=gha,scope=stack-deploy-${service}`],
    cacheTo: (service) => [`type=gha,scope=stack-deploy-${service},mode=max`],
  };
}

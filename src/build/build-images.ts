import { availableParallelism } from 'node:os';
import { buildImage, buildxVersion, type Builder } from '../commands/docker';
import { StackDeployError, tailLines } from '../errors';
import type { Executor } from '../exec/executor';
import type { Reporter } from '../engine/reporter';
import { settleWithLimit } from '../util/pool';
import type { BuildCache } from './cache';
import type { ServiceBuild } from './plan';

export const BUILD_ERROR_TAIL_LINES = 30;

/** `docker buildx` when the plugin answers, else the classic builder. */
export async function detectBuilder(executor: Executor): Promise<Builder> {
  const probe = await executor.run(buildxVersion(), { allowFailure: true, step: 'build' });
  return probe.exitCode === 0 ? 'buildx' : 'classic';
}

/**
 * Builds every image, at most one per core at a time. Each build's output is collected and
 * shown in its own log group when it ends, so parallel logs never interleave. Throws one error
 * naming every failed service, each with the last 30 lines of its output.
 */
export async function buildImages(
  builds: readonly ServiceBuild[],
  deps: { readonly executor: Executor; readonly reporter: Reporter; readonly builder: Builder; readonly cache?: BuildCache; readonly parallelism?: number },
): Promise<void> {
  const { executor, reporter, builder } = deps;
  const results = await settleWithLimit(builds, deps.parallelism ?? availableParallelism(), async (build) => {
    let log = '';
    const cmd = buildImage({
      builder,
      context: build.context,
      dockerfile: build.dockerfile,
      target: build.target,
      buildArgs: { ...build.buildArgs, ...deps.cache?.buildArgs(build) },
      labels: build.labels,
      tags: build.refs,
      platforms: builder === 'buildx' ? build.platforms : undefined,
      network: build.network,
      cacheFrom: deps.cache?.cacheFrom(build),
      cacheTo: deps.cache?.cacheTo(build),
    });
    try {
      await executor.run(cmd, {
        service: build.service,
        step: 'build',
        env: builder === 'buildx' ? { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } : { DOCKER_BUILDKIT: '0' },
        onOutput: (chunk) => {
          log += chunk;
        },
      });
    } catch (error) {
      const context = error instanceof StackDeployError ? error.context : {};
      throw new StackDeployError(`the build of ${build.service} failed${context.exitCode === undefined ? '' : ` (exit code ${context.exitCode})`}`, {
        ...context,
        service: build.service,
        step: 'build',
        outputTail: tailLines(log, BUILD_ERROR_TAIL_LINES),
        hint: `fix the build of ${build.service}; its whole log is in the "Build ${build.service}" log group`,
      });
    } finally {
      await reporter.group(`Build ${build.service}`, () => {
        reporter.info(log.trimEnd());
        return Promise.resolve();
      });
    }
  });
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length === 0) return;
  if (failures.length === 1) throw failures[0];
  // Several failed: report each in the log, then fail with the first one's details.
  for (const failure of failures.slice(1)) reporter.error(failure instanceof Error ? failure.message : String(failure));
  throw failures[0];
}

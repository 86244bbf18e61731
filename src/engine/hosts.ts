import type { Executor } from '../exec/executor';
import { openConnection } from './connect';
import type { RunContext } from './context';
import { type HostTarget, hostLabel, onHost, onHostError, type ResolvedEnvironment } from './environment';

/**
 * Connects to each of `hosts` (all of the environment's by default) at once, runs `work` on each
 * connection, and closes them all. The first failure (in the hosts' order) is thrown once every
 * host is done, with the host named when the environment has several.
 */
export async function onEachHost<T>(
  context: RunContext,
  environment: ResolvedEnvironment,
  work: (executor: Executor, target: HostTarget) => Promise<T>,
  hosts: readonly HostTarget[] = environment.hosts,
): Promise<{ target: HostTarget; value: T }[]> {
  const title = hosts.map(hostLabel).join(', ');
  const settled = await context.reporter.group(`Connect to ${title}`, () =>
    Promise.allSettled(
      hosts.map(async (target) => {
        const executor = await openConnection(context, onHost(environment, target));
        try {
          return await work(executor, target);
        } finally {
          await executor.close();
        }
      }),
    ),
  );
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    const reason: unknown = (settled[failed] as PromiseRejectedResult).reason;
    const target = hosts[failed];
    throw environment.hosts.length > 1 && target !== undefined ? onHostError(hostLabel(target), reason) : reason;
  }
  return settled.map((s, i) => ({ target: hosts[i] as HostTarget, value: (s as PromiseFulfilledResult<T>).value }));
}

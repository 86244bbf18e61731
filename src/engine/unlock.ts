import { hostPaths } from '../deploy/plan';
import { forceUnlockCommand } from '../deploy/remote-commands';
import { onEachHost } from './hosts';
import type { RunContext } from './context';
import { hostLabel, resolveEnvironment } from './environment';
import type { RunResult } from './result';
import { loadAndReport } from './validate';

/** `unlock`: frees a stale deploy lock on each host of the environment and writes who did it to the ledger. */
export async function unlock(context: RunContext): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded.result;
  const environment = resolveEnvironment(loaded.manifest, settings.environment);
  const line = `${JSON.stringify({
    time: new Date(clock.now()).toISOString(),
    actor: settings.actor ?? 'unknown',
    run_url: settings.runUrl ?? '',
    environment: environment.name,
    action: 'unlock',
    result: 'unlocked',
  })}\n`;
  const results = await onEachHost(context, environment, async (executor, target) => {
    const output = (await executor.run(forceUnlockCommand(hostPaths({ path: environment.config.path, runId: '' }), line), { step: 'unlock' })).stdout;
    const [verdict = '', ...owner] = output.trim().split('\n');
    const where = environment.hosts.length > 1 ? hostLabel(target) : executor.host;
    return verdict === 'released' ? `released the deploy lock on ${where}, held by ${owner.join(' ').trim() || 'an unknown run'}` : `${where} had no deploy lock`;
  });
  const messages = results.map((r) => r.value);
  for (const message of messages) reporter.info(message);
  return { status: 'success', outputs: {}, summary: { title: `stack-deploy: ${environment.name} unlocked`, lines: messages, tables: [] } };
}

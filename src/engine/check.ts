import type { AuditReport } from './audit';
import { auditEnvironment } from './audit';
import { formatBytes } from '../build/size';
import { openConnection } from './connect';
import type { RunContext } from './context';
import { projectCandidates, resolveEnvironment } from './environment';
import { needsHttpProbe, runPreflight } from './host-preflight';
import type { RunResult } from './result';
import { loadAndReport } from './validate';

/**
 * `check`: validates stack.yml, connects to the environment's host with the pinned host key
 * and runs the preflight a deploy runs (Docker, Compose, the deploy directory, free space, the
 * tools the transaction needs), read only: a passing check promises a passing preflight. With
 * `audit`, also the production audit, which fails the check on a high finding.
 */
export async function check(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded.result;
  const environment = resolveEnvironment(loaded.manifest, settings.environment);
  const { host, port, user } = environment.config;
  const { facts, audit } = await reporter.group(`Connect to ${user}@${host}:${port}`, async () => {
    const executor = await openConnection(context, environment);
    try {
      const hostFacts = await runPreflight(executor, environment.config.path, needsHttpProbe(loaded.manifest), projectCandidates(loaded.manifest, environment.name), { readOnly: true });
      const report: AuditReport | undefined = settings.audit === true ? await auditEnvironment(executor, settings.manifest, loaded.manifest, environment, reporter) : undefined;
      return { facts: hostFacts, audit: report };
    } finally {
      await executor.close();
    }
  });
  const composeName = facts.compose.flavor === 'v2' ? 'docker compose' : 'docker-compose';
  const line = `${user}@${host}:${port} (${environment.name}): Docker ${facts.docker}, ${composeName} ${facts.compose.version}, ${formatBytes(facts.freeBytes)} free under ${environment.config.path}`;
  reporter.info(line);
  const failedAudit = audit !== undefined && audit.high > 0;
  return {
    status: failedAudit ? 'failed' : 'success',
    outputs: audit === undefined ? {} : { audit: JSON.stringify(audit.findings) },
    summary: {
      title: audit === undefined ? `stack-deploy: ${environment.name} is reachable` : `stack-deploy: audit of ${environment.name}: ${audit.findings.length} ${audit.findings.length === 1 ? 'finding' : 'findings'}, ${audit.high} high`,
      lines: failedAudit ? ['High findings fail the audit: fix them before deploying to production.'] : [],
      tables: [
        {
          header: ['Environment', 'Host', 'Docker', 'Compose'],
          rows: [[environment.name, `${user}@${host}:${port}`, facts.docker, `${composeName} ${facts.compose.version}`]],
        },
        ...(audit === undefined || audit.findings.length === 0 ? [] : [audit.table]),
      ],
    },
  };
}

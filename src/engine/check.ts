import type { AuditReport } from './audit';
import { auditEnvironment } from './audit';
import { formatBytes } from '../build/size';
import { onEachHost } from './hosts';
import type { RunContext } from './context';
import { hostLabel, onHost, projectCandidates, resolveEnvironment } from './environment';
import { needsHttpProbe, runPreflight } from './host-preflight';
import type { RunResult } from './result';
import { loadAndReport } from './validate';

/**
 * `check`: validates stack.yml, connects to each of the environment's hosts with its pinned host key
 * and runs the preflight a deploy runs (Docker, Compose, the deploy directory, free space, the
 * tools the transaction needs), read only: a passing check promises a passing preflight. With
 * `audit`, also the production audit, which fails the check on a high finding.
 */
export async function check(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded.result;
  const environment = resolveEnvironment(loaded.manifest, settings.environment);
  const checked = await onEachHost(context, environment, async (executor, target) => {
    const hostFacts = await runPreflight(executor, environment.config.path, needsHttpProbe(loaded.manifest), projectCandidates(loaded.manifest, environment.name), { readOnly: true });
    const report: AuditReport | undefined = settings.audit === true ? await auditEnvironment(executor, settings.manifest, loaded.manifest, onHost(environment, target), reporter) : undefined;
    return { facts: hostFacts, audit: report };
  });
  const rows = checked.map(({ target, value: { facts } }) => {
    const composeName = facts.compose.flavor === 'v2' ? 'docker compose' : 'docker-compose';
    reporter.info(`${hostLabel(target)} (${environment.name}): Docker ${facts.docker}, ${composeName} ${facts.compose.version}, ${formatBytes(facts.freeBytes)} free under ${environment.config.path}`);
    return [environment.name, hostLabel(target), facts.docker, `${composeName} ${facts.compose.version}`];
  });
  const audits = checked.flatMap(({ value }) => (value.audit === undefined ? [] : [value.audit]));
  const audit: AuditReport | undefined = audits.length === 0 ? undefined : audits.length === 1 ? audits[0] : { findings: audits.flatMap((a) => a.findings), high: audits.reduce((n, a) => n + a.high, 0), table: { header: audits[0]?.table.header ?? [], rows: audits.flatMap((a) => a.table.rows) } };
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
          rows,
        },
        ...(audit === undefined || audit.findings.length === 0 ? [] : [audit.table]),
      ],
    },
  };
}

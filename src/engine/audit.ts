import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { composeFindings } from '../audit/compose-findings';
import { type Finding, formatFinding, sortFindings } from '../audit/finding';
import { auditHostCommand, hostFindings } from '../audit/host-audit';
import { hostPaths } from '../deploy/plan';
import type { Executor } from '../exec/executor';
import type { Manifest } from '../manifest';
import type { ResolvedEnvironment } from './environment';
import type { Reporter } from './reporter';
import type { SummaryTable } from './summary';

export interface AuditReport {
  readonly findings: readonly Finding[];
  readonly high: number;
  readonly table: SummaryTable;
}

/** The environment's compose files (read here: they are uploaded unchanged) checked for risky settings. */
async function composeFileFindings(manifestFile: string, manifest: Manifest, environment: ResolvedEnvironment): Promise<Finding[]> {
  const built = new Set(Object.entries(manifest.services).filter(([, service]) => service.build !== undefined).map(([name]) => name));
  const findings: Finding[] = [];
  for (const file of environment.config.compose) {
    let text: string;
    try {
      text = await readFile(join(dirname(resolve(manifestFile)), file), 'utf8');
    } catch (error) {
      findings.push({ severity: 'medium', where: file, what: `cannot read the compose file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, fix: 'run the audit in the checkout that holds stack.yml and its compose files' });
      continue;
    }
    findings.push(...composeFindings(file, text, built));
  }
  return findings;
}

/**
 * The production audit: the compose files, and over the open connection the deploy user, the
 * env file and sshd. Every finding is reported with its severity, where it is and the fix.
 */
export async function auditEnvironment(executor: Executor, manifestFile: string, manifest: Manifest, environment: ResolvedEnvironment, reporter: Reporter): Promise<AuditReport> {
  const envFile = hostPaths({ path: environment.config.path, runId: '' }).envFile;
  const output = await executor.run(auditHostCommand(envFile), { step: 'audit' });
  const findings = sortFindings([...(await composeFileFindings(manifestFile, manifest, environment)), ...hostFindings(output.stdout, { host: executor.host, envFile })]);
  for (const finding of findings) {
    if (finding.severity === 'high') reporter.error(formatFinding(finding));
    else if (finding.severity === 'medium') reporter.warning(formatFinding(finding));
    else reporter.info(formatFinding(finding));
  }
  const high = findings.filter((finding) => finding.severity === 'high').length;
  reporter.info(findings.length === 0 ? 'audit: no findings' : `audit: ${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}, ${high} high`);
  return {
    findings,
    high,
    table: { header: ['Severity', 'Where', 'Finding', 'Fix'], rows: findings.map((f) => [f.severity, f.where, f.what, f.fix]) },
  };
}

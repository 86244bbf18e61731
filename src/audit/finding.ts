/** How bad a finding is: `high` fails the audit (and the workflow step that runs it). */
export type Severity = 'high' | 'medium' | 'low';

/** One thing the production audit found: how bad, where, what, and how to fix it. */
export interface Finding {
  readonly severity: Severity;
  /** `compose.yml:12 services.db.ports.0`, or `deploy@host:22 /etc/ssh/sshd_config`. */
  readonly where: string;
  readonly what: string;
  readonly fix: string;
}

const ORDER: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2 };

/** High first; otherwise in the order found. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings.map((finding, index) => ({ finding, index })).sort((a, b) => ORDER[a.finding.severity] - ORDER[b.finding.severity] || a.index - b.index).map(({ finding }) => finding);
}

export function formatFinding(finding: Finding): string {
  return `${finding.severity.toUpperCase()} ${finding.where}: ${finding.what} (fix: ${finding.fix})`;
}

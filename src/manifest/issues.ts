/** One thing wrong with a manifest, located in its source file. Line and column are 1-based. */
export interface ManifestIssue {
  /** The manifest path exactly as the caller gave it. */
  file: string;
  line: number;
  column: number;
  /** Dotted key path such as `services.api.health.timeout`; array indexes as `backup.0.retain`. */
  path: string;
  message: string;
  /** Appended in parentheses when formatted, e.g. `did you mean "health"?`. */
  hint?: string;
}

/** A key path into the manifest data: mapping keys and list indexes. */
export type IssuePath = readonly (string | number)[];

/**
 * An issue found in the parsed data, before it is located in the source. `target` says whether
 * the key itself is wrong (unknown or duplicate key) or its value is.
 */
export interface PathIssue {
  path: IssuePath;
  message: string;
  hint?: string;
  target: 'key' | 'value';
}

export function formatPath(path: IssuePath): string {
  return path.join('.');
}

/** `stack.yml:12:7 services.api.health.timeout: expected a duration like "60s", got "sixty"`. */
export function formatIssue(issue: ManifestIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  const located = issue.path === '' ? `${where}:` : `${where} ${issue.path}:`;
  const hint = issue.hint === undefined ? '' : ` (${issue.hint})`;
  return `${located} ${issue.message}${hint}`;
}

export function compareIssuePositions(a: ManifestIssue, b: ManifestIssue): number {
  return a.line - b.line || a.column - b.column;
}

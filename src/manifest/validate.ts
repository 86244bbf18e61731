import type { PathIssue } from './issues';
import { manifestErrorMap } from './messages';
import { composeIssues, referenceIssues } from './references';
import { type Manifest, manifestSchema } from './schema';
import { pathIssuesFromZod } from './zod-issues';

export type ValidationResult = { ok: true; manifest: Manifest } | { ok: false; issues: PathIssue[] };

/** Validates manifest data (as read from YAML) against the schema and the cross-section checks. */
/** What the environments' compose files define, per environment (only those whose files were read). */
export type ComposeNames = Readonly<Record<string, readonly string[]>>;

export function validateManifestData(data: unknown, compose: ComposeNames = {}): ValidationResult {
  const composeServices = [...new Set(Object.values(compose).flat())];
  const parsed = manifestSchema.safeParse(data, { error: manifestErrorMap });
  const issues = [
    ...(parsed.success ? [] : pathIssuesFromZod(parsed.error.issues, manifestSchema)),
    ...referenceIssues(data, composeServices),
    ...composeIssues(data, compose),
  ];
  if (parsed.success && issues.length === 0) return { ok: true, manifest: parsed.data };
  return { ok: false, issues };
}

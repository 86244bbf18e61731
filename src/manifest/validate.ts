import type { PathIssue } from './issues';
import { manifestErrorMap } from './messages';
import { referenceIssues } from './references';
import { type Manifest, manifestSchema } from './schema';
import { pathIssuesFromZod } from './zod-issues';

export type ValidationResult = { ok: true; manifest: Manifest } | { ok: false; issues: PathIssue[] };

/** Validates manifest data (as read from YAML) against the schema and the cross-section checks. */
export function validateManifestData(data: unknown): ValidationResult {
  const parsed = manifestSchema.safeParse(data, { error: manifestErrorMap });
  const issues = [
    ...(parsed.success ? [] : pathIssuesFromZod(parsed.error.issues, manifestSchema)),
    ...referenceIssues(data),
  ];
  if (parsed.success && issues.length === 0) return { ok: true, manifest: parsed.data };
  return { ok: false, issues };
}

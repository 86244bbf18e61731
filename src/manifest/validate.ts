import type { ComposeModel } from '../compose/model';
import type { PathIssue } from './issues';
import { manifestErrorMap } from './messages';
import { composeIssues, referenceIssues } from './references';
import { type Manifest, manifestSchema } from './schema';
import { switchIssues } from './switch-strategy';
import { pathIssuesFromZod } from './zod-issues';

export type ValidationResult = { ok: true; manifest: Manifest } | { ok: false; issues: PathIssue[] };

/** Validates manifest data (as read from YAML) against the schema and the cross-section checks. */
/** What the environments' compose files define, per environment (only those whose files were read). */
export type ComposeNames = Readonly<Record<string, readonly string[]>>;

/** The compose files as read, per environment: what the `switch` checks need (only those whose files were read). */
export type ComposeModels = Readonly<Record<string, Pick<ComposeModel, 'all'>>>;

export function validateManifestData(data: unknown, compose: ComposeNames = {}, models: ComposeModels = {}): ValidationResult {
  const composeServices = [...new Set(Object.values(compose).flat())];
  const parsed = manifestSchema.safeParse(data, { error: manifestErrorMap });
  const issues = [
    ...(parsed.success ? switchIssues(parsed.data, models) : pathIssuesFromZod(parsed.error.issues, manifestSchema)),
    ...referenceIssues(data, composeServices),
    ...composeIssues(data, compose),
  ];
  if (parsed.success && issues.length === 0) return { ok: true, manifest: parsed.data };
  return { ok: false, issues };
}

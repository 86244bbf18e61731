import type { ComposeModel } from '../compose/model';
import type { ManifestIssue } from './issues';
import { compareIssuePositions } from './issues';
import type { Manifest } from './schema';
import { type ComposeModels, type ComposeNames, validateManifestData } from './validate';
import { type LocatedIssue, locateIssue, readYaml } from './yaml-source';

export type LoadResult =
  | {
      ok: true;
      file: string;
      manifest: Manifest;
      /** Each environment's compose files as read (loadManifest only). */
      compose?: Readonly<Record<string, ComposeModel>>;
      /** Things that validate but probably do not work. */
      warnings?: readonly string[];
    }
  | { ok: false; file: string; issues: ManifestIssue[] };

const EMPTY_FILE_MESSAGE =
  'the file is empty: expected a mapping with "version", "name", "services" and "environments"';

function failure(file: string, issues: readonly LocatedIssue[]): LoadResult {
  const withFile = issues.map((issue) => ({ file, ...issue }));
  return { ok: false, file, issues: withFile.sort(compareIssuePositions) };
}

/**
 * Parses and validates manifest text. `file` is only used to label issues, exactly as given.
 * `compose`: the services each environment's compose files define; `models`: those files as read,
 * for the checks of `switch` and `drain_timeout`.
 */
export function parseManifest(text: string, file: string, compose: ComposeNames = {}, models: ComposeModels = {}): LoadResult {
  const yaml = readYaml(text);
  if (!yaml.ok) return failure(file, yaml.issues);
  if (yaml.isEmpty) return failure(file, [{ line: 1, column: 1, path: '', message: EMPTY_FILE_MESSAGE }]);

  let data: unknown;
  try {
    data = yaml.source.document.toJS();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure(file, [...yaml.duplicateKeys, { line: 1, column: 1, path: '', message: `invalid YAML: ${reason}` }]);
  }

  const validation = validateManifestData(data, compose, models);
  if (validation.ok && yaml.duplicateKeys.length === 0) return { ok: true, file, manifest: validation.manifest };
  const located = validation.ok ? [] : validation.issues.map((issue) => locateIssue(yaml.source, issue));
  return failure(file, [...yaml.duplicateKeys, ...located]);
}

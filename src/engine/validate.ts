import type { ComposeModel } from '../compose/model';
import { parseDotenv } from '../compose/dotenv';
import { formatIssue, loadManifest, type Manifest } from '../manifest';
import type { Reporter } from './reporter';
import type { RunResult } from './result';

export type ManifestOutcome =
  | { readonly ok: true; readonly manifest: Manifest; readonly compose: Readonly<Record<string, ComposeModel>> }
  | { readonly ok: false; readonly result: RunResult };

/** The variables compose files are interpolated with: the env text when it is given. */
export function envVariables(envText: string | undefined): ReadonlyMap<string, string> | undefined {
  return envText === undefined || envText.trim() === '' ? undefined : parseDotenv(envText);
}

/**
 * Loads stack.yml and reports every problem in it (each one also as an annotation on its file
 * and line). Commands that need a manifest start here. The environments' compose files are read
 * too, unless `compose` is false: commands that neither deploy nor report what runs need none.
 */
export async function loadAndReport(file: string, reporter: Reporter, failedStatus: 'failed' | 'invalid', variables?: ReadonlyMap<string, string>, options: { compose?: boolean } = {}): Promise<ManifestOutcome> {
  const loaded = await loadManifest(file, { variables, compose: options.compose });
  if (loaded.ok) {
    for (const warning of loaded.warnings ?? []) reporter.warning(warning);
    return { ok: true, manifest: loaded.manifest, compose: loaded.compose ?? {} };
  }
  for (const issue of loaded.issues) {
    reporter.error(formatIssue(issue), { file: issue.file, line: issue.line, column: issue.column, title: 'invalid manifest' });
  }
  const count = loaded.issues.length;
  const headline = `${loaded.file}: ${count} ${count === 1 ? 'problem' : 'problems'} found`;
  return {
    ok: false,
    result: {
      status: failedStatus,
      outputs: {},
      summary: {
        title: 'stack-deploy: invalid manifest',
        lines: [headline],
        tables: [{ header: ['Where', 'Key', 'Problem'], rows: loaded.issues.map((i) => [`${i.file}:${i.line}:${i.column}`, i.path || '(root)', i.hint === undefined ? i.message : `${i.message} (${i.hint})`]) }],
      },
    },
  };
}

/** `validate`: every error in stack.yml, or one summary line. */
export async function validate(file: string, reporter: Reporter, envText?: string): Promise<RunResult> {
  const outcome = await loadAndReport(file, reporter, 'failed', envVariables(envText));
  if (!outcome.ok) return outcome.result;
  const manifest = outcome.manifest;
  const services = Object.keys(manifest.services);
  const environments = Object.keys(manifest.environments);
  const line = `${file} is valid: stack "${manifest.name}", ${services.length} ${services.length === 1 ? 'service' : 'services'} (${services.join(', ')}), ${environments.length} ${environments.length === 1 ? 'environment' : 'environments'} (${environments.join(', ')})`;
  reporter.info(line);
  return {
    status: 'success',
    outputs: { services: JSON.stringify(services) },
    summary: { title: 'stack-deploy: manifest is valid', lines: [line], tables: [] },
  };
}

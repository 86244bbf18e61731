import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { type ComposeModel, readComposeFiles } from '../compose/model';
import { StackDeployError } from '../errors';
import type { ManifestIssue } from './issues';
import { type LoadResult, parseManifest } from './parse';
import type { Manifest } from './schema';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function readFailure(file: string, error: unknown): StackDeployError {
  const code = errorCode(error);
  if (code === 'ENOENT') {
    return new StackDeployError(
      `${basename(file)} not found in ${dirname(resolve(file))}; set the input "manifest"`,
      { hint: 'add the manifest at the repository root, or set the "manifest" input to its path relative to the working directory' },
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return new StackDeployError(`${file} is a directory, not a manifest file`, {
      hint: 'set the "manifest" input to the path of the YAML file, e.g. deploy/stack.yml',
    });
  }
  const reason = code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new StackDeployError(`cannot read ${file}: ${reason}`, { hint: 'check that the file exists and is readable' }, { cause: error });
}

export interface LoadOptions {
  /** Read the environments' compose files too (default true); `build` needs none of them. */
  readonly compose?: boolean;
  /** The env file's variables, when known (the `env` input): `${VAR:?…}` in compose files is then checked. */
  readonly variables?: ReadonlyMap<string, string>;
}

/** The compose files each environment names, read from the raw manifest (before validation). */
function composeFilesByEnvironment(text: string): Record<string, string[]> {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return {};
  }
  const environments = typeof data === 'object' && data !== null ? (data as { environments?: unknown }).environments : undefined;
  if (typeof environments !== 'object' || environments === null) return {};
  const found: Record<string, string[]> = {};
  for (const [name, settings] of Object.entries(environments as Record<string, unknown>)) {
    const compose = typeof settings === 'object' && settings !== null ? (settings as { compose?: unknown }).compose : undefined;
    const files = typeof compose === 'string' ? [compose] : Array.isArray(compose) ? compose.filter((f): f is string => typeof f === 'string') : [];
    // Paths the schema refuses (absolute, or leaving the directory of stack.yml) are not read.
    if (files.length > 0 && files.every((f) => f !== '' && !isAbsolute(f) && !f.split(/[\\/]/u).includes('..'))) found[name] = files;
  }
  return found;
}

/** A health URL's port that the service neither publishes nor reaches through host networking. */
function healthPortWarnings(manifest: Manifest, compose: Readonly<Record<string, ComposeModel>>): string[] {
  const warnings: string[] = [];
  for (const [name, service] of Object.entries(manifest.services)) {
    const url = service.health?.http;
    if (url === undefined) continue;
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
    for (const [environment, model] of Object.entries(compose)) {
      const definition = model.all.find((s) => s.name === name);
      if (definition === undefined || definition.networkMode === 'host') continue;
      if (definition.ports.some((p) => p.published === port || p.published?.split('-')[0] === port)) continue;
      warnings.push(`services.${name}.health.http probes port ${port} on the host, but in environment "${environment}" ${name} neither publishes port ${port} nor uses network_mode: host (${definition.where.file}:${definition.where.line}): the probe cannot reach it`);
    }
  }
  return warnings;
}

/**
 * Reads and validates the manifest at `file` (relative to the working directory or absolute), with
 * the compose files of its environments: what they define, whether they parse, and the variables
 * they require.
 */
export async function loadManifest(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw readFailure(file, error);
  }
  const dir = dirname(file);
  const compose: Record<string, ComposeModel> = {};
  const composeIssues: ManifestIssue[] = [];
  const seen = new Set<string>();
  for (const [environment, files] of Object.entries(options.compose === false ? {} : composeFilesByEnvironment(text))) {
    const model = await readComposeFiles({ dir, files, variables: options.variables });
    compose[environment] = model;
    for (const issue of model.issues) {
      const located = { ...issue, file: join(dir, issue.file) };
      const key = `${located.file}:${located.line}:${located.column}:${issue.message}`;
      if (!seen.has(key)) composeIssues.push(located);
      seen.add(key);
    }
  }
  const readableModels = Object.fromEntries(Object.entries(compose).filter(([, model]) => !model.issues.some((i) => i.path === '')));
  const readable = Object.fromEntries(Object.entries(readableModels).map(([environment, model]) => [environment, model.all.map((s) => s.name)]));
  const result = parseManifest(text, file, readable, readableModels);
  if (!result.ok) return { ...result, issues: [...result.issues, ...composeIssues] };
  if (composeIssues.length > 0) return { ok: false, file, issues: composeIssues };
  return { ...result, compose, warnings: healthPortWarnings(result.manifest, compose) };
}

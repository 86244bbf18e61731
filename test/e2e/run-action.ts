import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const ACTION_ENTRY = join(REPO_ROOT, 'dist/index.js');
export const CLI_ENTRY = join(REPO_ROOT, 'dist/cli/index.js');

export interface ActionRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly state: Record<string, string>;
}

/** Parses the runner's file-command format (`name<<DELIM\nvalue\nDELIM`, or `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/u.exec(line);
    if (heredoc !== null) {
      const [, name = '', delimiter] = heredoc;
      const body: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i += 1) body.push(lines[i] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

/**
 * Runs the bundled action as the GitHub runner does: `node dist/index.js` with INPUT_* variables
 * (names upper-cased, hyphens kept), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_STATE files.
 * With `post`, runs the post step afterwards with the state the main step saved.
 */
export function runAction(
  inputs: Readonly<Record<string, string>>,
  options: { cwd?: string; env?: Readonly<Record<string, string>>; state?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): ActionRun {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'));
  try {
    const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), state: join(dir, 'state') };
    for (const file of Object.values(files)) writeFileSync(file, '');
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      GITHUB_WORKSPACE: options.cwd ?? REPO_ROOT,
      RUNNER_TEMP: dir,
      ...options.env,
    };
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /gu, '_').toUpperCase()}`] = value;
    for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
    const child = spawnSync(process.execPath, [ACTION_ENTRY], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.error !== undefined) throw child.error;
    return {
      exitCode: child.status ?? -1,
      stdout: child.stdout,
      stderr: child.stderr,
      outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
      summary: readFileSync(files.summary, 'utf8'),
      state: parseFileCommands(readFileSync(files.state, 'utf8')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the bundled CLI (`dist/cli/index.js`) with argv. */
export function runCliBundle(args: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string>> } = {}) {
  const child = spawnSync(process.execPath, [CLI_ENTRY, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (child.error !== undefined) throw child.error;
  return { exitCode: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

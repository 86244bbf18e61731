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

/** The runner's file-command files for one step, created empty in `dir`. */
export interface StepFiles {
  readonly output: string;
  readonly summary: string;
  readonly state: string;
}

export function createStepFiles(dir: string, suffix = ''): StepFiles {
  const files = { output: join(dir, `output${suffix}`), summary: join(dir, `summary${suffix}`), state: join(dir, `state${suffix}`) };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

/**
 * The environment the runner gives a JavaScript action's step: inputs as INPUT_* (names
 * upper-cased, spaces as "_", hyphens kept), saved state as STATE_*, and the file commands.
 */
export function stepEnvironment(
  files: StepFiles,
  inputs: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>> = {},
  state: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    ...extra,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /gu, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return env;
}

/** What a finished step left: its exit code, output, and the file commands it wrote. */
export function stepResult(files: StepFiles, exitCode: number, stdout: string, stderr: string): ActionRun {
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
    state: parseFileCommands(readFileSync(files.state, 'utf8')),
  };
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
    const files = createStepFiles(dir);
    const env = stepEnvironment(files, inputs, { GITHUB_WORKSPACE: options.cwd ?? REPO_ROOT, RUNNER_TEMP: dir, ...options.env }, options.state);
    const child = spawnSync(process.execPath, [ACTION_ENTRY], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.error !== undefined) throw child.error;
    return stepResult(files, child.status ?? -1, child.stdout, child.stderr);
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

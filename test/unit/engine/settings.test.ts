import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { readInputs } from '../../../src/action/inputs';
import { parseCli } from '../../../src/cli/args';
import { settingsFrom } from '../../../src/cli/main';
import type { ExecResult, Executor } from '../../../src/exec/executor';
import { normalizePrivateKey, resolveSettings } from '../../../src/engine/settings';

// The action and the CLI read different things (inputs; flags, files and environment) and must
// turn equal values into equal settings: one function applies the defaults for both.

/** A machine where git finds no work tree. */
const noGit: Executor = { host: 'local', run: (): Promise<ExecResult> => Promise.resolve({ exitCode: 128, stdout: '', stderr: 'not a git repository' }), close: () => Promise.resolve() };

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'settings-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

function actionSettings(inputs: Record<string, string>) {
  return readInputs((name) => inputs[name] ?? '', { actor: 'octocat' }).settings;
}

async function cliSettings(argv: string[]) {
  return (await settingsFrom(parseCli(argv), { HOME: home, GITHUB_ACTOR: 'octocat' }, noGit)).settings;
}

describe('the action and the CLI resolve equal inputs to equal settings', () => {
  test('nothing set: the same defaults (lock timeout 10 minutes, stack.yml, build)', async () => {
    const fromAction = actionSettings({});
    const fromCli = await cliSettings(['deploy']);
    expect(fromCli).toEqual(fromAction);
    expect(fromAction.buildCache).toBe('gha');
    expect(fromAction.lockTimeoutMs).toBe(600_000);
    expect(fromAction.manifest).toBe('stack.yml');
  });

  test.each([
    ['a key without its final newline', 'KEY-LINE-1\nKEY-LINE-2'],
    ['a key with Windows line ends and trailing blank lines', 'KEY-LINE-1\r\nKEY-LINE-2\r\n\r\n'],
  ])('every value set, %s: the same settings', async (_name, keyText) => {
    const envText = 'API_KEY=abc123 # prod key\n';
    writeFileSync(join(home, 'key'), keyText);
    writeFileSync(join(home, 'known_hosts'), 'host ssh-ed25519 AAAA\n');
    writeFileSync(join(home, 'app.env'), envText);
    const fromAction = actionSettings({
      command: 'deploy',
      manifest: 'deploy/stack.yml',
      environment: 'production',
      services: 'api, web',
      version: '1.2.3',
      'ssh-private-key': keyText,
      'ssh-known-hosts': 'host ssh-ed25519 AAAA\n',
      env: envText,
      'lock-timeout': '2m',
      'build-cache': 'local',
      build: 'false',
    });
    const fromCli = await cliSettings([
      'deploy',
      ...['-f', 'deploy/stack.yml', '-e', 'production', '--services', 'api, web', '--version', '1.2.3'],
      ...['-i', join(home, 'key'), '--known-hosts', join(home, 'known_hosts'), '--env-file', join(home, 'app.env'), '--lock-timeout', '2m', '--build-cache', 'local', '--no-build'],
    ]);
    expect(fromCli).toEqual(fromAction);
    expect(fromAction.buildCache).toBe('local');
    expect(fromAction.sshPrivateKey).toBe('KEY-LINE-1\nKEY-LINE-2\n');
    expect(fromAction.lockTimeoutMs).toBe(120_000);
  });

  test('a lock timeout that is not a duration: the same message, naming each one\'s input', async () => {
    expect(() => actionSettings({ 'lock-timeout': 'ten minutes' })).toThrow('the input "lock-timeout" is "ten minutes", which is not a duration');
    await expect(cliSettings(['deploy', '--lock-timeout', 'ten minutes'])).rejects.toThrow('--lock-timeout is "ten minutes", which is not a duration');
  });

  test('an empty value is not set', async () => {
    mkdirSync(join(home, '.ssh'));
    expect(await cliSettings(['deploy', '-e', '', '--version', ' ', '-f', ''])).toMatchObject({ environment: undefined, version: undefined, manifest: 'stack.yml' });
  });
});

describe('resolveSettings', () => {
  test('applies the defaults', () => {
    expect(resolveSettings({ command: 'deploy' }, { lockTimeout: 'lock', buildCache: 'cache' })).toMatchObject({ manifest: 'stack.yml', lockTimeoutMs: 600_000, buildCache: 'gha', build: true, services: [] });
  });

  test.each([
    ['KEY', 'KEY\n'],
    ['KEY\n', 'KEY\n'],
    ['KEY\r\nMORE\r\n', 'KEY\nMORE\n'],
    ['  KEY\n\n\n', 'KEY\n'],
  ])('normalizePrivateKey(%j) is %j', (key, normalized) => {
    expect(normalizePrivateKey(key)).toBe(normalized);
  });
});

describe('build-cache', () => {
  test.each([
    ['', 'gha'],
    ['true', 'gha'],
    ['false', 'off'],
    ['gha', 'gha'],
    ['registry', 'registry'],
    [' Local ', 'local'],
    ['off', 'off'],
  ])('%j is %s', (text, mode) => {
    expect(resolveSettings({ command: 'build', buildCache: text }, { lockTimeout: 'lock', buildCache: 'the input "build-cache"' }).buildCache).toBe(mode);
  });

  test('another value names the input and the modes', () => {
    expect(() => resolveSettings({ command: 'build', buildCache: 'yes' }, { lockTimeout: 'lock', buildCache: '--build-cache' })).toThrow(
      '--build-cache is "yes", which is not a build cache mode',
    );
  });
});

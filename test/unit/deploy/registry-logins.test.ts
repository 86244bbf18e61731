import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import { LOGINS_ENTRY, preflightCommand, uploadAndPullCommand } from '../../../src/deploy/remote-commands';
import { createTar } from '../../../src/deploy/tar-writer';
import { fakeDockerEnv } from './transaction-harness';

// Registry logins on the host live in a per-run DOCKER_CONFIG: gone however the pull program ends.

let root: string;
let state: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'logins-'));
  state = join(root, 'app', '.stack-deploy');
  mkdirSync(join(state, 'runs', 'run-1'), { recursive: true });
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const configs = (): string[] => readdirSync(state).filter((name) => name.startsWith('docker-config.'));
const staged = (): string[] => readdirSync(state).filter((name) => name.startsWith('incoming.'));

/** The upload-and-pull program of run-1 for `refs`, with `logins` in its archive as the deploy sends them. */
function uploadAndPullOf(refs: string[], logins: string) {
  return uploadAndPullCommand(hostPaths({ path: join(root, 'app'), runId: 'run-1' }), createTar([{ path: LOGINS_ENTRY, content: logins, mode: 0o600 }], new Date()), 'run-1', refs);
}

describe('the pull program', () => {
  test.each(['HUP', 'INT', 'PIPE', 'TERM'] as const)('killed by SIG%s mid-pull, it removes the registry logins', async (signal) => {
    const env = fakeDockerEnv(root);
    writeFileSync(join(root, 'pull-sleeps'), '');
    writeFileSync(join(root, 'no-images'), '');
    const { argv, stdin } = uploadAndPullOf(['127.0.0.1:5000/acme/api@sha256:aaaa'], 'registry.example\tuser\tsecret\n');
    const [program = '', ...args] = argv;
    const child = spawn(program, args, { env, stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end(stdin);
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(existsSync(join(root, 'calls')) && readFileSync(join(root, 'calls'), 'utf8').includes('pull')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(configs()).toEqual(['docker-config.run-1']);
    child.kill(`SIG${signal}`);
    await exited;
    expect(configs()).toEqual([]);
    expect(staged()).toEqual([]);
  });
});

describe('images already on the host', () => {
  function pull(refs: string[]): { status: number | null; stdout: string; calls: string[] } {
    const { argv, stdin } = uploadAndPullOf(refs, 'registry.example\tuser\tsecret\n');
    const [program = '', ...args] = argv;
    const result = spawnSync(program, args, { encoding: 'utf8', input: stdin, env: fakeDockerEnv(root) });
    const calls = existsSync(join(root, 'calls')) ? readFileSync(join(root, 'calls'), 'utf8').trim().split('\n') : [];
    return { status: result.status, stdout: result.stdout, calls };
  }

  test('a digest the host has is not pulled, and no registry is logged in to', () => {
    const run = pull(['registry.example/acme/api@sha256:aaaa']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('present registry.example/acme/api@sha256:aaaa');
    expect(run.calls.filter((call) => /^(pull|login)/u.test(call))).toEqual([]);
    expect(configs()).toEqual([]);
  });

  test('a digest the host lacks is pulled, after the login', () => {
    writeFileSync(join(root, 'no-images'), '');
    const run = pull(['registry.example/acme/api@sha256:aaaa']);
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => /^(pull|login)/u.test(call))).toEqual(['login registry.example --username user --password-stdin', 'pull -q registry.example/acme/api@sha256:aaaa']);
  });
});

describe('the preflight program', () => {
  test('removes the logins of runs that no longer hold the lock, and keeps the holder\'s', () => {
    mkdirSync(join(state, 'docker-config.dead-run'), { mode: 0o700 });
    writeFileSync(join(state, 'docker-config.dead-run', 'config.json'), '{"auths":{"r":{"auth":"c2VjcmV0"}}}');
    mkdirSync(join(state, 'docker-config.live-run'), { mode: 0o700 });
    mkdirSync(join(state, 'lock'));
    writeFileSync(join(state, 'lock', 'run'), 'live-run');
    const [program = '', ...args] = preflightCommand(hostPaths({ path: join(root, 'app'), runId: '' })).argv;
    const result = spawnSync(program, args, { encoding: 'utf8', env: fakeDockerEnv(root) });
    expect(result.stdout).toContain('path=ok');
    expect(configs()).toEqual(['docker-config.live-run']);
  });

  test('with no lock held, every stale login goes', () => {
    mkdirSync(join(state, 'docker-config.dead-run'), { mode: 0o700 });
    const [program = '', ...args] = preflightCommand(hostPaths({ path: join(root, 'app'), runId: '' })).argv;
    spawnSync(program, args, { encoding: 'utf8', env: fakeDockerEnv(root) });
    expect(configs()).toEqual([]);
  });
});

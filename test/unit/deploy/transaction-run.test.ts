import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type DeployPlan, hostPaths } from '../../../src/deploy/plan';
import { renderPlanScript } from '../../../src/deploy/render';
import { preflightCommand } from '../../../src/deploy/remote-commands';
import { runPreflight } from '../../../src/engine/host-preflight';
import { rejectionOf } from '../helpers';
import { FAKE_DOCKER, fakeDockerEnv, runTransaction, testPlan } from './transaction-harness';

// The real transaction.sh through a real sh, with a fake docker on PATH.

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'transaction-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const RUN_ID = '20261201T120000Z-abc123';

const plan = (overrides: Partial<DeployPlan> = {}): DeployPlan => testPlan(root, RUN_ID, overrides);

/** Every file and directory under `dir` whose mode lets the group or others in. */
function openToOthers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => (statSync(path).mode & 0o077) !== 0);
}

describe('transaction.sh with a fake docker', { timeout: 60_000 }, () => {
  test('a deploy succeeds and writes its result, ledger and last good release', () => {
    const run = runTransaction(root, renderPlanScript(plan()), RUN_ID);
    expect(run.stderr).toBe('');
    expect(run.events.at(-1)).toMatchObject({ step: 'done', status: 'success' });
  });

  test('with umask 022, nothing it writes under .stack-deploy is readable by others', () => {
    const state = join(root, 'app', '.stack-deploy');
    mkdirSync(state, { recursive: true, mode: 0o700 });
    const run = runTransaction(root, renderPlanScript(plan()), RUN_ID, { umask: '022' });
    expect(run.events.at(-1)).toMatchObject({ status: 'success' });
    // transaction.sh and plan.sh were written by the test itself (the upload writes them 0600).
    const written = openToOthers(state).filter((path) => !path.endsWith('transaction.sh') && !path.endsWith('plan.sh') && !path.endsWith(`runs/${RUN_ID}`) && !path.endsWith('/runs'));
    expect(written).toEqual([]);
  });

  test('.partial backup files left by a killed run are removed', () => {
    const backups = join(root, 'app', '.stack-deploy', 'backups', 'db');
    mkdirSync(backups, { recursive: true });
    writeFileSync(join(backups, 'db-20261130T000000Z-dead00.dump.partial'), 'half a dump');
    writeFileSync(join(backups, 'db-20261129T000000Z-good00.dump'), 'a whole dump');
    const run = runTransaction(root, renderPlanScript(plan()), RUN_ID);
    expect(run.events.at(-1)).toMatchObject({ status: 'success' });
    expect(readdirSync(backups)).toEqual(['db-20261129T000000Z-good00.dump']);
  });
});

describe('deadlines', { timeout: 60_000 }, () => {
  test('a compose up that outlives its deadline is stopped, and the release rolls back saying so', () => {
    writeFileSync(join(root, 'up-sleeps'), '');
    const script = renderPlanScript(plan()).replace(/^COMPOSE_TIMEOUT_S=.*$/mu, 'COMPOSE_TIMEOUT_S=1');
    expect(script).toContain('COMPOSE_TIMEOUT_S=1');
    const run = runTransaction(root, script, RUN_ID);
    expect(run.events.find((e) => e.step === 'rollback' && e.status === 'start')?.message).toBe('docker compose up timed out after 1s');
    expect(run.events.at(-1)).toMatchObject({ step: 'done', status: 'rolled-back' });
  });
});

describe('the preflight program', () => {
  test('makes state that earlier versions left readable by others private (umask 022 on the host)', () => {
    const state = join(root, 'app', '.stack-deploy');
    mkdirSync(join(state, 'runs', 'old'), { recursive: true, mode: 0o755 });
    writeFileSync(join(state, 'releases.jsonl'), '{}\n', { mode: 0o644 });
    writeFileSync(join(state, 'runs', 'old', 'events.jsonl'), '{}\n', { mode: 0o644 });
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
    const [program = '', ...args] = preflightCommand(hostPaths({ path: join(root, 'app'), runId: '' })).argv;
    const result = spawnSync('sh', ['-c', 'umask 022; exec "$@"', 'preflight', program, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`, FAKE_DIR: root } });
    expect(result.stdout).toContain('path=ok');
    expect(openToOthers(state)).toEqual([]);
  });
});

describe('a full disk', { timeout: 60_000 }, () => {
  test('the recorded state cannot be written: the run fails before anything changes, instead of a later rollback-failed', () => {
    const state = join(root, 'app', '.stack-deploy');
    mkdirSync(state, { recursive: true });
    // Every write to /dev/full fails with "No space left on device".
    symlinkSync('/dev/full', join(state, 'rollback.yml.tmp'));
    const run = runTransaction(root, renderPlanScript(plan()), RUN_ID);
    expect(run.events.at(-1)).toMatchObject({ step: 'done', status: 'failed' });
    expect(run.events.at(-1)?.message).toMatch(/rollback\.yml cannot be written \(is the disk full\?\); nothing running was changed$/u);
    expect(run.calls.filter((call) => call.includes(' up -d'))).toEqual([]);
  });

  test('the preflight checks the free space of Docker\'s data root, not only of the path', async () => {
    const env = fakeDockerEnv(root);
    mkdirSync(join(root, 'docker-root'));
    // df reports 100 MiB free under Docker's data root, the truth elsewhere.
    writeFileSync(join(root, 'bin', 'df'), `#!/bin/sh\neval "last=\\\${$#}"\nif [ "$last" = "$FAKE_DIR/docker-root" ]; then printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\\n/dev/sdb 1000000 900000 102400 90%% /var/lib/docker\\n'; else exec /bin/df "$@"; fi\n`, { mode: 0o755 });
    const executor = {
      host: 'host',
      run: async (command: { argv: readonly string[] }) => {
        const [program = '', ...args] = command.argv;
        const result = spawnSync(program, args, { encoding: 'utf8', env });
        return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
      },
    };
    const error = await rejectionOf(() => runPreflight(executor as never, join(root, 'app'), false));
    expect(error.message).toBe(`only 100 MiB are free on the host under Docker's data root ${join(root, 'docker-root')}`);
  });
});

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { describeError } from '../../../src/errors';
import { runPreflight } from '../../../src/engine/host-preflight';
import type { Executor } from '../../../src/exec/executor';
import { LocalExecutor } from '../../../src/exec/local';
import { Redactor } from '../../../src/exec/redact';
import { answeringInTurn } from '../fakes';
import { rejectionOf } from '../helpers';

const HEALTHY = ['docker=24.0.7', 'compose=v2 2.26.1', 'path=ok', `free_kb=${10 * 1024 * 1024}`, 'http_probe=curl', 'setsid=yes'];

describe('runPreflight: the GNU tools the transaction relies on', () => {
  test('a host with every tool passes', async () => {
    const preflight = await runPreflight(answeringInTurn([[...HEALTHY, 'missing_tools='].join('\n')]), '/srv/app', true);
    expect(preflight.docker).toBe('24.0.7');
  });

  test.each([
    ['date', 'the host\'s `date +%s%3N` does not print milliseconds (GNU date)'],
    ['tail', 'the host\'s `tail` has no --pid option (GNU tail)'],
    ['timeout', 'the host\'s `timeout` has no -k/--kill-after option (GNU timeout)'],
    ['flock', 'the host\'s `flock` is not installed (util-linux)'],
    [' tail timeout', 'the host\'s `tail` has no --pid option (GNU tail), `timeout` has no -k/--kill-after option (GNU timeout)'],
  ])('missing_tools=%s fails naming the tool', async (missing, message) => {
    const error = await rejectionOf(() => runPreflight(answeringInTurn([[...HEALTHY, `missing_tools=${missing}`].join('\n')]), '/srv/app', true));
    expect(error.message).toBe(message);
    expect(describeError(error)).toContain('host deploy@host:22, step preflight: ');
    expect(error.context.hint).toContain('install GNU coreutils and util-linux on the host');
  });
});

describe('the preflight program through a real sh', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'preflight-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'app'));
    // A docker with Compose v2, so that the tools are what the preflight stops at.
    fakeProgram('docker', 'case "$1" in version) echo 24.0.7 ;; compose) echo 2.26.1 ;; esac');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function fakeProgram(name: string, body: string): void {
    writeFileSync(join(dir, 'bin', name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, 'bin', name), 0o755);
  }

  const executor = (): Executor => new LocalExecutor(new Redactor(), { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` });

  test('this machine has every tool', async () => {
    const preflight = await runPreflight(executor(), join(dir, 'app'), false);
    expect(preflight.compose).toEqual({ flavor: 'v2', version: '2.26.1' });
  });

  test('a tail without --pid (busybox) fails the preflight, naming tail', async () => {
    fakeProgram('tail', 'for arg in "$@"; do case "$arg" in --pid*) echo "tail: unrecognized option \'$arg\'" >&2; exit 1 ;; esac; done\nexec /usr/bin/tail "$@"');
    const error = await rejectionOf(() => runPreflight(executor(), join(dir, 'app'), false));
    expect(error.message).toContain('the host\'s `tail` has no --pid option (GNU tail)');
    expect(error.message).not.toContain('timeout');
  });

  test('a date without %N and a timeout without -k fail the preflight, naming both', async () => {
    fakeProgram('date', 'case "$1" in *%3N*) echo 1700000000%3N ;; *) exec /bin/date "$@" ;; esac');
    fakeProgram('timeout', 'case "$1" in -k|--kill-after*) echo "timeout: unrecognized option" >&2; exit 1 ;; esac\nexec /usr/bin/timeout "$@"');
    const error = await rejectionOf(() => runPreflight(executor(), join(dir, 'app'), false));
    expect(error.message).toContain('`date +%s%3N` does not print milliseconds');
    expect(error.message).toContain('`timeout` has no -k/--kill-after option');
  });

  test('read-only (check): the same facts as a deploy\'s preflight, and nothing created', async () => {
    const app = join(dir, 'app', 'shop');
    const checked = await runPreflight(executor(), app, false, { name: 'shop-production' }, { readOnly: true });
    expect(existsSync(app)).toBe(false);
    const deployed = await runPreflight(executor(), app, false, { name: 'shop-production' });
    expect(existsSync(join(app, '.stack-deploy', 'runs'))).toBe(true);
    expect({ ...checked, freeBytes: 0 }).toEqual({ ...deployed, freeBytes: 0 });
  });

  test('read-only (check): a directory that cannot be created is reported as a deploy would', async () => {
    // A file where a directory must be: no one can create the path, root included.
    writeFileSync(join(dir, 'app', 'blocker'), '');
    const path = join(dir, 'app', 'blocker', 'shop');
    const checked = await rejectionOf(() => runPreflight(executor(), path, false, { name: '' }, { readOnly: true }));
    const deployed = await rejectionOf(() => runPreflight(executor(), path, false));
    expect(checked.message).toContain('cannot be created or written');
    expect(checked.message).toBe(deployed.message);
  });

  const lock = (runId: string) => ({ runId, owner: JSON.stringify({ run: runId }), leaseSeconds: 900 });

  test('with a lock: taken in the same round trip; a second run finds it held, naming the holder', async () => {
    const first = await runPreflight(executor(), join(dir, 'app'), false, { name: '' }, { lock: lock('run-1') });
    expect(first.lock).toEqual({ verdict: 'acquired', holder: '' });
    expect(readFileSync(join(dir, 'app', '.stack-deploy', 'lock', 'run'), 'utf8')).toBe('run-1');
    const second = await runPreflight(executor(), join(dir, 'app'), false, { name: '' }, { lock: lock('run-2') });
    expect(second.lock).toEqual({ verdict: 'held', holder: '{"run":"run-1"}' });
    expect(readFileSync(join(dir, 'app', '.stack-deploy', 'lock', 'run'), 'utf8')).toBe('run-1');
  });

  test('with a lock: a host that fails a check gets its lock back', async () => {
    fakeProgram('tail', 'for arg in "$@"; do case "$arg" in --pid*) exit 1 ;; esac; done\nexec /usr/bin/tail "$@"');
    const error = await rejectionOf(() => runPreflight(executor(), join(dir, 'app'), false, { name: '' }, { lock: lock('run-1') }));
    expect(error.message).toContain('`tail` has no --pid option');
    expect(existsSync(join(dir, 'app', '.stack-deploy', 'lock'))).toBe(false);
  });

  test('whether `docker compose up` knows --pull is asked once per Compose version', async () => {
    fakeProgram('docker', 'case "$1 $2 $3" in "compose up --help") echo "      --pull string"; echo asked >> "$(dirname "$0")/asked" ;; version*) echo 24.0.7 ;; compose*) echo 2.26.1 ;; esac');
    const first = await runPreflight(executor(), join(dir, 'app'), false);
    const second = await runPreflight(executor(), join(dir, 'app'), false);
    expect([first.composeUpPull, second.composeUpPull]).toEqual([true, true]);
    expect(readFileSync(join(dir, 'bin', 'asked'), 'utf8')).toBe('asked\n');
    fakeProgram('docker', 'case "$1 $2 $3" in "compose up --help") echo "(no such option)" ;; version*) echo 24.0.7 ;; compose*) echo 2.27.0 ;; esac');
    expect((await runPreflight(executor(), join(dir, 'app'), false)).composeUpPull).toBe(false);
  });

  test('read-only (check): the last run is read, not marked as reported', async () => {
    const state = join(dir, 'app', '.stack-deploy');
    mkdirSync(join(state, 'runs', 'run-1'), { recursive: true });
    writeFileSync(join(state, 'last-run'), 'run-1\n');
    writeFileSync(join(state, 'runs', 'run-1', 'result'), 'success\n');
    const checked = await runPreflight(executor(), join(dir, 'app'), false, { name: '' }, { readOnly: true });
    expect(checked.lastRun).toEqual({ id: 'run-1', result: 'success', running: false, reported: false });
    expect(existsSync(join(state, 'runs', 'run-1', 'reported'))).toBe(false);
    const deployed = await runPreflight(executor(), join(dir, 'app'), false);
    expect(deployed.lastRun?.reported).toBe(false);
    expect(existsSync(join(state, 'runs', 'run-1', 'reported'))).toBe(true);
  });
});

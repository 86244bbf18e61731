import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostPaths, PULL_TIMEOUT_MS, UPLOAD_TIMEOUT_MS } from '../../../src/deploy/plan';
import type { CleanupRecorder } from '../../../src/engine/context';
import type { RunResult } from '../../../src/engine/result';
import { runCommand } from '../../../src/engine/run';
import { resolveSettings } from '../../../src/engine/settings';
import { StackDeployError } from '../../../src/errors';
import type { ExecOptions, ExecResult } from '../../../src/exec/executor';
import { Redactor } from '../../../src/exec/redact';
import { FakeClock, FakeExecutor, FakeReporter, succeeded } from '../fakes';
import { preflightCommand } from '../../../src/deploy/remote-commands';
import { type Program, programOf } from './host-programs';

// A rollback to a recorded version runs every phase of switchEnvironment (preflight, inspection,
// lock, upload, pull, transaction) against a fake host that answers each host program by its text.



const PINNED = `registry.example/acme/web@sha256:${'a'.repeat(64)}`;
const HEALTHY = ['project=shop-production', 'docker=24.0.7', 'compose=v2 2.26.1', 'path=ok', `free_kb=${10 * 1024 * 1024}`, 'http_probe=curl', 'setsid=yes', 'missing_tools='];
const LEDGER = JSON.stringify({ time: 't', version: '1.0.0', action: 'deploy', result: 'success', services: [{ name: 'web', from: '', to: 'sha256:1', pinned: PINNED }] });

function event(step: string, status: string, message = ''): string {
  return `${JSON.stringify({ t: 1, step, status, service: '', message })}\n`;
}

/** A host program that fails as the SSH executor reports a failure of `step`. */
function failing(message: string, step: string, exitCode: number): () => never {
  return () => {
    throw new StackDeployError(message, { host: 'deploy@host:22', step, exitCode });
  };
}

type Answers = Partial<Record<Program, (options: ExecOptions) => ExecResult>>;

/** A host that answers every program of a healthy run, with `answers` instead where given. */
function fakeHost(answers: Answers = {}, preflight: readonly string[] = HEALTHY): FakeExecutor {
  const defaults: Partial<Record<Program, (options: ExecOptions) => ExecResult>> = {
    // The lock is taken in the preflight's round trip.
    preflight: () => succeeded([...preflight, 'lock=acquired'].join('\n')),
    inspect: () => succeeded(`== project\nshop-production\n== lock\n== ledger\n${LEDGER}\n`),
    lock: () => succeeded('acquired\n'),
    uploadAndPull: () => succeeded(`pulled ${PINNED}\n`),
    readRun: () => succeeded(event('transaction', 'start') + event('done', 'success', 'deployed')),
    start: (options) => {
      const text = event('switch', 'ok') + event('done', 'success', 'deployed');
      options.onOutput?.(text, 'stdout');
      return succeeded(text);
    },
    release: () => succeeded(),
  };
  return new FakeExecutor((cmd, options) => {
    const program = programOf(cmd);
    const answer = program === undefined ? undefined : (answers[program] ?? defaults[program]);
    if (answer === undefined) throw new Error(`unexpected command ${cmd.argv.join(' ')}`);
    return answer(options);
  }, 'deploy@host:22');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-deploy-switch-'));
  writeFileSync(join(dir, 'compose.yml'), 'services:\n  web:\n    image: registry.example/acme/web\n');
  writeFileSync(
    join(dir, 'stack.yml'),
    `version: 1
name: shop
registry: { host: registry.example, namespace: acme }
services:
  web:
    build: { context: . }
environments:
  production:
    host: host
    user: deploy
    path: /srv/shop
    compose: [compose.yml]
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Rollback {
  readonly result: RunResult;
  readonly reporter: FakeReporter;
  readonly programs: (Program | undefined)[];
  readonly cleanup: string[];
}

async function run(command: 'rollback' | 'check', host: FakeExecutor): Promise<Rollback> {
  const reporter = new FakeReporter();
  const cleanup: string[] = [];
  const recorder: CleanupRecorder = { registryLogin: () => undefined, lockTaken: () => cleanup.push('lock taken'), lockSettled: () => cleanup.push('lock settled') };
  const result = await runCommand({
    settings: resolveSettings({ command, manifest: join(dir, 'stack.yml'), version: '1.0.0', actor: 'alice' }, { lockTimeout: 'lock-timeout', buildCache: 'build-cache' }),
    reporter,
    redactor: new Redactor(),
    clock: new FakeClock(),
    local: new FakeExecutor(),
    cleanup: recorder,
    tempDir: dir,
    env: {},
    connect: () => Promise.resolve(host),
  });
  return { result, reporter, programs: host.calls.map((call) => programOf({ argv: call.argv })), cleanup };
}

const rollBack = (host: FakeExecutor) => run('rollback', host);

describe('switchEnvironment through a fake host', () => {
  test('a healthy run: every phase in order, the lock handed to the transaction', async () => {
    const host = fakeHost();
    const run = await rollBack(host);
    expect(run.result.status).toBe('success');
    // A rollback: the preflight (and the lock), the ledger, the files and images, the transaction.
    expect(run.programs).toEqual(['preflight', 'inspect', 'uploadAndPull', 'start']);
    expect(run.cleanup).toEqual(['lock taken', 'lock settled']);
    expect(run.reporter.warnings).toEqual([]);
    // One host: the phases, titles and transaction as they always were (no batches, no host names).
    expect(run.result.summary.tables.at(-1)?.rows.map((row) => row[0])).toEqual(['connect', 'preflight', 'upload and pull', 'switch']);
    expect(run.reporter.groups.map((g) => g.title)).toEqual(['Connect to deploy@host:22', "Upload the run's files and pull new images on the host", 'Switch web to 1.0.0']);
    expect(run.result.outputs.hosts).toBeUndefined();
    const start = host.calls.find((call) => programOf({ argv: call.argv }) === 'start');
    // Not kept for the runner (one host); the lease renewed as the transaction starts.
    expect(start?.argv.at(-2)).toBe('');
    expect(start?.argv.at(-1)).toBe('900');
  });

  test('a failure before the switch says nothing running was changed, and frees the lock', async () => {
    const run = await rollBack(
      fakeHost({
        uploadAndPull: failing('tar failed', 'upload', 2),
      }),
    );
    expect(run.result.status).toBe('failed');
    expect(run.reporter.errors.join('\n')).toContain('tar failed; nothing running was changed');
    expect(run.programs).toEqual(['preflight', 'inspect', 'uploadAndPull', 'release']);
    expect(run.cleanup).toEqual(['lock taken', 'lock settled']);
  });

  test('freeing the lock fails too (the connection broke): a warning, and the run reports the original error', async () => {
    const run = await rollBack(
      fakeHost({
        uploadAndPull: failing('upload timed out after 300000 ms', 'upload', 124),
        release: failing('connection lost', 'unlock', 255),
      }),
    );
    expect(run.result.status).toBe('failed');
    expect(run.reporter.errors.join('\n')).toContain('upload timed out after 300000 ms; nothing running was changed');
    expect(run.reporter.errors.join('\n')).not.toContain('connection lost');
    expect(run.reporter.warnings.join('\n')).toMatch(/could not free the deploy lock on deploy@host:22 \(connection lost\)\. It expires by itself within 15 minutes, or run the unlock command/u);
    // The post step is left to free it.
    expect(run.cleanup).toEqual(['lock taken']);
  });

  test('the upload and the pull have a deadline', async () => {
    const host = fakeHost();
    await rollBack(host);
    const deadline = (program: Program) => host.calls.find((call) => programOf({ argv: call.argv }) === program)?.options.timeoutMs;
    expect(deadline('uploadAndPull')).toBe(UPLOAD_TIMEOUT_MS + PULL_TIMEOUT_MS);
    expect(UPLOAD_TIMEOUT_MS).toBeLessThan(15 * 60_000);
  });

  test('a failed pull is rewritten the same way', async () => {
    const run = await rollBack(
      fakeHost({
        uploadAndPull: failing(`failed to pull ${PINNED}`, 'pull', 4),
      }),
    );
    expect(run.reporter.errors.join('\n')).toContain(`failed to pull ${PINNED}; nothing running was changed`);
    expect(run.programs.at(-1)).toBe('release');
  });

  test('a connection lost during the switch: the transaction goes on, the lock is left to it', async () => {
    const run = await rollBack(
      fakeHost({
        start: failing('the connection closed', 'switch', 255),
      }),
    );
    expect(run.result.status).toBe('failed');
    expect(run.reporter.errors.join('\n')).toContain('step switch: the SSH connection dropped during the switch; the transaction goes on on the host');
    expect(run.reporter.errors.join('\n')).not.toContain('nothing running was changed');
    expect(run.programs).not.toContain('release');
    // The post step (or the lease) deals with a lock the run may still hold.
    expect(run.cleanup).toEqual(['lock taken']);
  });

  test('a progress line that is not an event is warned about, and the run still reads its result', async () => {
    const broken = '{"t":1,"step":"hook","status":"failed","service":"","message":"C:\\path"}';
    const run = await rollBack(
      fakeHost({
        start: (options) => {
          const text = `${broken}\n${event('done', 'success', 'deployed').trimEnd()}`;
          options.onOutput?.(text, 'stdout');
          return succeeded(text);
        },
      }),
    );
    expect(run.result.status).toBe('success');
    expect(run.reporter.warnings).toEqual([`the host's transaction wrote a progress line that is not an event, so it is left out of this report: ${broken}`]);
  });

  test('any other failure during the switch is not rewritten', async () => {
    const run = await rollBack(
      fakeHost({
        start: failing('transaction ended without a result', 'switch', 5),
      }),
    );
    expect(run.reporter.errors.join('\n')).toContain('transaction ended without a result');
    expect(run.reporter.errors.join('\n')).not.toMatch(/nothing running was changed|connection dropped/u);
  });
});

describe('the previous run, when no runner saw it end', () => {
  const LAST = ['last_run=20260101T000000Z-abc123'];

  test('it ended: reported before the lock', async () => {
    const run = await rollBack(fakeHost({}, [...HEALTHY, ...LAST, 'last_result=success']));
    expect(run.reporter.warnings).toEqual(['the previous deploy (run 20260101T000000Z-abc123) lost its connection before it finished; on the host it ended with "success": deployed']);
    expect(run.programs.slice(0, 3)).toEqual(['preflight', 'readRun', 'inspect']);
  });

  test('its result is written but its process still shows: it has ended, and is reported', async () => {
    const run = await rollBack(fakeHost({}, [...HEALTHY, ...LAST, 'last_result=success', 'last_running=yes']));
    expect(run.reporter.warnings).toEqual(['the previous deploy (run 20260101T000000Z-abc123) lost its connection before it finished; on the host it ended with "success": deployed']);
  });

  test('it ended without a result: reported as such', async () => {
    const run = await rollBack(fakeHost({ readRun: () => succeeded(event('transaction', 'start')) }, [...HEALTHY, ...LAST, 'last_result=']));
    expect(run.reporter.warnings).toEqual(['the previous deploy (run 20260101T000000Z-abc123) lost its connection before it finished; on the host it ended without a result (the host may have restarted)']);
  });

  test('it still runs: reported once this run holds the lock, that is once it has ended', async () => {
    const run = await rollBack(
      fakeHost({ readRun: () => succeeded(event('done', 'rolled-back', 'web: unhealthy')) }, [...HEALTHY, ...LAST, 'last_result=', 'last_running=yes']),
    );
    expect(run.programs.slice(0, 3)).toEqual(['preflight', 'inspect', 'readRun']);
    expect(run.reporter.warnings).toEqual([
      'the previous deploy (run 20260101T000000Z-abc123) was still running on the host when this run started; it ended with "rolled-back": web: unhealthy',
    ]);
  });

  test('it still runs and then succeeds: said as information', async () => {
    const run = await rollBack(fakeHost({}, [...HEALTHY, ...LAST, 'last_result=', 'last_running=yes']));
    expect(run.reporter.warnings).toEqual([]);
    expect(run.reporter.outside).toContain('the previous deploy (run 20260101T000000Z-abc123) was still running on the host when this run started; it ended with "success": deployed');
  });

  test('a run already reported is not reported again', async () => {
    const run = await rollBack(fakeHost({}, [...HEALTHY, ...LAST, 'last_result=success', 'last_reported=yes']));
    expect(run.reporter.warnings).toEqual([]);
    expect(run.programs).not.toContain('readRun');
  });
});

describe('check runs the preflight a deploy runs, read only', () => {
  test('one preflight, the same program as the deploy\'s, marked read-only', async () => {
    const host = fakeHost();
    const checked = await run('check', host);
    expect(checked.result.status).toBe('success');
    expect(host.calls.map((call) => call.argv)).toEqual([preflightCommand(hostPaths({ path: '/srv/shop', runId: '' }), 'shop-production', 'shop', true).argv]);
    const deployHost = fakeHost();
    await rollBack(deployHost);
    // The deploy's also takes the lock: its run id, owner and lease come last.
    const deployed = deployHost.calls[0]?.argv ?? [];
    expect(deployed.slice(0, -3)).toEqual(preflightCommand(hostPaths({ path: '/srv/shop', runId: '' }), 'shop-production', 'shop').argv);
    expect(JSON.parse(deployed.at(-2) ?? '{}')).toMatchObject({ run: deployed.at(-3), actor: 'alice' });
    expect(deployed.at(-1)).toBe('900');
  });

  test.each([
    ['missing_tools= tail', 'the host\'s `tail` has no --pid option (GNU tail)'],
    ['path=unwritable', 'the deploy directory /srv/shop cannot be created or written by the SSH user'],
  ])('a host that fails the deploy\'s preflight (%s) fails the check with the same message', async (fact, message) => {
    const broken = [...HEALTHY.filter((line) => !line.startsWith(fact.split('=')[0] ?? '')), fact];
    const checked = await run('check', fakeHost({}, broken));
    const deployed = await rollBack(fakeHost({}, broken));
    expect(checked.result.status).toBe('failed');
    expect(checked.reporter.errors.join('\n')).toContain(message);
    expect(deployed.reporter.errors.join('\n')).toContain(message);
  });
});

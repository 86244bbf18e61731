import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CleanupRecorder } from '../../../src/engine/context';
import type { RunResult } from '../../../src/engine/result';
import { runCommand } from '../../../src/engine/run';
import { resolveSettings } from '../../../src/engine/settings';
import type { ExecOptions, ExecResult } from '../../../src/exec/executor';
import { Redactor } from '../../../src/exec/redact';
import { FakeClock, FakeExecutor, FakeReporter, succeeded } from '../fakes';
import { programOf } from './host-programs';

// An environment on two hosts, rolled back through switchEnvironment against two fake hosts that
// answer each host program by its text: the order of the phases across hosts, the batches, and
// what happens to the hosts already switched when another one fails.



const digest = (c: string) => `registry.example/acme/web@sha256:${c.repeat(64)}`;
const HEALTHY = ['project=shop-production', 'docker=24.0.7', 'compose=v2 2.26.1', 'path=ok', `free_kb=${10 * 1024 * 1024}`, 'http_probe=curl', 'setsid=yes', 'missing_tools='];
const ledger = (version: string, pinned: string) => JSON.stringify({ time: 't', version, action: 'deploy', result: 'success', services: [{ name: 'web', from: '', to: 'sha256:1', pinned }] });

function event(step: string, status: string, message = ''): string {
  return `${JSON.stringify({ t: 1, step, status, service: 'web', message })}\n`;
}

/** The rollback image the host keeps for web (what an undo switches back to). */
const INSPECT_WITH_ROLLBACK = (ledgerLines: string, rollback: string) =>
  `== project\nshop-production\n== lock\n== ledger\n${ledgerLines}\n== service web\n== rollback web\n${JSON.stringify([{ Id: 'sha256:0', RepoDigests: [digest(rollback)], Config: { Labels: { 'org.opencontainers.image.version': '0.9.0' } } }])}\n`;

interface Host {
  readonly executor: FakeExecutor;
  /** The transactions it ran: the run id of each. */
  readonly transactions: string[];
}

/** A host whose transactions end with `results` in turn (the last repeats). */
function fakeHost(name: string, log: string[], results: readonly string[], ledgerLines = ledger('1.0.0', digest('1')), lastVersion = '1.0.0', options: { rollback?: string; lockDelay?: Promise<void>; held?: boolean } = {}): Host {
  const transactions: string[] = [];
  const executor = new FakeExecutor(async (cmd, execOptions: ExecOptions): Promise<ExecResult> => {
    const program = programOf(cmd);
    log.push(`${name} ${program ?? cmd.argv.join(' ')}`);
    switch (program) {
      case 'preflight':
        // The lock is taken in the preflight's round trip (held: another run has it, for now).
        return succeeded([...HEALTHY, `last_version=${lastVersion}`, options.held === true ? 'lock=held' : 'lock=acquired', 'lock_owner={"run":"other"}'].join('\n'));
      case 'inspect':
        return succeeded(INSPECT_WITH_ROLLBACK(ledgerLines, options.rollback ?? '0'));
      case 'lock':
        await options.lockDelay;
        log.push(`${name} locked`);
        return succeeded('acquired\n');
      case 'start': {
        const result = results[Math.min(transactions.length, results.length - 1)] ?? 'success';
        transactions.push(cmd.argv.find((arg) => /^\d{8}T\d{6}Z-[0-9a-f]{6}(-undo)?$/u.test(arg)) ?? '');
        const text = event('switch', 'ok') + event('done', result, result === 'success' ? 'switched' : 'web failed its health check');
        execOptions.onOutput?.(text, 'stdout');
        return succeeded(text);
      }
      case undefined:
        throw new Error(`unexpected command ${cmd.argv.join(' ')}`);
      default:
        return succeeded();
    }
  }, `deploy@${name}:22`);
  return { executor, transactions };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-deploy-hosts-'));
  writeFileSync(join(dir, 'compose.yml'), 'services:\n  web:\n    image: registry.example/acme/web\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function manifest(rollout: string, hooks = ''): string {
  return `version: 1
name: shop
registry: { host: registry.example, namespace: acme }
services:
  web:
    build: { context: . }
environments:
  production:
    hosts:
      - { host: h2 }
      - { host: h1 }
      - { host: h3 }
    user: deploy
    path: /srv/shop
    compose: [compose.yml]
    rollout: ${rollout}
${hooks}`;
}

interface Run {
  readonly result: RunResult;
  readonly reporter: FakeReporter;
  readonly cleanup: string[];
}

async function rollBack(text: string, hosts: Record<string, Host>, version: string | undefined = '1.0.0', local = new FakeExecutor()): Promise<Run> {
  writeFileSync(join(dir, 'stack.yml'), text);
  const reporter = new FakeReporter();
  const cleanup: string[] = [];
  const recorder: CleanupRecorder = { registryLogin: () => undefined, lockTaken: (lock) => cleanup.push(`taken ${lock.host} ${lock.runId.endsWith('-undo') ? 'undo' : 'run'}`), lockSettled: (host) => cleanup.push(`settled ${host ?? 'all'}`) };
  const result = await runCommand({
    settings: resolveSettings({ command: 'rollback', manifest: join(dir, 'stack.yml'), version, actor: 'alice' }, { lockTimeout: 'lock-timeout', buildCache: 'build-cache' }),
    reporter,
    redactor: new Redactor(),
    clock: new FakeClock(),
    local,
    cleanup: recorder,
    tempDir: dir,
    env: {},
    connect: (environment) => {
      const host = hosts[environment.config.host ?? ''];
      return host === undefined ? Promise.reject(new Error('no such host')) : Promise.resolve(host.executor);
    },
  });
  return { result, reporter, cleanup };
}

const only = (log: readonly string[], program: string) => log.filter((line) => line.endsWith(` ${program}`)).map((line) => line.split(' ')[0]);

describe('an environment on several hosts', () => {
  test('every lock is taken in the preflight\'s round trip: per host a preflight, the ledger (a rollback), the files and images, the transaction, the end', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success']), h2: fakeHost('h2', log, ['success']), h3: fakeHost('h3', log, ['success']) };
    const run = await rollBack(manifest('{ strategy: parallel }'), hosts);
    expect(run.result.status).toBe('success');
    for (const name of ['h1', 'h2', 'h3']) {
      expect(log.filter((line) => line.startsWith(`${name} `))).toEqual([`${name} preflight`, `${name} inspect`, `${name} uploadAndPull`, `${name} start`, `${name} endRollout`]);
    }
    const first = (program: string) => log.findIndex((line) => line.endsWith(` ${program}`));
    const last = (program: string) => log.map((line) => line.endsWith(` ${program}`)).lastIndexOf(true);
    expect(last('uploadAndPull')).toBeLessThan(first('start'));
    expect(run.cleanup.filter((c) => c.startsWith('taken'))).toHaveLength(3);
  });

  test('a lock another run holds: the locks taken go back, then are taken one host at a time in one order (user@host:port), whatever the order of hosts', async () => {
    const log: string[] = [];
    // h3's lock is held when the preflights run; h1's answers late: h2's is asked for only once h1's is held.
    const hosts = {
      h1: fakeHost('h1', log, ['success'], undefined, undefined, { lockDelay: new Promise((resolve) => setTimeout(resolve, 50)) }),
      h2: fakeHost('h2', log, ['success']),
      h3: fakeHost('h3', log, ['success'], undefined, undefined, { held: true }),
    };
    const run = await rollBack(manifest('{ strategy: parallel }'), hosts);
    expect(run.result.status).toBe('success');
    expect(only(log, 'release').sort()).toEqual(['h1', 'h2']);
    expect(log.filter((line) => / lock(ed)?$/u.test(line))).toEqual(['h1 lock', 'h1 locked', 'h2 lock', 'h2 locked', 'h3 lock', 'h3 locked']);
    // Every preflight before any lock, every lock before any upload, every upload and pull before any switch.
    const first = (program: string) => log.findIndex((line) => line.endsWith(` ${program}`));
    const last = (program: string) => log.map((line) => line.endsWith(` ${program}`)).lastIndexOf(true);
    expect(last('release')).toBeLessThan(first('lock'));
    expect(last('preflight')).toBeLessThan(first('lock'));
    expect(last('lock')).toBeLessThan(first('uploadAndPull'));
    expect(last('uploadAndPull')).toBeLessThan(first('start'));
    // Each transaction leaves its lock to the run, which writes the environment's ledger line and
    // frees the lock on every host at the end, in one round trip each.
    expect(only(log, 'endRollout').sort()).toEqual(['h1', 'h2', 'h3']);
    // Settled: the two locks given back, then the three freed at the end.
    expect(run.cleanup.filter((c) => c.startsWith('settled'))).toHaveLength(5);
    const line = JSON.parse(hosts.h1.executor.calls.find((c) => programOf({ argv: c.argv }) === 'endRollout')?.argv.at(-1) ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ environment: 'production', version: '1.0.0', action: 'rollout', of: 'rollback', result: 'success', hosts: { 'deploy@h2:22': 'success', 'deploy@h1:22': 'success', 'deploy@h3:22': 'success' } });
    expect(run.result.summary.tables[0]?.header).toEqual(['Service', 'deploy@h2:22', 'deploy@h1:22', 'deploy@h3:22']);
    expect(JSON.parse(run.result.outputs.hosts ?? '{}')).toEqual({ 'deploy@h2:22': 'success', 'deploy@h1:22': 'success', 'deploy@h3:22': 'success' });
  });

  test('rolling with a canary: a failure on the second batch switches the canary back to its own previous images; the third host never changes', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['rolled-back'], undefined, undefined, { rollback: 'c' }), h2: fakeHost('h2', log, ['success', 'success'], undefined, undefined, { rollback: 'b' }), h3: fakeHost('h3', log, ['success']) };
    const run = await rollBack(manifest('{ strategy: rolling, batch: 1, canary: true }'), hosts);
    expect(run.result.status).toBe('rolled-back');
    // h2 (the first listed: the canary), then h1, which failed; h3 not started.
    expect(only(log, 'start')).toEqual(['h2', 'h1', 'h2']);
    expect(hosts.h3.transactions).toEqual([]);
    // The canary's undo: a transaction of its own, under the lock handed over to it.
    expect(hosts.h2.transactions[1]).toMatch(/-undo$/u);
    expect(only(log, 'handOver')).toEqual(['h2']);
    // It pulls the canary's own previous image (not another host's), by digest.
    const undoPull = hosts.h2.executor.calls.filter((c) => programOf({ argv: c.argv }) === 'uploadAndPull').at(-1);
    expect(undoPull?.argv).toContain(digest('b'));
    expect(undoPull?.argv).not.toContain(digest('c'));
    expect(run.reporter.errors.join('\n')).toContain('deploy@h1:22: web failed its health check');
    expect(run.result.summary.lines.join('\n')).toContain('deploy@h3:22 was not switched.');
    // The environment's ledger line goes where a transaction ran; the third host's lock is just freed.
    expect(only(log, 'endRollout').sort()).toEqual(['h1', 'h2']);
    expect(only(log, 'release')).toEqual(['h3']);
    expect(JSON.parse(run.result.outputs.hosts ?? '{}')).toEqual({ 'deploy@h2:22': 'undone: success', 'deploy@h1:22': 'rolled-back', 'deploy@h3:22': 'not switched' });
  });

  test('a canary that fails: no other host is touched after the preflight, lock and pull', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success']), h2: fakeHost('h2', log, ['rolled-back']), h3: fakeHost('h3', log, ['success']) };
    const run = await rollBack(manifest('{ strategy: parallel, canary: true }'), hosts);
    expect(run.result.status).toBe('rolled-back');
    expect(only(log, 'start')).toEqual(['h2']);
    expect(only(log, 'handOver')).toEqual([]);
    // Every lock is freed, the untouched hosts' too, and their ledgers stay as they were.
    expect(only(log, 'endRollout')).toEqual(['h2']);
    expect(only(log, 'release').sort()).toEqual(['h1', 'h3']);
    expect(JSON.parse(run.result.outputs.hosts ?? '{}')).toEqual({ 'deploy@h2:22': 'rolled-back', 'deploy@h1:22': 'not switched', 'deploy@h3:22': 'not switched' });
  });

  test('a failing post_batch after the last batch: every host is switched back, and the run is not a success', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success', 'success']), h2: fakeHost('h2', log, ['success', 'success']), h3: fakeHost('h3', log, ['success', 'success']) };
    const local = new FakeExecutor((cmd) => ({ exitCode: cmd.argv.includes('post') ? 4 : 0, stdout: '', stderr: '' }));
    const run = await rollBack(manifest('{ strategy: parallel }', 'hooks:\n  post_batch: [[./lb, post]]\n'), hosts, '1.0.0', local);
    expect(run.result.status).toBe('rolled-back');
    expect(run.result.summary.lines[0]).toBe('The rollback of 1.0.0 to production failed: hooks.post_batch ./lb post failed (exit 4) for h2 h1 h3.');
    expect(only(log, 'handOver').sort()).toEqual(['h1', 'h2', 'h3']);
  });

  test('an undo that fails says so: the run failed and the rollback did not finish', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['rolled-back']), h2: fakeHost('h2', log, ['success', 'rollback-failed']), h3: fakeHost('h3', log, ['success']) };
    const run = await rollBack(manifest('{ strategy: rolling, canary: true }'), hosts);
    expect(run.result.status).toBe('failed');
    expect(run.result.summary.lines.join('\n')).toContain('The rollback did not finish cleanly');
    expect(run.reporter.errors.join('\n')).toContain('deploy@h2:22: switching back to the previous release failed');
  });

  test('a version one host never ran is refused before anything changes: the locks taken go back', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success'], ledger('0.9.0', digest('0'))), h2: fakeHost('h2', log, ['success']), h3: fakeHost('h3', log, ['success']) };
    const run = await rollBack(manifest('{ strategy: parallel }'), hosts);
    expect(run.result.status).toBe('failed');
    expect(run.reporter.errors.join('\n')).toContain('deploy@h1:22: version "1.0.0" was never deployed successfully to production');
    expect(only(log, 'lock')).toEqual([]);
    expect(only(log, 'release').sort()).toEqual(['h1', 'h2', 'h3']);
    expect(only(log, 'start')).toEqual([]);
  });

  test('batch hooks run on the runner with the batch\'s hosts; a failing post_batch stops the rollout and switches the batch back', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success']), h2: fakeHost('h2', log, ['success', 'success']), h3: fakeHost('h3', log, ['success']) };
    const hookCalls: string[] = [];
    const local = new FakeExecutor((cmd, options) => {
      hookCalls.push(`${cmd.argv.join(' ')} ${options.env?.STACK_DEPLOY_HOSTS ?? ''} batch ${options.env?.STACK_DEPLOY_BATCH ?? ''}`);
      return { exitCode: cmd.argv.includes('post') && options.env?.STACK_DEPLOY_BATCH === '1' ? 3 : 0, stdout: '', stderr: '' };
    });
    const run = await rollBack(manifest('{ strategy: rolling, batch: 2 }', 'hooks:\n  pre_batch: [[./lb, pre]]\n  post_batch: [[./lb, post]]\n'), hosts, '1.0.0', local);
    expect(hookCalls).toEqual(['./lb pre h2 h1 batch 1', './lb post h2 h1 batch 1']);
    expect(run.result.status).toBe('rolled-back');
    expect(only(log, 'handOver').sort()).toEqual(['h1', 'h2']);
    expect(hosts.h3.transactions).toEqual([]);
  });

  test('hosts that disagree (a run that did not finish on every host) are named before the lock, and the run brings them together', async () => {
    const log: string[] = [];
    const hosts = { h1: fakeHost('h1', log, ['success'], undefined, '2.0.0'), h2: fakeHost('h2', log, ['success']), h3: fakeHost('h3', log, ['success'], undefined, '') };
    const run = await rollBack(manifest('{ strategy: parallel }'), hosts);
    expect(run.result.status).toBe('success');
    expect(run.reporter.warnings).toContain(
      'the hosts disagree: deploy@h2:22 runs 1.0.0, deploy@h1:22 runs 2.0.0, deploy@h3:22 runs nothing deployed yet (a run that did not finish on every host, or a host added since); this rollback brings every host to 1.0.0',
    );
    expect(only(log, 'start').sort()).toEqual(['h1', 'h2', 'h3']);
  });
});

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import { renderPlanScript } from '../../../src/deploy/render';
import { releaseAbandonedLockCommand, startTransactionCommand } from '../../../src/deploy/remote-commands';
import { sessionMembers } from '../../processes';
import { fakeDockerEnv, prepareTransaction, testPlan } from './transaction-harness';

// A transaction killed with SIGKILL (its whole process group) mid `compose up` of the switch.

const RUN_ID = '20261201T120000Z-crash1';
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'crash-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const state = (): string => join(root, 'app/.stack-deploy');
const runDir = (): string => join(state(), 'runs', RUN_ID);
const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

function prepare(): NodeJS.ProcessEnv {
  const plan = renderPlanScript(testPlan(root, RUN_ID, { startedAt: new Date() }));
  prepareTransaction(root, plan, RUN_ID);
  writeFileSync(join(root, 'up-sleeps'), '');
  return fakeDockerEnv(root);
}

/** Waits for the switch's `compose up`, then SIGKILLs the transaction's process group (or its main shell alone); returns its pid. */
async function killDuringSwitch(target: 'process group' | 'main shell' = 'process group'): Promise<number> {
  // Bounded by count: a loaded machine may take a while to get there.
  for (let i = 0; i < 2_400 && !read(join(runDir(), 'events.jsonl')).includes('"step":"switch","status":"start"'); i += 1) await sleep(25);
  await sleep(200);
  const pid = Number(read(join(runDir(), 'pid')).trim());
  process.kill(target === 'process group' ? -pid : pid, 'SIGKILL');
  return pid;
}

describe('a transaction killed during the switch', () => {
  test('the connected runner brings the previous release back, says so, and frees the lock', { timeout: 90_000 }, async () => {
    const env = prepare();
    const [program = '', ...args] = startTransactionCommand(hostPaths({ path: join(root, 'app'), runId: RUN_ID }), RUN_ID).argv;
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await killDuringSwitch();
    expect(await exited).toBe(0);
    expect(read(join(state(), 'last-run'))).toBe(`${RUN_ID}\n`);
    expect(read(join(runDir(), 'result')).trim()).toBe('rolled-back');
    const done = stdout.trim().split('\n').map((line) => JSON.parse(line) as { step: string; status: string; message: string }).at(-1);
    expect(done).toMatchObject({ step: 'done', status: 'rolled-back' });
    expect(done?.message).toContain('the transaction was killed after its switch had started; the previous release was brought back');
    const calls = read(join(root, 'calls')).split('\n');
    expect(calls.filter((call) => call.includes(' up -d')).at(-1)).toContain(`${state()}/rollback.yml`);
    expect(existsSync(join(state(), 'lock'))).toBe(false);
    expect(read(join(state(), 'releases.jsonl'))).toContain('"result":"rolled-back"');
  });

  test('its main shell alone: the compose up it left running is killed before the recovery starts', { timeout: 90_000 }, async () => {
    const env = prepare();
    const [program = '', ...args] = startTransactionCommand(hostPaths({ path: join(root, 'app'), runId: RUN_ID }), RUN_ID).argv;
    const child = spawn(program, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pid = await killDuringSwitch('main shell');
    expect(await exited).toBe(0);
    expect(read(join(runDir(), 'result')).trim()).toBe('rolled-back');
    // The fake compose up sleeps 30 s: left alone it would still run now, beside the recovery.
    expect(sessionMembers(pid)).toEqual([]);
  });

  test('found by the post step instead (the runner was gone): recovered the same way', { timeout: 90_000 }, async () => {
    const env = prepare();
    writeFileSync(join(runDir(), 'events.jsonl'), '');
    const transaction = spawn('setsid', ['sh', join(state(), 'transaction.sh'), runDir()], { env, stdio: 'ignore' });
    writeFileSync(join(runDir(), 'pid'), `${transaction.pid}\n`);
    await killDuringSwitch();
    await new Promise((resolve) => transaction.on('exit', resolve));
    const [program = '', ...args] = releaseAbandonedLockCommand({ lockDir: join(state(), 'lock'), script: join(state(), 'transaction.sh'), runDir: runDir(), runId: RUN_ID }).argv;
    const result = spawnSync(program, args, { encoding: 'utf8', env });
    expect(result.stdout).toBe('transaction-crashed\nrecovered: rolled-back\n');
    expect(existsSync(join(state(), 'lock'))).toBe(false);
  });
});

/** The events a killed run had written, then its `recover` run by hand (as the runner runs it). */
function recoverAfter(events: [step: string, status: string, service?: string, message?: string][], plan = testPlan(root, RUN_ID, { startedAt: new Date() })): { result: string; events: { step: string; status: string; message: string }[]; calls: string[] } {
  prepareTransaction(root, renderPlanScript(plan), RUN_ID);
  const env = fakeDockerEnv(root);
  writeFileSync(join(runDir(), 'events.jsonl'), events.map(([step, status, service = '', message = '']) => `${JSON.stringify({ t: 1, step, status, service, message })}\n`).join(''));
  writeFileSync(join(state(), 'rollback.yml'), 'services:\n  api:\n    image: acme/api:rollback-shop-production-api\n');
  spawnSync('sh', [join(state(), 'transaction.sh'), runDir(), 'recover'], { env, encoding: 'utf8', timeout: 30_000 });
  return {
    result: read(join(runDir(), 'result')).trim(),
    events: read(join(runDir(), 'events.jsonl')).trim().split('\n').map((line) => JSON.parse(line) as { step: string; status: string; message: string }),
    calls: read(join(root, 'calls')).split('\n'),
  };
}

const SWITCHED: [string, string, string?, string?][] = [
  ['transaction', 'start'],
  ['record', 'ok', 'api', 'sha256:old'],
  ['target', 'ok', 'api', 'sha256:old'],
  ['switch', 'start'],
  ['switch', 'ok'],
  ['health', 'ok', 'api'],
];

describe('recovering a killed transaction, by where it was killed', () => {
  test('after it began to commit: the release is finished, not rolled back', { timeout: 60_000 }, () => {
    const run = recoverAfter([...SWITCHED, ['commit', 'start']]);
    expect(run.result).toBe('success');
    expect(run.events.at(-1)?.message).toContain('it was finished');
    expect(run.calls.filter((call) => call.includes(' up -d'))).toEqual([]);
    expect(read(join(state(), 'releases.jsonl'))).toContain('"result":"success"');
    expect(existsSync(join(state(), 'lock'))).toBe(false);
  });

  test('after it wrote its ledger line: it ends as that line says, and writes no second one', { timeout: 60_000 }, () => {
    mkdirSync(state(), { recursive: true });
    appendFileSync(join(state(), 'releases.jsonl'), `{"time":"t","run":"${RUN_ID}","result":"rolled-back","services":[]}\n`);
    const run = recoverAfter([...SWITCHED, ['rollback', 'start']]);
    expect(run.result).toBe('rolled-back');
    expect(read(join(state(), 'releases.jsonl')).trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(state(), 'lock'))).toBe(false);
  });

  test('while its migrations ran: their one-off container is removed first, and the warning says so', { timeout: 60_000 }, () => {
    const plan = testPlan(root, RUN_ID, { startedAt: new Date(), steps: { backups: [], smoke: [], preDeploy: [], postDeploy: [], migrations: { service: 'api', argv: ['./migrate'], timeoutMs: 60_000 } } });
    const run = recoverAfter([['transaction', 'start'], ['record', 'ok', 'api', 'sha256:old'], ['target', 'ok', 'api', 'sha256:old'], ['migrations', 'start', 'api']], plan);
    expect(run.calls.some((call) => call.startsWith('ps -aq') && call.includes('label=com.docker.compose.oneoff=True'))).toBe(true);
    expect(run.events.find((e) => e.step === 'warning')?.message).toContain('the migrations were running when the transaction was killed and were stopped');
    expect(run.result).toBe('failed');
  });

  test('a recovery already under way is not started twice', () => {
    prepareTransaction(root, renderPlanScript(testPlan(root, RUN_ID, { startedAt: new Date() })), RUN_ID);
    writeFileSync(join(runDir(), 'pid'), '999999\n');
    mkdirSync(join(runDir(), 'recovering'));
    const [program = '', ...args] = releaseAbandonedLockCommand({ lockDir: join(state(), 'lock'), script: join(state(), 'transaction.sh'), runDir: runDir(), runId: RUN_ID }).argv;
    expect(spawnSync(program, args, { encoding: 'utf8', env: fakeDockerEnv(root) }).stdout).toBe('transaction-running\n');
    expect(existsSync(join(state(), 'lock'))).toBe(true);
  });
});

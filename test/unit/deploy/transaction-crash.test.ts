import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import { renderPlanScript } from '../../../src/deploy/render';
import { releaseAbandonedLockCommand, startTransactionCommand } from '../../../src/deploy/remote-commands';
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

/** Waits for the switch's `compose up`, then SIGKILLs the transaction's process group. */
async function killDuringSwitch(): Promise<void> {
  // Bounded by count: a loaded machine may take a while to get there.
  for (let i = 0; i < 2_400 && !read(join(runDir(), 'events.jsonl')).includes('"step":"switch","status":"start"'); i += 1) await sleep(25);
  await sleep(200);
  process.kill(-Number(read(join(runDir(), 'pid')).trim()), 'SIGKILL');
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

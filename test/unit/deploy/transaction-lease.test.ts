import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { renderPlanScript } from '../../../src/deploy/render';
import { fakeDockerEnv, prepareTransaction, testPlan } from './transaction-harness';

// The lease of the deploy lock while the real transaction.sh waits on a slow `compose up`.

const RUN_ID = '20261201T120000Z-lease1';
let root: string;
let group: number | undefined;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lease-'));
});
afterEach(() => {
  if (group !== undefined) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  group = undefined;
  rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const expires = (): number => Number(readFileSync(join(root, 'app/.stack-deploy/lock/expires'), 'utf8'));
const now = (): number => Math.floor(Date.now() / 1000);

/** This run's lease keepers still running (a process of its own, named in its argv). */
function leaseKeepers(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/u.test(entry))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv.includes('stack-deploy-lease-keeper') && argv.includes(RUN_ID);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function startSlowSwitch(preDeploy: string[][] = []): Promise<{ pid: number; script: string }> {
  const plan = renderPlanScript(testPlan(root, RUN_ID, { startedAt: new Date(), steps: { backups: [], smoke: [], preDeploy, postDeploy: [] } }));
  const runDir = prepareTransaction(root, `${plan}LEASE_RENEW_SECONDS=1\n`, RUN_ID);
  writeFileSync(join(root, 'up-sleeps'), '');
  const script = join(root, 'app/.stack-deploy/transaction.sh');
  const child = spawn('sh', [script, runDir], { env: fakeDockerEnv(root), detached: true, stdio: 'ignore' });
  group = child.pid;
  // Wait until the switch's `compose up` runs.
  for (let i = 0; i < 1_200 && !readFileSync(join(runDir, 'events.jsonl'), { encoding: 'utf8', flag: 'a+' }).includes('"step":"switch","status":"start"'); i += 1) await sleep(50);
  return { pid: child.pid ?? 0, script };
}

describe('the lease', () => {
  test('is renewed while compose up runs, in a run without data steps', { timeout: 90_000 }, async () => {
    await startSlowSwitch();
    writeFileSync(join(root, 'app/.stack-deploy/lock/expires'), '0\n');
    await sleep(2_500);
    expect(expires()).toBeGreaterThan(now() + 800);
  });

  test('after a SIGKILL of the main shell alone, the keeper stops renewing and exits', { timeout: 90_000 }, async () => {
    // A pre_deploy hook: earlier versions started a keeper only for runs with data steps.
    const { pid } = await startSlowSwitch([['true']]);
    expect(leaseKeepers()).toHaveLength(1);
    process.kill(pid, 'SIGKILL');
    // The keeper sees its main shell gone and exits (the killed shell's own children, such as the
    // compose up it waited for, end on their own). Waiting for that, instead of a fixed time: a
    // keeper that had checked its main shell just before the kill may still renew once.
    for (let i = 0; i < 300 && leaseKeepers().length > 0; i += 1) await sleep(100);
    expect(leaseKeepers()).toEqual([]);
    // Gone, it renews nothing any more: the lease stays expired for longer than a renewal interval.
    writeFileSync(join(root, 'app/.stack-deploy/lock/expires'), '0\n');
    await sleep(2_500);
    expect(expires()).toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import { acquireLockCommand, startTransactionCommand } from '../../../src/deploy/remote-commands';

// The lock program runs through a real `sh` on this machine, in a temporary state directory.

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'lock-command-'));
});
afterEach(() => {
  rmSync(state, { recursive: true, force: true });
});

const lockDir = (): string => join(state, 'lock');

function plantLock(expires: number): void {
  mkdirSync(lockDir());
  writeFileSync(join(lockDir(), 'run'), 'old-run');
  writeFileSync(join(lockDir(), 'owner'), '{"run":"old-run"}\n');
  writeFileSync(join(lockDir(), 'expires'), `${expires}\n`);
}

function acquire(run: string, env: NodeJS.ProcessEnv = process.env): { stdout: string; stderr: string; status: number | null } {
  const [program = '', ...args] = acquireLockCommand(lockDir(), run, `{"run":"${run}"}`, 600).argv;
  const result = spawnSync(program, args, { encoding: 'utf8', env });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Starts `count` acquirers at once (one shell forks them all) and returns each one's first output line. */
function raceAcquirers(count: number): string[] {
  const [, , program = ''] = acquireLockCommand(lockDir(), 'RUN', 'OWNER', 600).argv;
  const script = `i=1
while [ "$i" -le "$2" ]; do
  sh -c "$1" stack-deploy "$3" "run-$i" "owner-$i" 600 > "$4/out.$i" 2>&1 &
  i=$((i + 1))
done
wait`;
  const outputs = mkdtempSync(join(tmpdir(), 'lock-race-'));
  try {
    const result = spawnSync('sh', ['-c', script, 'race', program, String(count), lockDir(), outputs], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    return Array.from({ length: count }, (_, i) => readFileSync(join(outputs, `out.${i + 1}`), 'utf8').split('\n')[0] ?? '');
  } finally {
    rmSync(outputs, { recursive: true, force: true });
  }
}

describe('acquireLockCommand through a real sh', () => {
  test('a free lock is acquired, then held for the next runner', () => {
    expect(acquire('run-1').stdout).toBe('acquired\n');
    expect(acquire('run-2').stdout).toBe('held\n{"run":"run-1"}\n');
    expect(readFileSync(join(lockDir(), 'run'), 'utf8')).toBe('run-1');
  });

  test('a lock that is already the run\'s (given back, but not freed) is acquired again, its lease renewed', () => {
    plantLock(Math.floor(Date.now() / 1000) + 5);
    writeFileSync(join(lockDir(), 'run'), 'run-1');
    expect(acquire('run-1').stdout).toBe('acquired\n');
    expect(Number(readFileSync(join(lockDir(), 'expires'), 'utf8'))).toBeGreaterThan(Math.floor(Date.now() / 1000) + 500);
  });

  test('an expired lock is taken over and names its old owner', () => {
    plantLock(Math.floor(Date.now() / 1000) - 5);
    expect(acquire('run-1').stdout).toBe('taken-over\n{"run":"old-run"}\n');
    expect(readFileSync(join(lockDir(), 'run'), 'utf8')).toBe('run-1');
  });

  // About 250 short processes: its time is process start-up, so it gets its own budget.
  test('4 concurrent acquirers of an expired lock: exactly one wins, 20 times over', { timeout: 30_000 }, () => {
    const trials: { verdicts: string[]; holder: string }[] = [];
    for (let trial = 0; trial < 20; trial += 1) {
      rmSync(lockDir(), { recursive: true, force: true });
      plantLock(Math.floor(Date.now() / 1000) - 5);
      const verdicts = raceAcquirers(4);
      trials.push({ verdicts, holder: readFileSync(join(lockDir(), 'run'), 'utf8') });
    }
    const wrong = trials.filter(({ verdicts, holder }) => {
      const winners = verdicts.flatMap((verdict, i) => (verdict === 'taken-over' ? [`run-${i + 1}`] : []));
      const losers = verdicts.filter((verdict) => verdict === 'held');
      return winners.length !== 1 || losers.length !== verdicts.length - 1 || winners[0] !== holder;
    });
    expect(wrong).toEqual([]);
  });

  describe('a lock whose files cannot be written', () => {
    // A `mkdir` that makes the lock, then a directory where the lock's `run` file goes.
    function brokenMkdirPath(): NodeJS.ProcessEnv {
      const bin = join(state, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'mkdir'), `#!/bin/sh\n/bin/mkdir "$@" || exit 1\neval "last=\\$$#"\n/bin/mkdir "$last/run"\n`);
      chmodSync(join(bin, 'mkdir'), 0o755);
      return { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    }

    test('a free lock: fails, says so, and leaves no lock behind', () => {
      const result = acquire('run-1', brokenMkdirPath());
      expect(result.status).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('cannot write the deploy lock');
      expect(existsSync(lockDir())).toBe(false);
    });

    test('an expired lock: fails without printing taken-over, and the old lock is put back', () => {
      plantLock(Math.floor(Date.now() / 1000) - 5);
      const result = acquire('run-1', brokenMkdirPath());
      expect(result.status).toBe(3);
      expect(result.stdout).not.toContain('taken-over');
      expect(readFileSync(join(lockDir(), 'run'), 'utf8')).toBe('old-run');
    });
  });
});

describe('startTransactionCommand through a real sh', () => {
  test('a lock another run took over (its lease ran out): exit 7, no transaction started, nothing written', () => {
    const paths = hostPaths({ path: state, runId: 'run-1' });
    mkdirSync(paths.runDir, { recursive: true });
    mkdirSync(paths.lock);
    writeFileSync(join(paths.lock, 'run'), 'other-run');
    writeFileSync(paths.script, 'echo started > "$1/started"\n');
    const [program = '', ...args] = startTransactionCommand(paths, 'run-1').argv;
    const result = spawnSync(program, args, { encoding: 'utf8' });
    expect(result.status).toBe(7);
    expect(result.stderr).toContain("the deploy lock is no longer this run's");
    expect(existsSync(paths.lastRun)).toBe(false);
    expect(existsSync(join(paths.runDir, 'started'))).toBe(false);
    expect(readFileSync(join(paths.lock, 'run'), 'utf8')).toBe('other-run');
  });
});

import { acquireLockCommand } from '../deploy/remote-commands';
import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import type { Clock } from './context';
import type { Reporter } from './reporter';

export interface LockOwner {
  readonly run: string;
  readonly actor: string;
  readonly url: string;
  readonly started: string;
}

function describeOwner(text: string): string {
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return `run ${owner.run ?? '?'} by ${owner.actor ?? '?'} since ${owner.started ?? '?'}${owner.url ? ` (${owner.url})` : ''}`;
  } catch {
    return text.trim() === '' ? 'an unknown run' : text.trim();
  }
}

/** One try at the lock: its verdict, and the owner's JSON it printed (the holder, or the owner taken over from). */
export interface LockAttempt {
  readonly verdict: 'acquired' | 'taken-over' | 'held';
  readonly holder: string;
}

/** The attempt's lock is the run's now (an expired lease taken over is reported). */
export function lockTaken(attempt: LockAttempt, host: string, reporter: Reporter): boolean {
  if (attempt.verdict === 'taken-over') reporter.warning(`took over an expired deploy lock on ${host}, held by ${describeOwner(attempt.holder)}`);
  return attempt.verdict !== 'held';
}

/**
 * Takes the host's deploy lock, waiting for a live holder up to `timeoutMs` (polling with
 * backoff), taking over an expired lease with a warning. `first`: the attempt already made (in
 * the preflight's round trip), so that the next one comes after the first wait.
 */
export async function acquireLock(
  executor: Executor,
  args: { lockDir: string; owner: LockOwner; leaseSeconds: number; timeoutMs: number; first?: LockAttempt },
  clock: Clock,
  reporter: Reporter,
): Promise<void> {
  const deadline = clock.now() + args.timeoutMs;
  let delay = 1_000;
  let announced = false;
  let attempt = args.first;
  for (;;) {
    if (attempt === undefined) {
      const result = await executor.run(acquireLockCommand(args.lockDir, args.owner.run, JSON.stringify(args.owner), args.leaseSeconds), { step: 'lock' });
      const [verdict = '', ...rest] = result.stdout.split('\n');
      attempt = { verdict: verdict === 'acquired' || verdict === 'taken-over' ? verdict : 'held', holder: rest.join('\n') };
    }
    if (lockTaken(attempt, executor.host, reporter)) return;
    const holder = describeOwner(attempt.holder);
    attempt = undefined;
    if (clock.now() + delay > deadline) {
      throw new StackDeployError(`another deploy holds the lock on ${executor.host}: ${holder}`, {
        host: executor.host,
        step: 'lock',
        hint: 'wait for it to finish (or raise lock-timeout); if that run is dead, its lease expires by itself, or run the unlock command',
      });
    }
    if (!announced) {
      reporter.info(`waiting for the deploy lock held by ${holder}`);
      announced = true;
    }
    await clock.sleep(delay);
    delay = Math.min(delay * 2, 10_000);
  }
}

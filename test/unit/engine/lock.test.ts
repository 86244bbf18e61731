import { describe, expect, test } from 'vitest';
import { acquireLockCommand } from '../../../src/deploy/remote-commands';
import { acquireLock, type LockOwner } from '../../../src/engine/lock';
import { answeringInTurn, FakeClock, FakeReporter } from '../fakes';
import { rejectionOf } from '../helpers';

const OWNER: LockOwner = { run: 'run-2', actor: 'bob', url: 'https://ci.example/run/2', started: '2026-01-01T00:00:00Z' };
const HOLDER = JSON.stringify({ run: 'run-1', actor: 'alice', url: '', started: '2026-01-01T00:00:00Z' });
const HELD = `held\n${HOLDER}\n`;
const ARGS = { lockDir: '/srv/app/.stack-deploy/lock', owner: OWNER, leaseSeconds: 900, timeoutMs: 600_000 };

describe('acquireLock: waiting for the host lock', () => {
  test('a free lock is taken at once: one command, no wait, nothing said', async () => {
    const executor = answeringInTurn(['acquired\n']);
    const clock = new FakeClock();
    const reporter = new FakeReporter();
    await acquireLock(executor, ARGS, clock, reporter);
    expect(executor.calls.map((call) => call.argv)).toEqual([acquireLockCommand(ARGS.lockDir, 'run-2', JSON.stringify(OWNER), 900).argv]);
    expect(executor.calls[0]?.options.step).toBe('lock');
    expect(clock.sleeps).toEqual([]);
    expect([...reporter.outside, ...reporter.warnings]).toEqual([]);
  });

  test('an expired lock taken over: a warning naming the old owner', async () => {
    const reporter = new FakeReporter();
    await acquireLock(answeringInTurn([`taken-over\n${HOLDER}\n`]), ARGS, new FakeClock(), reporter);
    expect(reporter.warnings).toEqual(['took over an expired deploy lock on deploy@host:22, held by run run-1 by alice since 2026-01-01T00:00:00Z']);
  });

  test('a held lock is polled with doubling waits (1 s, 2 s, 4 s…), announced once, until it is free', async () => {
    const executor = answeringInTurn([HELD, HELD, HELD, HELD, 'acquired\n']);
    const clock = new FakeClock();
    const reporter = new FakeReporter();
    await acquireLock(executor, ARGS, clock, reporter);
    expect(executor.calls).toHaveLength(5);
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(reporter.outside).toEqual(['waiting for the deploy lock held by run run-1 by alice since 2026-01-01T00:00:00Z']);
  });

  test('the preflight found it held: the first command comes after the first wait, the holder named from the preflight', async () => {
    const executor = answeringInTurn(['acquired\n']);
    const clock = new FakeClock();
    const reporter = new FakeReporter();
    await acquireLock(executor, { ...ARGS, first: { verdict: 'held', holder: HOLDER } }, clock, reporter);
    expect(executor.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([1_000]);
    expect(reporter.outside).toEqual(['waiting for the deploy lock held by run run-1 by alice since 2026-01-01T00:00:00Z']);
  });

  test('the preflight took it: no command at all', async () => {
    const executor = answeringInTurn([]);
    await acquireLock(executor, { ...ARGS, first: { verdict: 'acquired', holder: '' } }, new FakeClock(), new FakeReporter());
    expect(executor.calls).toEqual([]);
  });

  test('waits are capped at 10 s', async () => {
    const clock = new FakeClock();
    await acquireLock(answeringInTurn([...Array<string>(7).fill(HELD), 'acquired\n']), ARGS, clock, new FakeReporter());
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  });

  test('a lock held past lock-timeout: no wait beyond the deadline, then an error naming the holder', async () => {
    const executor = answeringInTurn([HELD]);
    const clock = new FakeClock();
    const error = await rejectionOf(() => acquireLock(executor, { ...ARGS, timeoutMs: 30_000 }, clock, new FakeReporter()));
    // 1 + 2 + 4 + 8 + 10 = 25 s waited; another 10 s would pass the 30 s deadline.
    expect(clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 10_000]);
    expect(executor.calls).toHaveLength(6);
    expect(error.message).toBe('another deploy holds the lock on deploy@host:22: run run-1 by alice since 2026-01-01T00:00:00Z');
    expect(error.context).toMatchObject({ host: 'deploy@host:22', step: 'lock' });
    expect(error.context.hint).toContain('raise lock-timeout');
  });

  test('lock-timeout 0: one attempt, no wait', async () => {
    const clock = new FakeClock();
    const executor = answeringInTurn([HELD]);
    await rejectionOf(() => acquireLock(executor, { ...ARGS, timeoutMs: 0 }, clock, new FakeReporter()));
    expect(executor.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('a holder whose owner file is not JSON, or empty, is still described', async () => {
    const garbled = await rejectionOf(() => acquireLock(answeringInTurn(['held\nsomething odd\n']), { ...ARGS, timeoutMs: 0 }, new FakeClock(), new FakeReporter()));
    expect(garbled.message).toBe('another deploy holds the lock on deploy@host:22: something odd');
    const empty = await rejectionOf(() => acquireLock(answeringInTurn(['held\n']), { ...ARGS, timeoutMs: 0 }, new FakeClock(), new FakeReporter()));
    expect(empty.message).toBe('another deploy holds the lock on deploy@host:22: an unknown run');
  });
});

import { describe, expect, test } from 'vitest';
import { settleWithLimit } from '../../../src/util/pool';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (no timers). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

/** Work whose every call waits on a deferred the test settles by hand, tracking concurrency. */
function controlledWork(count: number) {
  const gates = Array.from({ length: count }, () => deferred<string>());
  const started: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const work = async (item: number): Promise<string> => {
    started.push(item);
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    try {
      return await (gates[item] as Deferred<string>).promise;
    } finally {
      running -= 1;
    }
  };
  return {
    gates: gates as Deferred<string>[],
    started,
    work,
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('settleWithLimit', () => {
  test.each([
    [1, 5],
    [2, 5],
    [3, 7],
    [4, 4],
  ])('limit %i over %i items: never more than the limit at once', async (limit, count) => {
    const control = controlledWork(count);
    const items = Array.from({ length: count }, (_, i) => i);
    const all = settleWithLimit(items, limit, control.work);
    await flush();
    expect(control.started).toEqual(items.slice(0, limit));
    expect(control.running).toBe(limit);
    // finish the most recently started one each time
    const finished = new Set<number>();
    for (let done = 0; done < count; done += 1) {
      const next = [...control.started].reverse().find((item) => !finished.has(item));
      if (next === undefined) throw new Error('nothing running');
      finished.add(next);
      control.gates[next]?.resolve(`r${next}`);
      await flush();
      expect(control.running).toBe(Math.min(limit, count - done - 1));
    }
    const results = await all;
    expect(control.maxRunning).toBe(limit);
    expect(results).toEqual(items.map((i) => ({ status: 'fulfilled', value: `r${i}` })));
  });

  test('does not start the next item before one finishes', async () => {
    const control = controlledWork(3);
    const all = settleWithLimit([0, 1, 2], 2, control.work);
    await flush();
    expect(control.started).toEqual([0, 1]);
    control.gates[1]?.resolve('one');
    await flush();
    expect(control.started).toEqual([0, 1, 2]);
    control.gates[2]?.resolve('two');
    control.gates[0]?.resolve('zero');
    expect(await all).toEqual([
      { status: 'fulfilled', value: 'zero' },
      { status: 'fulfilled', value: 'one' },
      { status: 'fulfilled', value: 'two' },
    ]);
  });

  test('results keep input order even when later items finish first', async () => {
    const control = controlledWork(4);
    const all = settleWithLimit([0, 1, 2, 3], 4, control.work);
    await flush();
    for (const i of [3, 1, 2, 0]) {
      control.gates[i]?.resolve(`v${i}`);
      await flush();
    }
    expect(await all).toEqual([0, 1, 2, 3].map((i) => ({ status: 'fulfilled', value: `v${i}` })));
  });

  test('a rejection is reported and the others still run', async () => {
    const control = controlledWork(4);
    const boom = new Error('boom');
    const all = settleWithLimit([0, 1, 2, 3], 2, control.work);
    await flush();
    control.gates[0]?.reject(boom);
    await flush();
    expect(control.started).toEqual([0, 1, 2]);
    control.gates[1]?.resolve('one');
    await flush();
    control.gates[2]?.reject('plain string');
    control.gates[3]?.resolve('three');
    const results = await all;
    expect(results).toEqual([
      { status: 'rejected', reason: boom },
      { status: 'fulfilled', value: 'one' },
      { status: 'rejected', reason: 'plain string' },
      { status: 'fulfilled', value: 'three' },
    ]);
    expect(results[0]).toHaveProperty('reason', boom);
  });

  test('a synchronous throw from work is reported as rejected too', async () => {
    const error = new Error('sync');
    const results = await settleWithLimit([1, 2], 1, (item) => {
      if (item === 1) throw error;
      return Promise.resolve(item * 10);
    });
    expect(results).toEqual([
      { status: 'rejected', reason: error },
      { status: 'fulfilled', value: 20 },
    ]);
  });

  test('empty input: no work, empty result', async () => {
    let calls = 0;
    const results = await settleWithLimit([], 3, () => {
      calls += 1;
      return Promise.resolve(0);
    });
    expect(results).toEqual([]);
    expect(calls).toBe(0);
  });

  test('a limit larger than the items runs them all at once', async () => {
    const control = controlledWork(3);
    const all = settleWithLimit([0, 1, 2], 100, control.work);
    await flush();
    expect(control.started).toEqual([0, 1, 2]);
    expect(control.running).toBe(3);
    control.gates.forEach((gate, i) => gate.resolve(`x${i}`));
    expect((await all).map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(control.maxRunning).toBe(3);
  });

  test.each([0, -1])('limit %i is treated as 1', async (limit) => {
    const control = controlledWork(3);
    const all = settleWithLimit([0, 1, 2], limit, control.work);
    await flush();
    expect(control.started).toEqual([0]);
    control.gates[0]?.resolve('a');
    await flush();
    expect(control.started).toEqual([0, 1]);
    control.gates[1]?.resolve('b');
    await flush();
    control.gates[2]?.resolve('c');
    expect((await all).map((result) => (result.status === 'fulfilled' ? result.value : undefined))).toEqual(['a', 'b', 'c']);
    expect(control.maxRunning).toBe(1);
  });

  test('each item is worked on exactly once', async () => {
    const seen: string[] = [];
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const results = await settleWithLimit(items, 3, async (item) => {
      seen.push(item);
      await Promise.resolve();
      return item.toUpperCase();
    });
    expect([...seen].sort()).toEqual(items);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : undefined))).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  });
});

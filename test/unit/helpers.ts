import { expect } from 'vitest';
import { StackDeployError } from '../../src/errors';

/** The StackDeployError that `run` throws (the test fails if it throws nothing or anything else). */
export function thrownBy(run: () => unknown): StackDeployError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(StackDeployError);
    return error as StackDeployError;
  }
  return expect.unreachable('expected a StackDeployError');
}

/** The StackDeployError that the promise `run` returns rejects with. */
export async function rejectionOf(run: () => Promise<unknown>): Promise<StackDeployError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(StackDeployError);
    return error as StackDeployError;
  }
  return expect.unreachable('expected a StackDeployError');
}

/** A small deterministic generator (mulberry32): the same numbers in [0, 1) on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

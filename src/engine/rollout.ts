import type { Manifest } from '../manifest';

/** How an environment's hosts switch: stack.yml's `rollout`, defaults applied. */
export interface Rollout {
  readonly strategy: 'parallel' | 'rolling';
  /** Hosts per batch (rolling): a count, or a percentage such as `50%`. */
  readonly batch: number | string;
  readonly canary: boolean;
}

export function rolloutOf(environment: Manifest['environments'][string]): Rollout {
  const rollout = environment.rollout;
  return { strategy: rollout?.strategy ?? 'parallel', batch: rollout?.batch ?? 1, canary: rollout?.canary ?? false };
}

/** Hosts per batch: a count, or a percentage of `hosts` rounded up; at least 1. */
export function batchSize(batch: number | string, hosts: number): number {
  if (typeof batch === 'number') return Math.max(1, batch);
  const percent = Number.parseInt(batch, 10);
  return Math.max(1, Math.ceil((hosts * percent) / 100));
}

/**
 * The batches `count` hosts switch in, as indexes in stack.yml's order: with `canary` the first
 * host alone first; then every other host at once (parallel) or `batch` at a time (rolling).
 */
export function batchesOf(count: number, rollout: Rollout): number[][] {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const batches: number[][] = [];
  let rest = indexes;
  if (rollout.canary && count > 1) {
    batches.push([0]);
    rest = indexes.slice(1);
  }
  if (rest.length === 0) return batches;
  if (rollout.strategy === 'parallel') return [...batches, rest];
  const size = batchSize(rollout.batch, count);
  for (let i = 0; i < rest.length; i += size) batches.push(rest.slice(i, i + size));
  return batches;
}

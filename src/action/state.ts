import * as core from '@actions/core';
import type { CleanupRecorder } from '../engine/context';

/**
 * State handed from the main step to the post step. Injected, so the post step's logic is
 * tested without a runner.
 */
export interface StateStore {
  get(key: string): string;
  set(key: string, value: string): void;
}

export const runnerState: StateStore = {
  get: (key) => core.getState(key),
  set: (key, value) => core.saveState(key, value),
};

/** Set by the main step; the post step is the run where it reads back as "true". */
export const IS_POST = 'isPost';

/** Registries the main step logged in to; the post step logs out of each. */
export const REGISTRIES = 'registries';

/** Keeps the post step's to-do list in the runner's state as the main step goes. */
export function stateCleanupRecorder(state: StateStore): CleanupRecorder {
  const registries = new Set<string>();
  return {
    registryLogin: (registry) => {
      registries.add(registry);
      state.set(REGISTRIES, JSON.stringify([...registries]));
    },
  };
}

export function registriesToLogOut(state: StateStore): string[] {
  const text = state.get(REGISTRIES);
  if (text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

import * as core from '@actions/core';
import type { CleanupRecorder, HeldLock } from '../engine/context';

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

/** The main step's private Docker config directory (its registry logins); the post step removes it. */
export const DOCKER_CONFIG_DIR = 'dockerConfig';

/** Registries the main step logged in to (in its private Docker config). */
export const REGISTRIES = 'registries';

/** Keeps the post step's to-do list in the runner's state as the main step goes. */
export function stateCleanupRecorder(state: StateStore): CleanupRecorder {
  const registries = new Set<string>();
  return {
    registryLogin: (registry) => {
      registries.add(registry);
      state.set(REGISTRIES, JSON.stringify([...registries]));
    },
    lockTaken: (lock) => state.set(LOCK, JSON.stringify(lock)),
    lockSettled: () => state.set(LOCK, ''),
  };
}

/** A host lock the main step took and had not settled when it ended. */
export const LOCK = 'lock';

export function lockToRelease(state: StateStore): HeldLock | undefined {
  const text = state.get(LOCK);
  if (text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<HeldLock>;
    if (typeof parsed.host !== 'string' || typeof parsed.port !== 'number' || typeof parsed.user !== 'string') return undefined;
    if (typeof parsed.lockDir !== 'string' || typeof parsed.runDir !== 'string' || typeof parsed.runId !== 'string' || typeof parsed.script !== 'string') return undefined;
    return parsed as HeldLock;
  } catch {
    return undefined;
  }
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

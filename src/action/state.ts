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
  const locks = new Map<string, HeldLock>();
  const save = () => state.set(LOCK, locks.size === 0 ? '' : JSON.stringify([...locks.values()]));
  return {
    registryLogin: (registry) => {
      registries.add(registry);
      state.set(REGISTRIES, JSON.stringify([...registries]));
    },
    lockTaken: (lock) => {
      locks.set(heldLockHost(lock), lock);
      save();
    },
    lockSettled: (host) => {
      if (host === undefined) locks.clear();
      else locks.delete(host);
      save();
    },
  };
}

/** `user@host:port` of a held lock. */
export function heldLockHost(lock: Pick<HeldLock, 'host' | 'port' | 'user'>): string {
  return `${lock.user}@${lock.host}:${lock.port}`;
}

/** The host locks the main step took and had not settled when it ended (a JSON list). */
export const LOCK = 'lock';

function isHeldLock(value: unknown): value is HeldLock {
  if (typeof value !== 'object' || value === null) return false;
  const lock = value as Partial<HeldLock>;
  return typeof lock.host === 'string' && typeof lock.port === 'number' && typeof lock.user === 'string' && typeof lock.lockDir === 'string' && typeof lock.runDir === 'string' && typeof lock.runId === 'string' && typeof lock.script === 'string';
}

export function locksToRelease(state: StateStore): HeldLock[] {
  const text = state.get(LOCK);
  if (text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return (Array.isArray(parsed) ? parsed : [parsed]).filter(isHeldLock);
  } catch {
    return [];
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

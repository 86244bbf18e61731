import * as core from '@actions/core';

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

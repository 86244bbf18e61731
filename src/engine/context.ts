import type { Executor } from '../exec/executor';
import type { Redactor } from '../exec/redact';
import type { Reporter } from './reporter';
import type { RunSettings } from './settings';

/** A clock the engine reads and waits on; tests inject a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Records what must be undone if the run is cut short (the action's post step reads it back).
 * The engine undoes these itself on every normal exit.
 */
export interface CleanupRecorder {
  registryLogin(registry: string): void;
}

export const noCleanupRecorder: CleanupRecorder = { registryLogin: () => undefined };

/** What every command runs with. Built by the action or the CLI, never global. */
export interface RunContext {
  readonly settings: RunSettings;
  readonly reporter: Reporter;
  readonly redactor: Redactor;
  readonly clock: Clock;
  /** Runs commands on this machine (docker build, push). */
  readonly local: Executor;
  readonly cleanup: CleanupRecorder;
  /** Directory of this machine's work files (RUNNER_TEMP or the OS temp dir). */
  readonly tempDir: string;
  /** This process's environment (read, never changed). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

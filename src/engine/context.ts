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

/** What every command runs with. Built by the action or the CLI, never global. */
export interface RunContext {
  readonly settings: RunSettings;
  readonly reporter: Reporter;
  readonly redactor: Redactor;
  readonly clock: Clock;
}

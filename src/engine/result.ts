import type { Summary } from './summary';

/**
 * How a run ended. `invalid`: bad input, nothing was attempted. `rolled-back`: a change failed
 * and the previous version serves again.
 */
export type RunStatus = 'success' | 'failed' | 'rolled-back' | 'invalid';

export interface RunResult {
  readonly status: RunStatus;
  /** Action outputs (and the CLI's --json), by output name. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly summary: Summary;
  /** `exec`: the remote command's own exit code, which the command line exits with. */
  readonly exitCode?: number;
}

/** CLI exit codes, documented in README. */
export const EXIT_CODES: Readonly<Record<RunStatus, number>> = {
  success: 0,
  failed: 1,
  invalid: 2,
  'rolled-back': 3,
};

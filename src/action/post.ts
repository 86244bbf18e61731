import * as core from '@actions/core';
import type { StateStore } from './state';

/**
 * The action's post step: runs after the job's other steps, also when the run failed or was
 * cancelled, and undoes what the main step left on the runner or hosts.
 */
export async function runPost(_state: StateStore): Promise<void> {
  core.info('stack-deploy: nothing to clean up');
}

import * as core from '@actions/core';
import { logoutRegistry } from '../commands/docker';
import type { Executor } from '../exec/executor';
import { registriesToLogOut, type StateStore } from './state';

/**
 * The action's post step: runs after the job's other steps, also when the run failed or was
 * cancelled, and undoes what the main step may have left behind: registry logins on the runner.
 */
export async function runPost(state: StateStore, local: Executor): Promise<void> {
  const registries = registriesToLogOut(state);
  if (registries.length === 0) {
    core.info('stack-deploy: nothing to clean up');
    return;
  }
  for (const registry of registries) {
    const result = await local.run(logoutRegistry(registry), { allowFailure: true, step: 'post' });
    core.info(result.exitCode === 0 ? `stack-deploy: logged out of ${registry}` : `stack-deploy: docker logout ${registry} failed (exit ${result.exitCode}); remove its entry from ~/.docker/config.json`);
  }
}

import * as core from '@actions/core';
import { logoutRegistry } from '../commands/docker';
import { releaseAbandonedLockCommand } from '../deploy/remote-commands';
import { describeError } from '../errors';
import type { Executor } from '../exec/executor';
import { Redactor } from '../exec/redact';
import { connectSsh } from '../exec/ssh';
import type { InputReader } from './inputs';
import { lockToRelease, registriesToLogOut, type StateStore } from './state';

async function logOutOfRegistries(state: StateStore, local: Executor): Promise<void> {
  for (const registry of registriesToLogOut(state)) {
    const result = await local.run(logoutRegistry(registry), { allowFailure: true, step: 'post' });
    core.info(
      result.exitCode === 0
        ? `stack-deploy: logged out of ${registry}`
        : `stack-deploy: docker logout ${registry} failed (exit ${result.exitCode}); remove its entry from ~/.docker/config.json`,
    );
  }
}

async function releaseAbandonedLock(state: StateStore, getInput: InputReader): Promise<void> {
  const lock = lockToRelease(state);
  if (lock === undefined) return;
  const privateKey = getInput('ssh-private-key').trim();
  const knownHosts = getInput('ssh-known-hosts').trim();
  const redactor = new Redactor();
  redactor.add(privateKey);
  const where = `${lock.user}@${lock.host}:${lock.port}`;
  try {
    const executor = await connectSsh({ host: lock.host, port: lock.port, user: lock.user }, { privateKey: `${privateKey}\n`, knownHosts }, redactor, { attempts: 2 });
    try {
      const result = await executor.run(releaseAbandonedLockCommand(lock.lockDir, lock.runDir, lock.runId), { step: 'post' });
      const verdict = result.stdout.trim().split('\n').at(-1);
      if (verdict === 'released') core.warning(`stack-deploy: the run stopped while it held the deploy lock on ${where}; the lock is released (nothing had been switched)`);
      else if (verdict === 'transaction-running') core.info(`stack-deploy: the deploy transaction still runs on ${where}; it releases the lock when it ends`);
      else core.info(`stack-deploy: the deploy lock on ${where} is no longer this run's`);
    } finally {
      await executor.close();
    }
  } catch (error) {
    core.warning(`stack-deploy: could not release the deploy lock on ${where}: ${redactor.redact(describeError(error))}. It expires by itself after its lease, or run the unlock command.`);
  }
}

/**
 * The action's post step: runs after the job's other steps, also when the run failed or was
 * cancelled, and undoes what the main step may have left behind: registry logins on the runner
 * and a deploy lock on a host that no transaction owns.
 */
export async function runPost(state: StateStore, local: Executor, getInput: InputReader = (name) => core.getInput(name)): Promise<void> {
  if (registriesToLogOut(state).length === 0 && lockToRelease(state) === undefined) {
    core.info('stack-deploy: nothing to clean up');
    return;
  }
  await logOutOfRegistries(state, local);
  await releaseAbandonedLock(state, getInput);
}

import * as core from '@actions/core';
import { releaseAbandonedLockCommand } from '../deploy/remote-commands';
import { describeError, StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import { Redactor } from '../exec/redact';
import type { ConnectOptions, SshCredentials, SshTarget } from '../exec/ssh';
import { removeRunDockerConfig } from '../registry/docker-config';
import { githubContext, type InputReader, maskSecrets, readInputs } from './inputs';
import type { HeldLock } from '../engine/context';
import { DOCKER_CONFIG_DIR, locksToRelease, registriesToLogOut, type StateStore } from './state';

/** The main step's private Docker config, left behind when it was cut short: its logins go with it. */
async function removeDockerConfig(state: StateStore): Promise<void> {
  const dir = state.get(DOCKER_CONFIG_DIR);
  if (dir === '') return;
  await removeRunDockerConfig(dir);
  const registries = registriesToLogOut(state);
  core.info(`stack-deploy: removed this run's Docker config${registries.length > 0 ? ` and its logins to ${registries.join(', ')}` : ''}`);
}

/** Opens the SSH connection to the host of the lock (injected in tests). */
export type SshConnector = (target: SshTarget, credentials: SshCredentials, redactor: Redactor, options: ConnectOptions) => Promise<Executor>;

/** SSH, with its library loaded only when there is a lock to release. */
const connectSsh: SshConnector = async (...args) => (await import('../exec/ssh')).connectSsh(...args);

async function releaseAbandonedLock(lock: HeldLock, getInput: InputReader, connect: SshConnector): Promise<void> {
  const redactor = new Redactor();
  const where = `${lock.user}@${lock.host}:${lock.port}`;
  try {
    // The SSH key and known_hosts as the main step read them: the same inputs, the same normalisation.
    const inputs = readInputs(getInput, githubContext(process.env));
    maskSecrets(inputs, redactor);
    const { sshPrivateKey, sshKnownHosts } = inputs.settings;
    if (sshPrivateKey === undefined || sshKnownHosts === undefined) {
      throw new StackDeployError(`the input "${sshPrivateKey === undefined ? 'ssh-private-key' : 'ssh-known-hosts'}" is not set`);
    }
    const executor = await connect({ host: lock.host, port: lock.port, user: lock.user }, { privateKey: sshPrivateKey, knownHosts: sshKnownHosts }, redactor, { attempts: 2 });
    try {
      const result = await executor.run(releaseAbandonedLockCommand(lock), { step: 'post' });
      const verdict = result.stdout.trim().split('\n').at(-1);
      if (verdict?.startsWith('released: ') === true) core.warning(`stack-deploy: the run stopped while it held the deploy lock on ${where}, after its transaction there had ended ("${verdict.slice('released: '.length)}"); the lock is released`);
      else if (verdict === 'released') core.warning(`stack-deploy: the run stopped while it held the deploy lock on ${where}; the lock is released (nothing had been switched)`);
      else if (verdict === 'transaction-running') core.info(`stack-deploy: the deploy transaction still runs on ${where}; it releases the lock when it ends`);
      else if (verdict?.startsWith('recovered: ') === true) {
        const outcome = verdict.slice('recovered: '.length).trim();
        const how = outcome === 'rolled-back' ? 'the previous release serves again' : outcome === 'success' ? 'it had passed its checks, and the new release was finished' : outcome === 'failed' ? 'nothing had been switched' : outcome === '' ? 'the recovery ended without a result: the stack may be down; run status, then deploy or rollback' : `it ended with "${outcome}": check the host with the status command`;
        core.warning(`stack-deploy: the deploy transaction on ${where} was killed before it finished; it was recovered (${how}), and the lock is released`);
      }
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
 * cancelled, and undoes what the main step may have left behind: its private Docker config (with
 * its registry logins) on the runner and a deploy lock on a host that no transaction owns.
 */
export async function runPost(state: StateStore, getInput: InputReader = (name) => core.getInput(name), connect: SshConnector = connectSsh): Promise<void> {
  const locks = locksToRelease(state);
  if (state.get(DOCKER_CONFIG_DIR) === '' && locks.length === 0) {
    core.info('stack-deploy: nothing to clean up');
    return;
  }
  await removeDockerConfig(state);
  await Promise.all(locks.map((lock) => releaseAbandonedLock(lock, getInput, connect)));
}

import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import type { SshExecutor } from '../exec/ssh';
import type { RunContext } from './context';
import { onlyHost, type ResolvedEnvironment } from './environment';

/** Opens the run's one SSH connection to the environment's host. */
export async function connectToEnvironment(context: RunContext, environment: ResolvedEnvironment): Promise<SshExecutor> {
  const { settings, reporter, redactor, clock } = context;
  const { host, port, user } = onlyHost(environment);
  if (settings.sshPrivateKey === undefined) {
    throw new StackDeployError(`no SSH private key to reach ${user}@${host}:${port}`, {
      step: 'connect',
      hint: 'set the input "ssh-private-key" from a secret (or --identity FILE on the command line)',
    });
  }
  if (settings.sshKnownHosts === undefined) {
    throw new StackDeployError(`no pinned host key for ${host}:${port}`, {
      step: 'connect',
      hint: `set the input "ssh-known-hosts" to the output of "ssh-keyscan -p ${port} ${host}", checked against the server's fingerprint (or --known-hosts FILE)`,
    });
  }
  // The SSH library is loaded by the commands that connect, when they connect.
  const { connectSsh } = await import('../exec/ssh');
  return connectSsh(
    { host, port, user },
    { privateKey: settings.sshPrivateKey, knownHosts: settings.sshKnownHosts },
    redactor,
    {
      sleep: (ms) => clock.sleep(ms),
      onRetry: (attempt, delayMs, error) => reporter.warning(`${error.message}; retrying in ${delayMs} ms (attempt ${attempt + 1})`),
    },
  );
}

/** The connection a command that only runs programs needs: the context's own, or SSH. */
export function openConnection(context: RunContext, environment: ResolvedEnvironment): Promise<Executor> {
  return context.connect === undefined ? connectToEnvironment(context, environment) : context.connect(environment);
}

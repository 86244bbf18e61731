import { composeExec } from '../commands/compose';
import { StackDeployError } from '../errors';
import type { RunContext } from './context';
import type { RunResult } from './result';
import { openServiceSession } from './service-session';

/**
 * `exec`: runs a command in a service's running container on the environment's host, with this
 * terminal attached (a pseudo-terminal when standard input is a TTY, as `ssh -t` does), and ends
 * with the command's exit code. Takes no lock.
 */
export async function execInService(context: RunContext): Promise<RunResult> {
  const { settings, terminal } = context;
  const request = settings.exec;
  if (terminal === undefined || request === undefined) {
    throw new StackDeployError('exec runs on the command line only: it needs a terminal', {
      hint: 'run "stack-deploy exec -e ENVIRONMENT SERVICE -- COMMAND" in a terminal',
    });
  }
  const opened = await openServiceSession(context);
  if (!opened.ok) return opened.result;
  const { environment, executor, project, cwd } = opened.session;
  let exitCode: number;
  try {
    const cmd = composeExec({ ...project, service: request.service, argv: request.argv, tty: terminal.tty !== undefined });
    const restore = terminal.tty === undefined ? () => undefined : terminal.raw();
    try {
      exitCode = await executor.attach(cmd, { stdin: terminal.stdin, write: (chunk, stream) => terminal.write(chunk, stream), pty: terminal.tty, onResize: (listener) => terminal.onResize(listener) }, { cwd });
    } finally {
      restore();
    }
  } finally {
    await executor.close();
  }
  return {
    status: exitCode === 0 ? 'success' : 'failed',
    exitCode,
    outputs: {},
    summary: { title: `stack-deploy: exec in ${request.service} on ${environment.name}`, lines: [`${request.argv.join(' ')} exited with ${exitCode}.`], tables: [] },
  };
}

import { composeLogs } from '../commands/compose';
import { environmentServices } from '../manifest';
import type { RunContext } from './context';
import type { RunResult } from './result';
import { openServiceSession } from './service-session';

/** Lines printed per service when no start time is given. */
export const LOG_LINES = 100;

/**
 * `logs`: the services' Compose logs on the environment's host. On the command line one
 * `compose logs` streams to the terminal (with `--follow` until interrupted); in the action each
 * service's last lines go into a log group of their own. Read only: takes no lock.
 */
export async function logs(context: RunContext): Promise<RunResult> {
  const { settings, reporter, terminal } = context;
  const opened = await openServiceSession(context);
  if (!opened.ok) return opened.result;
  const { environment, executor, project, cwd, manifest } = opened.session;
  const services = settings.services.length > 0 ? [...settings.services] : environmentServices(manifest, environment.name);
  const since = settings.logs?.since;
  const tail = since === undefined ? LOG_LINES : 'all';
  const title = `stack-deploy: logs of ${environment.name}`;
  try {
    if (terminal !== undefined) {
      const cmd = composeLogs({ ...project, services, tail, since, follow: settings.logs?.follow === true });
      const exitCode = await executor.attach(cmd, { write: (chunk, stream) => terminal.write(chunk, stream) }, { cwd });
      const lines = exitCode === 0 ? [] : [`docker compose logs exited with ${exitCode} on ${executor.host}`];
      return { status: exitCode === 0 ? 'success' : 'failed', outputs: { services: JSON.stringify(services) }, summary: { title, lines, tables: [] } };
    }
    for (const service of services) {
      await reporter.group(`Logs of ${service}`, async () => {
        const result = await executor.run(composeLogs({ ...project, services: [service], tail, since }), { cwd, step: 'logs', service });
        for (const line of `${result.stdout}${result.stderr}`.split('\n')) if (line !== '') reporter.info(line);
      });
    }
  } finally {
    await executor.close();
  }
  const what = since === undefined ? `the last ${LOG_LINES} lines` : `the lines since ${since}`;
  return {
    status: 'success',
    outputs: { services: JSON.stringify(services) },
    summary: { title, lines: [`Printed ${what} of ${services.join(', ')} in the job log.`], tables: [] },
  };
}

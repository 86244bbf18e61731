import { connectToEnvironment } from './connect';
import type { RunContext } from './context';
import { resolveEnvironment } from './environment';
import { readHostFacts } from './host-facts';
import type { RunResult } from './result';
import { loadAndReport } from './validate';

/**
 * `check`: validates stack.yml, connects to the environment's host with the pinned host key
 * and reports its Docker engine and Compose. Read only.
 */
export async function check(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid');
  if (!loaded.ok) return loaded.result;
  const environment = resolveEnvironment(loaded.manifest, settings.environment);
  const { host, port, user } = environment.config;
  const facts = await reporter.group(`Connect to ${user}@${host}:${port}`, async () => {
    const executor = await connectToEnvironment(context, environment);
    try {
      return await readHostFacts(executor);
    } finally {
      await executor.close();
    }
  });
  const composeName = facts.compose.flavor === 'v2' ? 'docker compose' : 'docker-compose';
  const line = `${user}@${host}:${port} (${environment.name}): Docker ${facts.dockerServerVersion} (API ${facts.dockerApiVersion}), ${composeName} ${facts.compose.version}`;
  reporter.info(line);
  return {
    status: 'success',
    outputs: {},
    summary: {
      title: `stack-deploy: ${environment.name} is reachable`,
      lines: [],
      tables: [
        {
          header: ['Environment', 'Host', 'Docker', 'Compose'],
          rows: [[environment.name, `${user}@${host}:${port}`, facts.dockerServerVersion, `${composeName} ${facts.compose.version}`]],
        },
      ],
    },
  };
}

import type { ComposeProject } from '../commands/compose';
import { hostPaths } from '../deploy/plan';
import { StackDeployError } from '../errors';
import type { SshExecutor } from '../exec/ssh';
import { composeProject, type Manifest } from '../manifest';
import { connectToEnvironment } from './connect';
import type { RunContext } from './context';
import { hostLabel, onHost, type ResolvedEnvironment, resolveEnvironment, runsService } from './environment';
import { readHostFacts } from './host-facts';
import { loadAndReport } from './validate';
import type { RunResult } from './result';

/** A connection to an environment's host, and how to name its Compose project there. */
export interface ServiceSession {
  readonly manifest: Manifest;
  readonly environment: ResolvedEnvironment;
  readonly executor: SshExecutor;
  /** Project name, compose files (relative to `cwd`) and the deployed env file. */
  readonly project: ComposeProject;
  /** The environment's `path`: Compose runs there, as during a deploy. */
  readonly cwd: string;
}

/**
 * Loads stack.yml, connects to the environment's host (pinned host key) and asks which Compose it
 * has: what `logs` and `exec` need to address the deployed project. Takes no lock and changes
 * nothing. Returns a result instead when stack.yml is invalid.
 */
export async function openServiceSession(context: RunContext): Promise<{ ok: true; session: ServiceSession } | { ok: false; result: RunResult }> {
  const { settings, reporter } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded;
  const manifest = loaded.manifest;
  const environment = resolveEnvironment(manifest, settings.environment);
  const { path, compose } = environment.config;
  if (environment.config.engine === 'swarm') {
    const project = composeProject(manifest, environment.name);
    throw new StackDeployError(`logs and exec address Compose containers, and ${environment.name} runs as a Swarm stack`, {
      step: 'select',
      hint: `on the manager, use docker service logs ${project}_<service>, or docker exec in a task of the service (docker ps --filter label=com.docker.swarm.service.name=${project}_<service>)`,
    });
  }
  // On an environment with several hosts: the first host that runs the (first) service named.
  const wanted = settings.services[0];
  const target = environment.hosts.find((h) => wanted === undefined || runsService(h, wanted)) ?? environment.hosts[0];
  if (target === undefined) throw new Error('an environment has at least one host');
  if (environment.hosts.length > 1) reporter.info(`${environment.name} has ${environment.hosts.length} hosts; this command runs on ${hostLabel(target)}, the first${wanted === undefined ? '' : ` that runs ${wanted}`}`);
  const { executor, flavor } = await reporter.group(`Connect to ${hostLabel(target)}`, async () => {
    const connected = await connectToEnvironment(context, onHost(environment, target));
    try {
      return { executor: connected, flavor: (await readHostFacts(connected)).compose.flavor };
    } catch (error) {
      await connected.close();
      throw error;
    }
  });
  const project: ComposeProject = {
    flavor,
    project: composeProject(manifest, environment.name),
    files: compose,
    envFile: hostPaths({ path, runId: '' }).envFile,
  };
  return { ok: true, session: { manifest, environment, executor, project, cwd: path } };
}

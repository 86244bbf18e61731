import { dirname, resolve } from 'node:path';
import { inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import { StackDeployError } from '../errors';
import type { RunContext } from './context';
import { PhaseTimer, switchEnvironment } from './deploy';
import { imagesOfVersion, previousReleaseImages, rollbackImages } from './release-images';
import { resolveEnvironment } from './environment';
import { operationServices, serviceRepositories } from './operations';
import type { RunResult } from './result';
import { isApplicationService } from './stack-roles';
import { loadAndReport } from './validate';

/**
 * `rollback`: every service of the environment (or the input `services`) back to its
 * rollback image, or with `version`, to the images the ledger records for that release.
 * Same lock, transaction, health gate and ledger as a deploy.
 */
export async function rollback(context: RunContext): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', undefined, { compose: false });
  if (!loaded.ok) return loaded.result;
  const manifest = loaded.manifest;
  const environment = resolveEnvironment(manifest, settings.environment);
  await context.onEnvironment?.(environment.name);
  const names = operationServices(manifest, environment.name, settings, true);
  const infrastructure = names.filter((name) => !isApplicationService(manifest, name, settings.repositoryOwner));
  if (infrastructure.length > 0) {
    throw new StackDeployError(`${infrastructure.join(', ')} ${infrastructure.length === 1 ? 'is' : 'are'} infrastructure (pinned in stack.yml or the compose files): rollback switches application services only`, {
      step: 'select',
      hint: 'to move a pinned service back, set its previous tag or digest and deploy; a rollback never restarts infrastructure',
    });
  }
  const repos = serviceRepositories(manifest, names, settings);
  return switchEnvironment(context, {
    manifest,
    manifestDir: dirname(resolve(settings.manifest)),
    environment,
    names,
    version: settings.version ?? 'previous',
    kind: 'rollback',
    timer: new PhaseTimer(() => clock.now()),
    resolveTargets: async (executor, project, hostNames) => {
      const hostRepos = repos.filter((r) => hostNames.includes(r.name));
      const output = await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }), { name: project }, hostRepos), { step: 'select' });
      const state = parseHostState(output.stdout, hostNames);
      const previous = () => (environment.config.engine === 'swarm' ? previousReleaseImages(state, hostRepos, environment.name) : rollbackImages(state, hostRepos));
      const chosen = settings.version === undefined ? previous() : { version: settings.version, targets: imagesOfVersion(state, hostRepos, settings.version, environment.name) };
      reporter.info(`${environment.hosts.length > 1 ? `${executor.host}: ` : ''}Rolling back ${hostNames.join(', ')} to ${chosen.version}: ${chosen.targets.map((t) => t.pinned).join(', ')}`);
      return chosen;
    },
  });
}

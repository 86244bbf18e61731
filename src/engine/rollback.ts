import { dirname, resolve } from 'node:path';
import { inspectHostCommand, type HostState, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import { StackDeployError } from '../errors';
import { dockerTagFor } from '../release/select';
import type { RunContext } from './context';
import { PhaseTimer, switchEnvironment, type TargetImage } from './deploy';
import { resolveEnvironment } from './environment';
import { operationServices, serviceRepositories } from './operations';
import type { RunResult } from './result';
import { isApplicationService } from './stack-roles';
import { loadAndReport } from './validate';

/** The images the ledger records for the last successful deploy of `version`, per service. */
export function imagesOfVersion(state: HostState, repos: readonly { name: string; repo: string }[], version: string, environment: string): TargetImage[] {
  const successes = state.ledger.filter((entry) => entry.result === 'success' && (entry.action ?? 'deploy') !== 'unlock' && entry.version !== undefined);
  const matching = successes.filter((entry) => entry.version === version || dockerTagFor(entry.version ?? '') === dockerTagFor(version));
  if (matching.length === 0) {
    const known = [...new Set(successes.map((entry) => entry.version))].reverse();
    throw new StackDeployError(`version "${version}" was never deployed successfully to ${environment}`, {
      step: 'select',
      hint: known.length === 0 ? 'the ledger on the host has no successful deploy yet' : `the ledger knows: ${known.join(', ')}`,
    });
  }
  return repos.map(({ name, repo }) => {
    const record = matching
      .flatMap((entry) => entry.services ?? [])
      .filter((service) => service.name === name && service.pinned !== '')
      .at(-1);
    if (record === undefined) {
      throw new StackDeployError(`service ${name} was not part of a deploy of version ${version}`, {
        service: name,
        step: 'select',
        hint: 'choose the services of that release with the input "services"',
      });
    }
    return { service: name, image: repo, pinned: record.pinned };
  });
}

/** Each service's rollback image (`<repo>:rollback-<project>-<service>`), by digest; and the version it carries. */
export function rollbackImages(state: HostState, repos: readonly { name: string; repo: string }[]): { version: string; targets: TargetImage[] } {
  const versions = new Set<string>();
  const targets = repos.map(({ name, repo }) => {
    const rollback = state.services.find((service) => service.name === name)?.rollback;
    const digest = rollback?.repoDigests.find((ref) => ref.startsWith(`${repo}@`));
    if (rollback === undefined || digest === undefined) {
      throw new StackDeployError(`there is no previous version of ${name} to roll back to on the host`, {
        service: name,
        step: 'select',
        hint: 'a service gets a rollback image from its second deploy on; to go to a given release, set the input "version"',
      });
    }
    if (rollback.version !== undefined) versions.add(rollback.version);
    return { service: name, image: repo, pinned: digest };
  });
  return { version: versions.size === 1 ? [...versions][0] ?? 'previous' : 'previous', targets };
}

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
    resolveTargets: async (executor, project) => {
      const output = await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }), { name: project }, repos), { step: 'select' });
      const state = parseHostState(output.stdout, names);
      const chosen = settings.version === undefined ? rollbackImages(state, repos) : { version: settings.version, targets: imagesOfVersion(state, repos, settings.version, environment.name) };
      reporter.info(`Rolling back ${names.join(', ')} to ${chosen.version}: ${chosen.targets.map((t) => t.pinned).join(', ')}`);
      return chosen;
    },
  });
}

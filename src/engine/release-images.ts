import type { HostState } from '../deploy/host-inspect';
import { StackDeployError } from '../errors';
import { dockerTagFor } from '../release/select';

/** The image a service switches to: built now, promoted from the registry, or rolled back to. */
export interface TargetImage {
  readonly service: string;
  /** Repository without tag. */
  readonly image: string;
  /** `repo@sha256:…`. */
  readonly pinned: string;
  readonly bytes?: number;
}

/** The images the ledger records for the last successful deploy of `version`, per service. */
export function imagesOfVersion(state: HostState, repos: readonly { name: string; repo: string }[], version: string, environment: string): TargetImage[] {
  // A run over several hosts adds a line for the environment (`rollout`): each host's own line says what it ran.
  const successes = state.ledger.filter((entry) => entry.result === 'success' && (entry.action ?? 'deploy') !== 'unlock' && entry.action !== 'rollout' && entry.version !== undefined);
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
 * Under Swarm, where no rollback image is tagged: per service, the image it ran before the one it
 * runs, as the ledger says (its last successful deploy or rollback with another image), and the
 * version when they all come from one release.
 */
export function previousReleaseImages(state: HostState, repos: readonly { name: string; repo: string }[], environment: string): { version: string; targets: TargetImage[] } {
  const successes = state.ledger.filter((entry) => entry.result === 'success' && (entry.action ?? 'deploy') !== 'unlock' && entry.action !== 'rollout' && entry.version !== undefined);
  const versions = new Set<string>();
  const targets = repos.map(({ name, repo }) => {
    const records = successes.flatMap((entry) => (entry.services ?? []).filter((service) => service.name === name && service.pinned !== '').map((service) => ({ version: entry.version ?? '', pinned: service.pinned })));
    const current = records.at(-1);
    const previous = records.filter((record) => record.pinned !== current?.pinned).at(-1);
    if (previous === undefined) {
      throw new StackDeployError(`there is no previous version of ${name} in ${environment} to roll back to`, {
        service: name,
        step: 'select',
        hint: current === undefined ? 'the ledger on the host has no successful deploy of it yet' : `the ledger knows only ${current.version} of it; to go to a given release, set the input "version"`,
      });
    }
    versions.add(previous.version);
    return { service: name, image: repo, pinned: previous.pinned };
  });
  return { version: versions.size === 1 ? ([...versions][0] ?? 'previous') : 'previous', targets };
}

import { dirname, resolve } from 'node:path';
import { type BuildPlan, planBuild } from '../build/plan';
import { StackDeployError } from '../errors';
import { environmentServices, followersOf, type Manifest } from '../manifest';
import type { RunSettings } from './settings';

/** The release the run's ref, inputs and stack.yml describe: services, version, images to build. */
export function planRelease(settings: RunSettings, manifest: Manifest, now: Date): BuildPlan {
  return planBuild({
    manifest,
    manifestDir: dirname(resolve(settings.manifest)),
    ref: settings.ref,
    sha: settings.sha,
    requested: settings.services,
    version: settings.version,
    repositoryOwner: settings.repositoryOwner,
    repositoryUrl: settings.repositoryUrl,
    now,
  });
}

/** The released services that the environment runs; an error when there are none. */
export function servicesInEnvironment(release: BuildPlan, manifest: Manifest, environment: string, repositoryOwner?: string): string[] {
  const inEnvironment = environmentServices(manifest, environment);
  const released = new Set(release.selection.services.flatMap((name) => [name, ...followersOf(manifest, name, repositoryOwner)]));
  const names = inEnvironment.filter((name) => released.has(name));
  if (names.length === 0) {
    const released = release.selection.services;
    throw new StackDeployError(`${released.join(', ')} ${released.length === 1 ? 'is' : 'are'} not deployed to ${environment}`, {
      step: 'select',
      hint: `environment "${environment}" runs: ${inEnvironment.join(', ')}`,
    });
  }
  return names;
}

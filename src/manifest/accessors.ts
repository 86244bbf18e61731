import { StackDeployError } from '../errors';
import type { Manifest, ManifestEnvironment, ManifestService } from './schema';
import { didYouMean } from './suggest';

export const DEFAULT_REGISTRY_HOST = 'ghcr.io';

function lookup<T>(entries: Readonly<Record<string, T>>, name: string, kind: string): T {
  const entry = Object.hasOwn(entries, name) ? entries[name] : undefined;
  if (entry === undefined) {
    const hint = didYouMean(name, Object.keys(entries)) ?? `stack.yml defines: ${Object.keys(entries).join(', ')}`;
    throw new StackDeployError(`stack.yml has no ${kind} "${name}"`, { hint });
  }
  return entry;
}

function serviceOf(manifest: Manifest, service: string): ManifestService {
  return lookup(manifest.services, service, 'service');
}

/**
 * The image repository (no tag) of a service: its explicit `image`, otherwise
 * `<registry.host>/<registry.namespace or repository owner>/<service>`, lowercased.
 */
export function defaultImage(manifest: Manifest, service: string, repositoryOwner: string | undefined): string {
  const explicit = serviceOf(manifest, service).image;
  if (explicit !== undefined) return explicit;
  const host = manifest.registry?.host ?? DEFAULT_REGISTRY_HOST;
  const namespace = manifest.registry?.namespace ?? repositoryOwner;
  if (namespace === undefined || namespace === '') {
    throw new StackDeployError(`cannot tell which image to use for service "${service}": no registry namespace and no repository owner`, {
      service,
      hint: `set registry.namespace in stack.yml, or services.${service}.image`,
    });
  }
  return `${host}/${namespace}/${service}`.toLowerCase();
}

/** The git tag glob that releases a service; default `<service>-v*`. */
export function releaseTagPattern(manifest: Manifest, service: string): string {
  return serviceOf(manifest, service).release_tag ?? `${service}-v*`;
}

function environmentOf(manifest: Manifest, environment: string): ManifestEnvironment {
  return lookup(manifest.environments, environment, 'environment');
}

/** The services deployed to an environment: its `services` list, or every service in manifest order. */
export function environmentServices(manifest: Manifest, environment: string): string[] {
  return [...(environmentOf(manifest, environment).services ?? Object.keys(manifest.services))];
}

/**
 * The Compose project name of a stack on an environment's hosts. Every command that names the
 * project (deploy, status, logs, exec) asks here.
 */
export function composeProject(manifest: Manifest, environmentName: string): string {
  environmentOf(manifest, environmentName);
  return manifest.name;
}

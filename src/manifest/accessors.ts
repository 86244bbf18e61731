import { StackDeployError } from '../errors';
import { splitImageReference } from './fields';
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
 * What a service is:
 * - `built`: stack-deploy builds and releases its image;
 * - `shared`: it runs a built service's image (`image_from`, or `image` equal to that service's
 *   repository) and follows that service;
 * - `pinned`: its `image` has a tag or digest, deployed at exactly that pin;
 * - `compose`: neither: the compose files say what it runs; stack.yml configures it.
 * Pinned and compose services are the stack's infrastructure.
 */
export type ServiceKind = { readonly kind: 'built' } | { readonly kind: 'shared'; readonly builder: string } | { readonly kind: 'pinned'; readonly image: string } | { readonly kind: 'compose' };

export function serviceKind(manifest: Manifest, service: string, repositoryOwner: string | undefined): ServiceKind {
  const config = serviceOf(manifest, service);
  if (config.build !== undefined) return { kind: 'built' };
  if (config.image_from !== undefined) return { kind: 'shared', builder: config.image_from };
  if (config.image === undefined) return { kind: 'compose' };
  const reference = splitImageReference(config.image);
  if (reference?.tag !== undefined || reference?.digest !== undefined) return { kind: 'pinned', image: config.image };
  const builder = Object.keys(manifest.services).find((name) => manifest.services[name]?.build !== undefined && defaultImage(manifest, name, repositoryOwner) === config.image);
  if (builder === undefined) {
    throw new StackDeployError(`services.${service}.image "${config.image}" has no tag, and no built service of stack.yml has that repository`, {
      service,
      hint: `pin it with a tag or digest (e.g. "${config.image}:1.2"), or name the built service whose image it runs with image_from`,
    });
  }
  return { kind: 'shared', builder };
}

/** Services that are released with `builder` because they run its image (not the builder itself). */
export function followersOf(manifest: Manifest, builder: string, repositoryOwner: string | undefined): string[] {
  return Object.keys(manifest.services).filter((name) => {
    const kind = serviceKind(manifest, name, repositoryOwner);
    return kind.kind === 'shared' && kind.builder === builder;
  });
}

/** The Compose project of an environment on its host: `environments.<env>.project`, default `<name>-<env>`. */
export function composeProject(manifest: Manifest, environment: string): string {
  return environmentOf(manifest, environment).project ?? `${manifest.name}-${environment}`;
}

/**
 * The project an environment ran as before environments had projects of their own (`<name>`):
 * kept, with a warning, while the host still runs it from the environment's path and `project` is
 * not set. Undefined when `project` is set.
 */
export function legacyProject(manifest: Manifest, environment: string): string | undefined {
  return environmentOf(manifest, environment).project === undefined ? manifest.name : undefined;
}

/**
 * The tag that marks, on the host, the image a service of one Compose project rolls back to:
 * `rollback-<project>-<service>`, so that no other environment or stack can overwrite it.
 * ROLLBACK_TAG_SH is the same function for host scripts.
 */
export function rollbackTag(project: string, service: string): string {
  return `rollback-${project}-${service}`;
}
export const ROLLBACK_TAG_SH = `rollback_tag() { printf 'rollback-%s-%s' "$1" "$2"; }`;

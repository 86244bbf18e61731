import { StackDeployError } from '../errors';

export interface ImageRef {
  /** Registry host as written (`ghcr.io`, `127.0.0.1:5000`), `docker.io` when none is written. */
  readonly registry: string;
  /** Repository path inside the registry (`acme/api`, `library/postgres`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `host/repo:tag@sha256:…` the way the docker CLI does. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (repository === '' || (digest !== undefined && !/^sha256:[a-f0-9]{64}$/u.test(digest))) {
    throw new StackDeployError(`"${ref}" is not an image reference`, { hint: 'write it like ghcr.io/owner/name:tag' });
  }
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, tag, digest };
}

/** The registry's API base URL: plain HTTP only for loopback registries, as docker does. */
export function registryBaseUrl(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  const host = registry.replace(/:\d+$/u, '');
  const loopback = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/u.test(host) || host === '[::1]';
  return `${loopback ? 'http' : 'https'}://${registry}`;
}

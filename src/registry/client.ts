import { createHash } from 'node:crypto';
import { StackDeployError } from '../errors';
import type { RegistryCredentials } from '../engine/settings';
import { registryBaseUrl } from './image-ref';

export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
] as const;

export interface RegistryManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: string;
}

export interface RegistryClientOptions {
  readonly credentials?: RegistryCredentials;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** `Bearer realm="…",service="…",scope="…"` → scheme and parameters. */
export function parseChallenge(header: string): Challenge {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/gu)) {
    const [, key, value] = match;
    if (key !== undefined && value !== undefined) params[key.toLowerCase()] = value;
  }
  return { scheme, params };
}

/**
 * A read-only client of the registry HTTP API (distribution spec): manifests and tags, with
 * Basic and Bearer-token authentication. Credentials only ever travel in headers.
 */
export class RegistryClient {
  readonly registry: string;
  readonly #base: string;
  readonly #options: RegistryClientOptions;
  readonly #authorization = new Map<string, string>();

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.#base = registryBaseUrl(registry);
    this.#options = options;
  }

  /** The manifest a tag or digest names, or undefined when the registry has none. */
  async manifest(repository: string, reference: string): Promise<RegistryManifest | undefined> {
    const response = await this.#get(repository, `/v2/${repository}/manifests/${reference}`, { Accept: MANIFEST_MEDIA_TYPES.join(', ') });
    if (response.status === 404) return undefined;
    const body = await response.text();
    if (!response.ok) throw this.#failure(repository, `reading the manifest ${repository}:${reference}`, response.status, body);
    const digest = response.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const mediaType = response.headers.get('content-type') ?? '';
    return { digest, mediaType, body };
  }

  /** Every tag of a repository (empty when the repository does not exist yet). */
  async tags(repository: string): Promise<string[]> {
    const response = await this.#get(repository, `/v2/${repository}/tags/list?n=10000`, { Accept: 'application/json' });
    if (response.status === 404) return [];
    const body = await response.text();
    if (!response.ok) throw this.#failure(repository, `listing the tags of ${repository}`, response.status, body);
    const parsed = JSON.parse(body) as { tags?: string[] | null };
    return parsed.tags ?? [];
  }

  async #get(repository: string, path: string, headers: Record<string, string>): Promise<Response> {
    const fetchImpl = this.#options.fetch ?? fetch;
    const send = (authorization: string | undefined) =>
      fetchImpl(`${this.#base}${path}`, {
        headers: authorization === undefined ? headers : { ...headers, Authorization: authorization },
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
        redirect: 'follow',
      });
    let response = await this.#guard(repository, () => send(this.#authorization.get(repository)));
    if (response.status !== 401) return response;
    const challenge = parseChallenge(response.headers.get('www-authenticate') ?? '');
    const authorization = await this.#authorize(repository, challenge);
    if (authorization === undefined) return response;
    await response.body?.cancel();
    this.#authorization.set(repository, authorization);
    response = await this.#guard(repository, () => send(authorization));
    return response;
  }

  async #authorize(repository: string, challenge: Challenge): Promise<string | undefined> {
    const credentials = this.#options.credentials;
    const basic = credentials === undefined ? undefined : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    if (challenge.scheme === 'basic') return basic;
    if (challenge.scheme !== 'bearer' || challenge.params.realm === undefined) return undefined;
    const url = new URL(challenge.params.realm);
    if (challenge.params.service !== undefined) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? `repository:${repository}:pull`);
    const fetchImpl = this.#options.fetch ?? fetch;
    const response = await this.#guard(repository, () =>
      fetchImpl(url, { headers: basic === undefined ? {} : { Authorization: basic }, signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000) }),
    );
    const body = await response.text();
    if (!response.ok) throw this.#failure(repository, 'getting a registry token', response.status, body);
    const granted = JSON.parse(body) as { token?: string; access_token?: string };
    const token = granted.token ?? granted.access_token;
    return token === undefined ? undefined : `Bearer ${token}`;
  }

  async #guard(repository: string, request: () => Promise<Response>): Promise<Response> {
    try {
      return await request();
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      throw new StackDeployError(`the registry ${this.registry} could not be reached: ${reason}`, {
        step: 'registry',
        hint: `check that ${this.#base} is reachable from here (repository ${repository})`,
      });
    }
  }

  #failure(repository: string, what: string, status: number, body: string): StackDeployError {
    const denied = status === 401 || status === 403;
    return new StackDeployError(`the registry ${this.registry} answered ${status} while ${what}`, {
      step: 'registry',
      outputTail: body.slice(0, 500),
      hint: denied
        ? `check the registry credentials (github-token with packages permission for ghcr.io, or registry-username/registry-password) and their access to ${repository}`
        : undefined,
    });
  }
}

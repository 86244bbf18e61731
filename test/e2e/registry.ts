import type { Lab } from '../lab/lab';

const ACCEPT = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';

/** Reads the lab registry over its HTTP API, independently of the code under test. */
export class LabRegistry {
  readonly #base: string;
  readonly #auth: string;

  constructor(lab: Lab) {
    this.#base = `http://${lab.registry.host}`;
    this.#auth = `Basic ${Buffer.from(`${lab.registry.username}:${lab.registry.password}`).toString('base64')}`;
  }

  async #get(path: string, accept = ACCEPT): Promise<Response> {
    return fetch(`${this.#base}${path}`, { headers: { Authorization: this.#auth, Accept: accept }, signal: AbortSignal.timeout(10_000) });
  }

  /** The manifest digest a tag points to, or undefined when the tag does not exist. */
  async digest(repository: string, tag: string): Promise<string | undefined> {
    const response = await this.#get(`/v2/${repository}/manifests/${tag}`);
    await response.body?.cancel();
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`registry answered ${response.status} for ${repository}:${tag}`);
    return response.headers.get('docker-content-digest') ?? undefined;
  }

  async tags(repository: string): Promise<string[]> {
    const response = await this.#get(`/v2/${repository}/tags/list`, 'application/json');
    if (response.status === 404) return [];
    return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** The image config's labels for a tag. */
  async labels(repository: string, tag: string): Promise<Record<string, string>> {
    const manifest = (await (await this.#get(`/v2/${repository}/manifests/${tag}`)).json()) as { config: { digest: string } };
    const config = (await (await this.#get(`/v2/${repository}/blobs/${manifest.config.digest}`, '*/*')).json()) as { config?: { Labels?: Record<string, string> } };
    return config.config?.Labels ?? {};
  }
}

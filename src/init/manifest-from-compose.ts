import { posix } from 'node:path';
import { stringify } from 'yaml';
import { StackDeployError } from '../errors';
import type { ComposeModel, ComposeService } from './compose-model';

export interface InitEnvironment {
  readonly name: string;
  readonly host: string;
  readonly user: string;
  readonly path?: string;
}

export interface InitOptions {
  /** The compose file, relative to the directory of stack.yml (POSIX separators). */
  readonly composeFile: string;
  /** Used when the compose file has no valid `name:`: usually the directory's name. */
  readonly fallbackName: string;
  readonly environment: InitEnvironment;
  /** Whether a directory (relative to stack.yml's) holds a Dockerfile. */
  readonly hasDockerfile: (dir: string) => boolean;
}

export interface InitDraft {
  /** stack.yml's content as data, keys in the order they are written. */
  readonly manifest: Record<string, unknown>;
  /** One line per decision a person should know about. */
  readonly notes: readonly string[];
}

const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;

function stackName(model: ComposeModel, fallback: string): string {
  if (model.name !== undefined && SAFE_NAME.test(model.name)) return model.name;
  const cleaned = fallback.toLowerCase().replace(/[^a-z0-9_-]+/gu, '-').replace(/^[^a-z0-9]+/u, '');
  return cleaned === '' ? 'stack' : cleaned;
}

/** `repo:tag` / `repo@sha256:…` → `{ repo, pinned: true }`; `repo` → `{ repo, pinned: false }`. */
function splitImage(image: string): { repo: string; pinned: boolean } {
  const at = image.indexOf('@');
  const withoutDigest = at < 0 ? image : image.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const tagged = colon > withoutDigest.lastIndexOf('/');
  return { repo: tagged ? withoutDigest.slice(0, colon) : withoutDigest, pinned: at >= 0 || tagged };
}

/** A path relative to the compose file's directory, made relative to stack.yml's directory. */
function fromStackDir(composeDir: string, path: string, what: string): string {
  const joined = posix.normalize(posix.join(composeDir, path));
  if (posix.isAbsolute(path) || joined === '..' || joined.startsWith('../')) {
    throw new StackDeployError(`the ${what} "${path}" is outside the directory of stack.yml`, {
      hint: 'write stack.yml in a directory that holds the compose file and every build context (-f DIR/stack.yml)',
    });
  }
  return joined;
}

function healthOf(service: ComposeService): Record<string, unknown> | undefined {
  if (service.healthcheck !== undefined) return { cmd: [...service.healthcheck] };
  const port = service.publishedPorts[0];
  return port === undefined ? undefined : { http: `http://${port.host}:${port.port}/` };
}

/**
 * A stack.yml for a compose file: services Compose builds (`build:`), or whose untagged image has
 * a Dockerfile directory next to the compose file, become services stack-deploy builds, pins and
 * health-gates; services on a tagged image are left to Compose (listed only when they have a
 * healthcheck to gate on). Health comes from healthchecks, else from the first published port.
 */
export function manifestFromCompose(model: ComposeModel, options: InitOptions): InitDraft {
  const composeDir = posix.dirname(options.composeFile);
  const notes: string[] = [];
  const services: Record<string, Record<string, unknown>> = {};
  for (const service of model.services) {
    const image = service.image === undefined ? undefined : splitImage(service.image);
    const entry: Record<string, unknown> = {};
    if (service.build !== undefined) {
      const build: Record<string, unknown> = { context: fromStackDir(composeDir, service.build.context, `build context of "${service.name}"`) };
      if (service.build.dockerfile !== undefined) build.dockerfile = service.build.dockerfile;
      if (service.build.target !== undefined) build.target = service.build.target;
      if (Object.keys(service.build.args).length > 0) build.args = { ...service.build.args };
      if (service.build.network === 'host' || service.build.network === 'none') build.network = service.build.network;
      entry.build = build;
      if (image !== undefined) entry.image = image.repo;
    } else if (image !== undefined && !image.pinned && ['services', '.'].some((parent) => options.hasDockerfile(posix.join(composeDir, parent, service.name)))) {
      const context = ['services', '.'].map((parent) => posix.join(composeDir, parent, service.name)).find((dir) => options.hasDockerfile(dir)) ?? '';
      entry.build = { context };
      entry.image = image.repo;
      notes.push(`${service.name}: built from ${context}/Dockerfile (its compose image ${service.image ?? ''} has no tag)`);
    } else if (image !== undefined) {
      if (!image.pinned) notes.push(`${service.name}: ${service.image ?? ''} has no tag; pin one (image:tag) so every deploy runs the same image`);
      if (service.healthcheck === undefined) {
        notes.push(`${service.name}: left to Compose (${service.image ?? ''})`);
        continue;
      }
      notes.push(`${service.name}: left to Compose (${service.image ?? ''}); its healthcheck gates deploys`);
    } else {
      notes.push(`${service.name}: skipped: it has neither build nor image`);
      continue;
    }
    const health = healthOf(service);
    if (health !== undefined) entry.health = health;
    services[service.name] = entry;
  }
  const names = Object.keys(services);
  if (names.length === 0) {
    throw new StackDeployError(`${options.composeFile} has no service for stack-deploy to build or health-gate`, {
      hint: 'give the services you build a "build:" section in the compose file, then run init again',
    });
  }
  const name = stackName(model, options.fallbackName);
  const { environment } = options;
  return {
    manifest: {
      version: 1,
      name,
      services,
      environments: {
        [environment.name]: { host: environment.host, user: environment.user, path: environment.path ?? `/opt/${name}`, compose: [options.composeFile] },
      },
    },
    notes,
  };
}

/** stack.yml's text: the schema comment line (editor completion), then the manifest. */
export function manifestText(draft: InitDraft, schemaUrl: string): string {
  return `# yaml-language-server: $schema=${schemaUrl}\n${stringify(draft.manifest, { lineWidth: 0 })}`;
}

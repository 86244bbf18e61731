import { StackDeployError } from '../errors';

/** What `init` reads from one service of a compose file; everything else is Compose's business. */
export interface ComposeService {
  readonly name: string;
  readonly image?: string;
  readonly build?: {
    /** Relative to the compose file's directory, as written. */
    readonly context: string;
    readonly dockerfile?: string;
    readonly target?: string;
    readonly args: Readonly<Record<string, string>>;
    readonly network?: string;
  };
  /** `healthcheck.test` as an argv, or undefined when there is none (or it is disabled). */
  readonly healthcheck?: readonly string[];
  /** Published host ports with the host address they are bound to (`127.0.0.1` for all). */
  readonly publishedPorts: readonly { readonly host: string; readonly port: number }[];
}

export interface ComposeModel {
  /** The top-level `name:`, if any. */
  readonly name?: string;
  readonly services: readonly ComposeService[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** `build: dir` or `build: { context, dockerfile, target, args (map or KEY=VALUE list), network }`. */
function buildOf(value: unknown): ComposeService['build'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { context: value, args: {} };
  if (!isRecord(value)) return undefined;
  const args: Record<string, string> = {};
  if (Array.isArray(value.args)) {
    for (const item of value.args) {
      const pair = text(item);
      const at = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && at > 0) args[pair.slice(0, at)] = pair.slice(at + 1);
    }
  } else if (isRecord(value.args)) {
    for (const [key, arg] of Object.entries(value.args)) {
      const written = text(arg);
      if (written !== undefined) args[key] = written;
    }
  }
  return { context: text(value.context) ?? '.', dockerfile: text(value.dockerfile), target: text(value.target), args, network: text(value.network) };
}

/**
 * `healthcheck.test` as an argv: `[CMD, a, b]` → `[a, b]`; `[CMD-SHELL, s]` and a plain string
 * → `[sh, -c, s]`; `[NONE]` and `disable: true` → none.
 */
function healthcheckOf(value: unknown): string[] | undefined {
  if (!isRecord(value) || value.disable === true) return undefined;
  const test = value.test;
  if (typeof test === 'string') return test.trim() === '' ? undefined : ['sh', '-c', test];
  if (!Array.isArray(test)) return undefined;
  const [kind, ...rest] = test.map((word) => String(word));
  if (kind === 'CMD' && rest.length > 0) return rest;
  if (kind === 'CMD-SHELL' && rest.length > 0) return ['sh', '-c', rest.join(' ')];
  return undefined;
}

const ANY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);

/** The host side of `ports:` entries that publish one fixed port: `[IP:]HOST:CONTAINER[/proto]` or the long form. */
function publishedPortsOf(value: unknown): { host: string; port: number }[] {
  if (!Array.isArray(value)) return [];
  const found: { host: string; port: number }[] = [];
  for (const entry of value) {
    let address: string;
    let published: string | undefined;
    if (isRecord(entry)) {
      published = text(entry.published);
      address = text(entry.host_ip) ?? '';
    } else {
      const spec = (text(entry) ?? '').replace(/\/(tcp|udp)$/u, '');
      const colon = spec.lastIndexOf(':');
      if (colon < 0) continue;
      const hostSide = spec.slice(0, colon);
      const split = hostSide.lastIndexOf(':');
      published = split < 0 ? hostSide : hostSide.slice(split + 1);
      address = split < 0 ? '' : hostSide.slice(0, split);
    }
    if (published === undefined || !/^[0-9]+$/u.test(published)) continue;
    const host = ANY_ADDRESS.has(address) || address.includes(':') ? '127.0.0.1' : address;
    found.push({ host, port: Number(published) });
  }
  return found;
}

/** Reads the parts of a compose file (already parsed from YAML) that `init` needs. */
export function readComposeModel(data: unknown, file: string): ComposeModel {
  if (!isRecord(data) || !isRecord(data.services) || Object.keys(data.services).length === 0) {
    throw new StackDeployError(`${file} has no services`, { hint: 'pass the compose file of your stack with -c, e.g. -c compose.yml' });
  }
  const services = Object.entries(data.services).map(([name, value]): ComposeService => {
    const service = isRecord(value) ? value : {};
    return {
      name,
      image: text(service.image),
      build: buildOf(service.build),
      healthcheck: healthcheckOf(service.healthcheck),
      publishedPorts: publishedPortsOf(service.ports),
    };
  });
  return { name: text(data.name), services };
}

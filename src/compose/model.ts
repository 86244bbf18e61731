import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { interpolate } from './interpolate';

/** Where something is in a compose file (1-based). */
export interface ComposeLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A problem in the compose files, located in one of them. */
export interface ComposeIssue extends ComposeLocation {
  /** Key path in the compose file, e.g. `services.queue.image`. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

export interface ComposePort {
  /** Host address the port is published on (`127.0.0.1`), or undefined for every interface. */
  readonly hostIp?: string;
  /** Published host port (or range), undefined when Compose chooses one. */
  readonly published?: string;
  readonly target: string;
  /** `tcp` unless the entry says otherwise (`/udp`, `protocol: udp`). */
  readonly protocol: string;
  /** Swarm's publish mode of the long syntax (`host`, `ingress`); unset: ingress. */
  readonly mode?: string;
}

/** What stack-deploy needs to know of one compose service, after merging, profiles and `${VAR}`. */
export interface ComposeService {
  readonly name: string;
  readonly image?: string;
  /** The compose file builds it (`build:`). */
  readonly build: boolean;
  readonly dependsOn: readonly string[];
  /** A compose `healthcheck` with a test that is not disabled. */
  readonly healthcheck: boolean;
  readonly ports: readonly ComposePort[];
  readonly networkMode?: string;
  readonly containerName?: string;
  /** The named volumes it mounts (`dbdata:/var/lib/x`, `type: volume` with a source), not bind mounts nor anonymous volumes. */
  readonly namedVolumes: readonly string[];
  readonly profiles: readonly string[];
  /** `deploy.update_config` as written (the files merged key by key); Swarm only. */
  readonly updateConfig: Readonly<Record<string, unknown>>;
  /** `deploy.mode` (`replicated`, `global`, ...); Swarm only. */
  readonly deployMode?: string;
  /** Where the service is first defined. */
  readonly where: ComposeLocation;
}

export interface ComposeModel {
  /** The services Compose starts with the env file's `COMPOSE_PROFILES`, in file order. */
  readonly services: readonly ComposeService[];
  /** Every service defined, whatever its profiles. */
  readonly all: readonly ComposeService[];
  readonly issues: readonly ComposeIssue[];
}

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function ports(value: unknown): ComposePort[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown): ComposePort[] => {
    if (isRecord(entry)) {
      const target = text(entry.target);
      const published = text(entry.published);
      const hostIp = text(entry.host_ip);
      const mode = text(entry.mode);
      return target === undefined ? [] : [{ target, published: published === '' ? undefined : published, hostIp: hostIp === '' ? undefined : hostIp, protocol: text(entry.protocol) ?? 'tcp', ...(mode === undefined ? {} : { mode }) }];
    }
    const spec = text(entry);
    if (spec === undefined) return [];
    const [, withoutProtocol = spec, protocol = 'tcp'] = /^(.*?)(?:\/(tcp|udp|sctp))?$/su.exec(spec) ?? [];
    // [ip:][published:]target, where ip may be [v6].
    const match = /^(?:(\[[^\]]*\]|[^:]*):)??(?:([^:]*):)?([^:]+)$/u.exec(withoutProtocol);
    if (match === null) return [];
    const [, hostIp, published, target] = match;
    return [{ hostIp: hostIp === '' ? undefined : hostIp, published: published === '' ? undefined : published, target: target ?? '', protocol }];
  });
}

interface Mount {
  /** Where it is mounted in the container: Compose merges the `volumes` of several files by it. */
  readonly target: string;
  /** The named volume, when it is one (not a bind mount, an anonymous volume or a tmpfs). */
  readonly volume?: string;
}

/** A short-syntax source that is a path on the host (a bind mount), not a volume name. */
function isHostPath(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
}

function mounts(value: unknown): Mount[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown): Mount[] => {
    if (isRecord(entry)) {
      const target = text(entry.target);
      const source = text(entry.source);
      if (target === undefined) return [];
      const named = (entry.type === undefined || entry.type === 'volume') && source !== undefined && source !== '' && !isHostPath(source);
      return [named ? { target, volume: source } : { target }];
    }
    const spec = text(entry);
    if (spec === undefined) return [];
    // source:target[:mode], or target alone (an anonymous volume).
    const [source = '', target] = spec.split(':');
    if (target === undefined) return [{ target: spec }];
    return [source === '' || isHostPath(source) ? { target } : { target, volume: source }];
  });
}

function mergeMounts(previous: readonly Mount[], next: readonly Mount[]): Mount[] {
  const byTarget = new Map(previous.map((mount) => [mount.target, mount]));
  for (const mount of next) byTarget.set(mount.target, mount);
  return [...byTarget.values()];
}

function dependsOn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((entry: unknown) => (typeof entry === 'string' ? [entry] : []));
  return isRecord(value) ? Object.keys(value) : [];
}

function hasHealthcheck(value: unknown): boolean {
  if (!isRecord(value) || value.disable === true) return false;
  const test = value.test;
  if (Array.isArray(test)) return test[0] !== 'NONE' && test.length > 0;
  return typeof test === 'string' && test !== '';
}

/** Interpolates every string value (not keys) of `value`, collecting required variables that are missing. */
function interpolateTree(value: unknown, variables: ReadonlyMap<string, string>, strict: boolean, path: (string | number)[], missing: { path: (string | number)[]; message: string }[]): unknown {
  if (typeof value === 'string') {
    const result = interpolate(value, variables, strict);
    for (const m of result.missing) missing.push({ path, message: m.message });
    return result.value;
  }
  if (Array.isArray(value)) return value.map((entry: unknown, i) => interpolateTree(entry, variables, strict, [...path, i], missing));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, interpolateTree(entry, variables, strict, [...path, key], missing)]));
  return value;
}

interface Merged {
  image?: string;
  build: boolean;
  dependsOn: string[];
  healthcheck: boolean;
  ports: ComposePort[];
  networkMode?: string;
  containerName?: string;
  mounts: Mount[];
  profiles: string[];
  updateConfig: Record<string, unknown>;
  deployMode?: string;
  where: ComposeLocation;
}

export interface ReadComposeOptions {
  /** Directory the compose file names are relative to (the directory of stack.yml). */
  readonly dir: string;
  readonly files: readonly string[];
  /** The env file's variables; undefined when they are not known (then `${VAR:?}` is not checked). */
  readonly variables?: ReadonlyMap<string, string>;
}

/**
 * Reads compose files the way Compose does for what stack-deploy needs: several files merged in
 * order, `${VAR}` from the env file, services filtered by `COMPOSE_PROFILES`.
 */
export async function readComposeFiles(options: ReadComposeOptions): Promise<ComposeModel> {
  const issues: ComposeIssue[] = [];
  const merged = new Map<string, Merged>();
  const variables = options.variables ?? new Map<string, string>();
  const strict = options.variables !== undefined;
  for (const file of options.files) {
    let source: string;
    try {
      source = await readFile(join(options.dir, file), 'utf8');
    } catch {
      issues.push({ file, line: 1, column: 1, path: '', message: `the compose file ${file} cannot be read`, hint: `compose files are named relative to the directory of stack.yml (${options.dir})` });
      continue;
    }
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter, uniqueKeys: false });
    const at = (offset: number | undefined) => {
      const { line, col } = lineCounter.linePos(offset ?? 0);
      return { file, line, column: col };
    };
    const nodeAt = (path: (string | number)[]) => {
      const node: unknown = document.getIn(path, true);
      const range = isMap(node) || isSeq(node) ? node.range : (node as { range?: [number, number, number] } | undefined)?.range;
      return at(range?.[0]);
    };
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const first = (error?.message.split('\n')[0] ?? 'invalid YAML').replace(/ at line \d+, column \d+:?$/u, '').replace(/\.$/u, '');
      const reason = `${first.charAt(0).toLowerCase()}${first.slice(1)}`;
      issues.push({ ...at(error?.pos[0]), path: '', message: `the compose file does not parse: ${reason}` });
      continue;
    }
    const missing: { path: (string | number)[]; message: string }[] = [];
    const data = interpolateTree(document.toJS(), variables, strict, [], missing);
    for (const m of missing) {
      issues.push({ ...nodeAt(m.path), path: m.path.join('.'), message: m.message, hint: 'set it in the environment\'s env (the action\'s `env` input, or --env-file)' });
    }
    if (!isRecord(data) || !isRecord(data.services)) {
      issues.push({ ...at(0), path: 'services', message: 'the compose file has no "services" mapping' });
      continue;
    }
    for (const [name, raw] of Object.entries(data.services)) {
      if (!isRecord(raw)) continue;
      const previous = merged.get(name);
      const node: unknown = document.getIn(['services', name], true);
      const servicesNode: unknown = document.get('services', true);
      const keyNode = isMap(servicesNode) ? servicesNode.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === name)?.key : undefined;
      const where = at((keyNode as { range?: [number] } | undefined)?.range?.[0] ?? (node as { range?: [number] } | undefined)?.range?.[0]);
      merged.set(name, {
        image: text(raw.image) ?? previous?.image,
        build: raw.build !== undefined || (previous?.build ?? false),
        dependsOn: [...new Set([...(previous?.dependsOn ?? []), ...dependsOn(raw.depends_on)])],
        healthcheck: raw.healthcheck !== undefined ? hasHealthcheck(raw.healthcheck) : (previous?.healthcheck ?? false),
        ports: [...(previous?.ports ?? []), ...ports(raw.ports)],
        networkMode: text(raw.network_mode) ?? previous?.networkMode,
        containerName: text(raw.container_name) ?? previous?.containerName,
        mounts: mergeMounts(previous?.mounts ?? [], mounts(raw.volumes)),
        profiles: Array.isArray(raw.profiles) ? raw.profiles.filter((p): p is string => typeof p === 'string') : (previous?.profiles ?? []),
        updateConfig: { ...previous?.updateConfig, ...(isRecord(raw.deploy) && isRecord(raw.deploy.update_config) ? raw.deploy.update_config : {}) },
        deployMode: (isRecord(raw.deploy) ? text(raw.deploy.mode) : undefined) ?? previous?.deployMode,
        where: previous?.where ?? where,
      });
    }
  }
  const enabled = new Set((variables.get('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim()).filter((p) => p !== ''));
  const all = [...merged].map(([name, { mounts: used, ...service }]): ComposeService => ({
    name,
    ...service,
    namedVolumes: [...new Set(used.flatMap((mount) => (mount.volume === undefined ? [] : [mount.volume])))],
  }));
  const services = all.filter((service) => service.profiles.length === 0 || enabled.has('*') || service.profiles.some((p) => enabled.has(p)));
  return { services, all, issues };
}

/** The service and, recursively, what it depends on (in the model), without duplicates. */
export function dependencyClosure(model: Pick<ComposeModel, 'all'>, names: readonly string[]): string[] {
  const found: string[] = [];
  const visit = (name: string) => {
    if (found.includes(name)) return;
    found.push(name);
    for (const dependency of model.all.find((service) => service.name === name)?.dependsOn ?? []) visit(dependency);
  };
  for (const name of names) visit(name);
  return found;
}

import { composeProject, legacyProject, type Manifest } from '../manifest';
import { StackDeployError } from '../errors';

/** One SSH host of an environment, with what it runs. */
export interface HostTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The environment's services this host runs; undefined: all of them. */
  readonly services?: readonly string[];
}

export interface ResolvedEnvironment {
  readonly name: string;
  readonly config: Manifest['environments'][string];
  /** Its hosts, in stack.yml's order: `host` alone, or each of `hosts`. */
  readonly hosts: readonly HostTarget[];
}

/** `user@host:port`, how a host is named in reports. */
export function hostLabel(target: Pick<HostTarget, 'host' | 'port' | 'user'>): string {
  return `${target.user}@${target.host}:${target.port}`;
}

/** `error` with the host's label before its message (once): which host failed, in a run over several. */
export function onHostError(label: string, error: unknown): unknown {
  if (!(error instanceof Error) || error.message.startsWith(`${label}: `)) return error;
  if (error instanceof StackDeployError) return new StackDeployError(`${label}: ${error.message}`, { ...error.context, host: label });
  return new Error(`${label}: ${error.message}`, { cause: error });
}

/** The hosts of an environment's settings (schema-checked: every host has a user). */
export function hostsOf(config: Manifest['environments'][string]): HostTarget[] {
  if (config.hosts === undefined) return [{ host: config.host ?? '', port: config.port, user: config.user ?? '' }];
  return config.hosts.map((h) => ({ host: h.host, port: h.port ?? config.port, user: h.user ?? config.user ?? '', services: h.services }));
}

/** The environment as seen on one of its hosts: `config.host`, `port` and `user` are that host's. */
export function onHost(environment: ResolvedEnvironment, target: HostTarget): ResolvedEnvironment {
  return { name: environment.name, config: { ...environment.config, host: target.host, port: target.port, user: target.user }, hosts: [target] };
}

/** Whether `target` runs `service`. */
export function runsService(target: HostTarget, service: string): boolean {
  return target.services === undefined || target.services.includes(service);
}

/** The environment's one host; an error for commands that work on one host only when it has several. */
export function onlyHost(environment: ResolvedEnvironment): HostTarget {
  const [first, ...rest] = environment.hosts;
  if (first === undefined || rest.length > 0) {
    throw new StackDeployError(`environment ${environment.name} has ${environment.hosts.length} hosts; this command works on one`, {
      hint: `hosts: ${environment.hosts.map(hostLabel).join(', ')}`,
    });
  }
  return first;
}

/** The environment a run targets: the one named, or the only one the manifest has. */
export function resolveEnvironment(manifest: Manifest, requested: string | undefined): ResolvedEnvironment {
  const names = Object.keys(manifest.environments);
  if (requested === undefined || requested === '') {
    const only = names.length === 1 ? names[0] : undefined;
    if (only !== undefined) {
      const config = manifest.environments[only];
      if (config !== undefined) return { name: only, config, hosts: hostsOf(config) };
    }
    throw new StackDeployError(`stack.yml has ${names.length} environments; say which one to use`, {
      hint: `set the input "environment" (or -e on the command line) to one of: ${names.join(', ')}`,
    });
  }
  const config = manifest.environments[requested];
  if (config === undefined) {
    throw new StackDeployError(`environment "${requested}" is not in stack.yml`, {
      hint: `use one of: ${names.join(', ')}`,
    });
  }
  return { name: requested, config, hosts: hostsOf(config) };
}

/** The environment's Compose project, and the project it may still run as from before (see legacyProject). */
export function projectCandidates(manifest: Manifest, environment: string): { name: string; legacy?: string } {
  return { name: composeProject(manifest, environment), legacy: legacyProject(manifest, environment) };
}

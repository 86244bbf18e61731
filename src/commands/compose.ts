import { StackDeployError } from '../errors';
import { command, type Command } from './command';
import { requireArgument } from './docker';

/**
 * Docker Compose argv builders, for Compose v2 (`docker compose`) and v1 (`docker-compose`).
 * Pure: each returns a Command and runs nothing.
 *
 * Every command names its project and files explicitly (`--project-name P --file a --file b
 * [--env-file E]`), so it never depends on the working directory's defaults. Project and
 * service names must match `^[a-z0-9][a-z0-9_-]*$`: hostile names are refused here as well as
 * in the manifest schema.
 */

export type ComposeFlavor = 'v2' | 'v1';

export interface ComposeProject {
  readonly flavor: ComposeFlavor;
  readonly project: string;
  /** At least one Compose file. */
  readonly files: readonly string[];
  readonly envFile?: string;
}

const COMPOSE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;
const DEFAULT_LOG_TAIL = 50;

function composeBase(flavor: ComposeFlavor): string[] {
  return flavor === 'v2' ? ['docker', 'compose'] : ['docker-compose'];
}

function requireComposeName(name: string, what: 'project' | 'service'): string {
  if (!COMPOSE_NAME.test(name)) {
    throw new StackDeployError(`${what} name "${name}" is not allowed`, {
      ...(what === 'service' ? { service: name } : {}),
      hint: `a ${what} name must start with a lower-case letter or digit and contain only a-z, 0-9, "_" and "-"`,
    });
  }
  return name;
}

function requireServices(services: readonly string[], subcommand: string): string[] {
  if (services.length === 0) {
    throw new StackDeployError(`compose ${subcommand} needs at least one service`, {
      hint: 'name the services explicitly: an empty list would act on every service of the project',
    });
  }
  return services.map((service) => requireComposeName(service, 'service'));
}

/** `docker compose --project-name P --file a --file b [--env-file E]`. */
function projectArgv(target: ComposeProject): string[] {
  const argv = [...composeBase(target.flavor), '--project-name', requireComposeName(target.project, 'project')];
  if (target.files.length === 0) {
    throw new StackDeployError(`compose project "${target.project}" has no compose file`, {
      hint: 'pass at least one compose file',
    });
  }
  for (const file of target.files) argv.push('--file', requireArgument(file, 'compose file'));
  if (target.envFile !== undefined) argv.push('--env-file', requireArgument(target.envFile, 'env file'));
  return argv;
}

export function composeVersion(flavor: ComposeFlavor): Command {
  return command([...composeBase(flavor), 'version', '--short']);
}

export interface ComposeLogsOptions extends ComposeProject {
  /** At least one: an empty list would print every service of the project. */
  readonly services: readonly string[];
  /** Lines from the end of each service's log, or `all`; default 50. */
  readonly tail?: number | 'all';
  /** Only lines since a time: a duration such as `10m` or a timestamp, as Compose reads it. v2 only. */
  readonly since?: string;
  /** Keep printing new lines until interrupted. */
  readonly follow?: boolean;
}

/** `... logs --no-color --tail N [--since S] [--follow] SERVICE...`. */
export function composeLogs(opts: ComposeLogsOptions): Command {
  const services = requireServices(opts.services, 'logs');
  const tail = opts.tail === 'all' ? 'all' : String(requireWholeNumber(opts.tail ?? DEFAULT_LOG_TAIL, 'log tail'));
  const argv = [...projectArgv(opts), 'logs', '--no-color', '--tail', tail];
  if (opts.since !== undefined) {
    if (opts.flavor === 'v1') {
      throw new StackDeployError('docker-compose v1 cannot select log lines by time', {
        hint: 'leave out --since (the last lines are shown), or install the Compose v2 plugin ("docker compose") on the host',
      });
    }
    argv.push('--since', requireArgument(opts.since, 'log start time'));
  }
  if (opts.follow === true) argv.push('--follow');
  argv.push(...services);
  return command(argv);
}

export interface ComposeExecOptions extends ComposeProject {
  readonly service: string;
  /** The command to run in the service's running container; at least the program. */
  readonly argv: readonly string[];
  /** Give the command a terminal (the caller's standard input is one); otherwise `-T`. */
  readonly tty: boolean;
}

/** `... exec [-T] SERVICE CMD...`: runs a command in the service's running container. */
export function composeExec(opts: ComposeExecOptions): Command {
  const service = requireComposeName(opts.service, 'service');
  if (opts.argv.length === 0 || opts.argv[0] === '') {
    throw new StackDeployError(`no command to run in service "${service}"`, {
      service,
      hint: 'write the command after "--", e.g. stack-deploy exec -e production api -- sh',
    });
  }
  return command([...projectArgv(opts), 'exec', ...(opts.tty ? [] : ['-T']), service, ...opts.argv]);
}

function requireWholeNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new StackDeployError(`${what} ${value} is not a whole number of zero or more`, {
      hint: `set ${what} to a whole number such as 10`,
    });
  }
  return value;
}

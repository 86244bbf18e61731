import { parseArgs } from 'node:util';
import { StackDeployError } from '../errors';
import { CLI_ONLY_COMMANDS, COMMANDS, type CommandName } from '../engine/settings';

export interface CliOptions {
  readonly command: CommandName | 'schema' | 'help';
  /** Undefined when not given: the default is applied with the other settings. */
  readonly manifest?: string;
  readonly environment?: string;
  readonly services?: string;
  readonly version?: string;
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly envFile?: string;
  readonly ref?: string;
  readonly lockTimeout?: string;
  /** build, deploy: where builds keep their cache (gha, registry, local, off). */
  readonly buildCache?: string;
  readonly json: boolean;
  /** deploy: build first (default); --no-build deploys images already in the registry. */
  readonly build: boolean;
  readonly help: boolean;
  readonly showToolVersion: boolean;
  /** logs: the services named after the command (with --services). */
  readonly serviceArgs: readonly string[];
  /** logs: keep printing new lines. */
  readonly follow: boolean;
  /** check: run the production audit too. */
  readonly audit: boolean;
  /** logs: only lines since this duration or time. */
  readonly since?: string;
  /** exec: the service, and the command after `--`. */
  readonly exec?: { readonly service: string; readonly argv: readonly string[] };
  /** init: the compose file to read and the environment's connection. */
  readonly init?: { readonly composeFile: string; readonly host?: string; readonly user?: string; readonly path?: string; readonly force: boolean };
}

const OPTIONS = {
  manifest: { type: 'string', short: 'f' },
  environment: { type: 'string', short: 'e' },
  services: { type: 'string' },
  version: { type: 'string' },
  identity: { type: 'string', short: 'i' },
  'known-hosts': { type: 'string' },
  'env-file': { type: 'string' },
  ref: { type: 'string' },
  'lock-timeout': { type: 'string' },
  'build-cache': { type: 'string' },
  json: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  follow: { type: 'boolean' },
  since: { type: 'string' },
  compose: { type: 'string', short: 'c' },
  host: { type: 'string' },
  user: { type: 'string' },
  path: { type: 'string' },
  force: { type: 'boolean' },
  audit: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'tool-version': { type: 'boolean', short: 'V' },
} as const;

const EXTRA_COMMANDS = ['schema', 'help'] as const;

/** argv before the first `--`, and the words after it (exec's command, passed on untouched). */
function splitAtDoubleDash(argv: readonly string[]): { head: string[]; rest?: string[] } {
  const at = argv.indexOf('--');
  return at < 0 ? { head: [...argv] } : { head: argv.slice(0, at), rest: argv.slice(at + 1) };
}

function initRequest(values: { compose?: string; host?: string; user?: string; path?: string; force?: boolean }): CliOptions['init'] {
  if (values.compose === undefined) {
    throw new StackDeployError('init needs the compose file to read', { hint: 'run: stack-deploy init -c compose.yml [--host HOST --user USER --path PATH]' });
  }
  return { composeFile: values.compose, host: values.host, user: values.user, path: values.path, force: values.force === true };
}

function execRequest(words: readonly string[], rest: readonly string[] | undefined): CliOptions['exec'] {
  const [service, ...inline] = words;
  if (service === undefined) {
    throw new StackDeployError('exec needs a service and a command', { hint: 'write it as: stack-deploy exec -e ENVIRONMENT SERVICE -- COMMAND...' });
  }
  const argv = rest ?? inline;
  if (rest !== undefined && inline.length > 0) {
    throw new StackDeployError(`unexpected argument "${inline[0]}" before "--"`, { hint: 'write it as: stack-deploy exec -e ENVIRONMENT SERVICE -- COMMAND...' });
  }
  if (argv.length === 0) {
    throw new StackDeployError(`exec needs a command to run in "${service}"`, { hint: `write it after "--", e.g. stack-deploy exec -e production ${service} -- sh` });
  }
  return { service, argv };
}

/** Parses `stack-deploy <command> [flags]`; throws StackDeployError for a usage error. */
export function parseCli(argv: readonly string[]): CliOptions {
  const { head, rest: afterDoubleDash } = splitAtDoubleDash(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: head, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new StackDeployError(error instanceof Error ? error.message.replace(/\. To specify.*$/su, '') : String(error), {
      hint: 'run "stack-deploy --help" for the flags',
    });
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  const known: readonly string[] = [...COMMANDS, ...CLI_ONLY_COMMANDS, ...EXTRA_COMMANDS];
  if (first !== undefined && !known.includes(first)) {
    throw new StackDeployError(`"${first}" is not a command`, { hint: `use one of: ${known.join(', ')}` });
  }
  const takesWords = first === 'logs' || first === 'exec';
  const stray = takesWords ? (first === 'logs' ? afterDoubleDash?.[0] : undefined) : (rest[0] ?? afterDoubleDash?.[0]);
  if (stray !== undefined) {
    throw new StackDeployError(`unexpected argument "${stray}"`, { hint: 'run "stack-deploy --help" for usage' });
  }
  const help = values.help === true;
  return {
    command: (first ?? 'help') as CliOptions['command'],
    manifest: values.manifest,
    environment: values.environment,
    services: values.services,
    version: values.version,
    identity: values.identity,
    knownHosts: values['known-hosts'],
    envFile: values['env-file'],
    ref: values.ref,
    lockTimeout: values['lock-timeout'],
    buildCache: values['build-cache'],
    json: values.json === true,
    build: values['no-build'] !== true,
    help,
    showToolVersion: values['tool-version'] === true,
    serviceArgs: first === 'logs' ? rest : [],
    follow: values.follow === true,
    audit: values.audit === true,
    since: values.since,
    exec: first === 'exec' && !help ? execRequest(rest, afterDoubleDash) : undefined,
    init: first === 'init' && !help ? initRequest(values) : undefined,
  };
}

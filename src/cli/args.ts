import { parseArgs } from 'node:util';
import { StackDeployError } from '../errors';
import { COMMANDS, type CommandName } from '../engine/settings';

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
  readonly json: boolean;
  /** deploy: build first (default); --no-build deploys images already in the registry. */
  readonly build: boolean;
  readonly help: boolean;
  readonly showToolVersion: boolean;
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
  json: { type: 'boolean' },
  'no-build': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'tool-version': { type: 'boolean', short: 'V' },
} as const;

const EXTRA_COMMANDS = ['schema', 'help'] as const;

/** Parses `stack-deploy <command> [flags]`; throws StackDeployError for a usage error. */
export function parseCli(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new StackDeployError(error instanceof Error ? error.message.replace(/\. To specify.*$/su, '') : String(error), {
      hint: 'run "stack-deploy --help" for the flags',
    });
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  if (rest.length > 0) {
    throw new StackDeployError(`unexpected argument "${rest[0]}"`, { hint: 'run "stack-deploy --help" for usage' });
  }
  const known: readonly string[] = [...COMMANDS, ...EXTRA_COMMANDS];
  if (first !== undefined && !known.includes(first)) {
    throw new StackDeployError(`"${first}" is not a command`, { hint: `use one of: ${known.join(', ')}` });
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
    json: values.json === true,
    build: values['no-build'] !== true,
    help,
    showToolVersion: values['tool-version'] === true,
  };
}

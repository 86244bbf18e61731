import { StackDeployError } from '../errors';
import { parseDuration } from '../manifest/duration';

/** Everything a run needs, read once from action inputs or CLI flags. `''` never means "set". */
export const COMMANDS = ['validate', 'check', 'build', 'deploy', 'rollback', 'status', 'plan', 'unlock', 'logs'] as const;
/** Commands of the command line only: they attach a terminal, or write files in the checkout. */
export const CLI_ONLY_COMMANDS = ['exec', 'init'] as const;
export type CommandName = (typeof COMMANDS)[number] | (typeof CLI_ONLY_COMMANDS)[number];

/**
 * Where builds keep their cache between runs: buildx's GitHub Actions cache, a `:buildcache` tag
 * in the registry, a directory (or the last image) on this machine, or nowhere.
 */
export const BUILD_CACHE_MODES = ['gha', 'registry', 'local', 'off'] as const;
export type BuildCacheMode = (typeof BUILD_CACHE_MODES)[number];

/** `logs`: how much to print. */
export interface LogsSettings {
  /** Keep printing new lines until interrupted (command line only). */
  readonly follow: boolean;
  /** Only lines since this duration (`10m`) or time; otherwise the last lines of each service. */
  readonly since?: string;
}

/** `init`: the compose file to read, and the one environment to write. */
export interface InitSettings {
  readonly composeFile: string;
  readonly host?: string;
  readonly user?: string;
  readonly path?: string;
  /** Replace an existing manifest file. */
  readonly force: boolean;
}

/** `exec`: the service and the command to run in its running container. */
export interface ExecSettings {
  readonly service: string;
  readonly argv: readonly string[];
}

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface RunSettings {
  readonly command: CommandName;
  /** Path of stack.yml as the user wrote it (relative to the working directory, or absolute). */
  readonly manifest: string;
  readonly environment?: string;
  /** The `services` input, split; empty means "not set". */
  readonly services: readonly string[];
  readonly version?: string;
  /** The Git ref being released (refs/tags/…, refs/heads/…, a SHA). */
  readonly ref?: string;
  readonly sha?: string;
  readonly repositoryOwner?: string;
  /** `https://github.com/owner/repo`, for the image source label. */
  readonly repositoryUrl?: string;
  /** Who started the run (GITHUB_ACTOR, or the local user). */
  readonly actor?: string;
  /** The workflow run's page, recorded with the lock and in the ledger. */
  readonly runUrl?: string;
  /** `registry-username`/`registry-password`: used for every registry. */
  readonly registryCredentials?: RegistryCredentials;
  /** `github-token`: used for ghcr.io only, as the actor. */
  readonly githubToken?: string;
  readonly sshPrivateKey?: string;
  readonly sshKnownHosts?: string;
  /** dotenv text written to the host as the stack's env file. */
  readonly envFile?: string;
  readonly lockTimeoutMs: number;
  /** Where builds keep their cache between runs (each mode is off, with a reason, where it cannot work). */
  readonly buildCache: BuildCacheMode;
  /** Build images before deploying; false deploys images already in the registry (promotion). */
  readonly build: boolean;
  /** check: run the production audit too. */
  readonly audit?: boolean;
  readonly logs?: LogsSettings;
  readonly exec?: ExecSettings;
  readonly init?: InitSettings;
}

/** The GitHub context of a run: from the runner's environment (action) or Git and flags (CLI). */
export interface GithubContext {
  readonly ref?: string;
  readonly sha?: string;
  readonly repositoryOwner?: string;
  readonly repositoryUrl?: string;
  readonly runUrl?: string;
  readonly actor?: string;
}

/**
 * The run's settings as the action or the CLI read them, before defaults: a value that is
 * undefined or blank is "not set". Both build their RunSettings through `resolveSettings`.
 */
export interface SettingsInput extends GithubContext {
  readonly command: CommandName;
  readonly manifest?: string;
  readonly environment?: string;
  /** `a, b`, one per line, or a JSON array. */
  readonly services?: string;
  readonly version?: string;
  readonly registryCredentials?: RegistryCredentials;
  readonly githubToken?: string;
  readonly sshPrivateKey?: string;
  readonly sshKnownHosts?: string;
  readonly envFile?: string;
  /** A duration such as `90s` or `10m`. */
  readonly lockTimeout?: string;
  /** A mode, or `true` (the default mode) or `false` (`off`), as the boolean input was. */
  readonly buildCache?: string;
  readonly build?: boolean;
  readonly audit?: boolean;
  readonly logs?: LogsSettings;
  readonly exec?: ExecSettings;
  readonly init?: InitSettings;
}

/** The default of every setting that has one, for the action and the CLI alike. */
export const SETTING_DEFAULTS = {
  manifest: 'stack.yml',
  lockTimeout: '10m',
  buildCache: 'gha',
  build: true,
  audit: false,
} as const;

/** How each adapter names its inputs in error messages (`the input "lock-timeout"`, `--lock-timeout`). */
export interface InputNames {
  readonly lockTimeout: string;
  readonly buildCache: string;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/**
 * An SSH private key as ssh2 reads it: Windows line ends made Unix, trailing blank lines and
 * spaces dropped, and one final newline (keys pasted into secrets often lose theirs).
 */
export function normalizePrivateKey(key: string): string {
  return `${key.replace(/\r\n/gu, '\n').trim()}\n`;
}

/**
 * Applies the defaults: the one place that decides what an unset input means. Throws
 * StackDeployError naming the input for a value that cannot be read.
 */
export function resolveSettings(input: SettingsInput, names: InputNames): RunSettings {
  const lockTimeoutText = isSet(input.lockTimeout) ? input.lockTimeout.trim() : SETTING_DEFAULTS.lockTimeout;
  const lockTimeoutMs = parseDuration(lockTimeoutText);
  if (lockTimeoutMs === undefined) {
    throw new StackDeployError(`${names.lockTimeout} is "${lockTimeoutText}", which is not a duration`, {
      hint: 'write it like "90s", "10m" or "1h"',
    });
  }
  const optional = (value: string | undefined): string | undefined => (isSet(value) ? value.trim() : undefined);
  return {
    command: input.command,
    manifest: optional(input.manifest) ?? SETTING_DEFAULTS.manifest,
    environment: optional(input.environment),
    services: splitList(input.services ?? ''),
    version: optional(input.version),
    ref: optional(input.ref),
    sha: optional(input.sha),
    repositoryOwner: optional(input.repositoryOwner),
    repositoryUrl: optional(input.repositoryUrl),
    runUrl: optional(input.runUrl),
    actor: optional(input.actor),
    registryCredentials: input.registryCredentials,
    githubToken: optional(input.githubToken),
    sshPrivateKey: isSet(input.sshPrivateKey) ? normalizePrivateKey(input.sshPrivateKey) : undefined,
    sshKnownHosts: optional(input.sshKnownHosts),
    envFile: isSet(input.envFile) ? input.envFile : undefined,
    lockTimeoutMs,
    buildCache: parseBuildCache(input.buildCache, names.buildCache),
    build: input.build ?? SETTING_DEFAULTS.build,
    audit: input.audit ?? SETTING_DEFAULTS.audit,
    logs: input.logs,
    exec: input.exec,
    init: input.init,
  };
}

/** A build cache mode; `true` is the default mode and `false` is `off`, as the boolean input was. */
function parseBuildCache(value: string | undefined, name: string): BuildCacheMode {
  const text = isSet(value) ? value.trim().toLowerCase() : 'true';
  if (text === 'true') return SETTING_DEFAULTS.buildCache;
  if (text === 'false') return 'off';
  if ((BUILD_CACHE_MODES as readonly string[]).includes(text)) return text as BuildCacheMode;
  throw new StackDeployError(`${name} is "${value ?? ''}", which is not a build cache mode`, {
    hint: `use one of: ${BUILD_CACHE_MODES.join(', ')} (true is ${SETTING_DEFAULTS.buildCache}, false is off)`,
  });
}

/** `a, b`, one per line, or a JSON array (another step's `services` output) → ['a', 'b']. */
export function splitList(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed.map((item) => item.trim()).filter((item) => item !== '');
    } catch {
      // Not JSON: split it as text below.
    }
  }
  return trimmed
    .split(/[\s,]+/u)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const GITHUB_CONTAINER_REGISTRY = 'ghcr.io';

/** The credentials to log in to `registry` with, or undefined to use whatever login exists. */
export function credentialsFor(registry: string, settings: RunSettings): RegistryCredentials | undefined {
  if (settings.registryCredentials !== undefined) return settings.registryCredentials;
  if (registry === GITHUB_CONTAINER_REGISTRY && settings.githubToken !== undefined && settings.actor !== undefined) {
    return { username: settings.actor, password: settings.githubToken };
  }
  return undefined;
}

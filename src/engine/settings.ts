/** Everything a run needs, read once from action inputs or CLI flags. `''` never means "set". */
export const COMMANDS = ['validate', 'check', 'build', 'deploy', 'rollback', 'status', 'plan', 'unlock', 'logs'] as const;
/** Commands of the command line only: they attach a terminal, or write files in the checkout. */
export const CLI_ONLY_COMMANDS = ['exec', 'init'] as const;
export type CommandName = (typeof COMMANDS)[number] | (typeof CLI_ONLY_COMMANDS)[number];

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
  /** Use the GitHub Actions build cache where it can work. */
  readonly buildCache: boolean;
  /** Build images before deploying; false deploys images already in the registry (promotion). */
  readonly build: boolean;
  /** check: run the production audit too. */
  readonly audit?: boolean;
  readonly logs?: LogsSettings;
  readonly exec?: ExecSettings;
  readonly init?: InitSettings;
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

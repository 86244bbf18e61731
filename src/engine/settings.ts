/** Everything a run needs, read once from action inputs or CLI flags. `''` never means "set". */
export const COMMANDS = ['validate', 'check', 'build', 'deploy', 'rollback', 'status', 'plan', 'unlock'] as const;
export type CommandName = (typeof COMMANDS)[number];

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
  readonly registryCredentials?: RegistryCredentials;
  readonly sshPrivateKey?: string;
  readonly sshKnownHosts?: string;
  /** dotenv text written to the host as the stack's env file. */
  readonly envFile?: string;
  readonly lockTimeoutMs: number;
}

/** `a, b` or one per line → ['a', 'b']. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/u)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

import type { Command } from '../commands/command';

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Directory to run in; the command does not run at all when it does not exist. */
  readonly cwd?: string;
  /** Kill the command (and fail) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Return a non-zero exit instead of throwing. */
  readonly allowFailure?: boolean;
  /** Extra environment for local processes (not secret-safe over SSH: use stdin there). */
  readonly env?: Readonly<Record<string, string>>;
  /** Streams output as it arrives (already redacted). */
  readonly onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Receives stdout as raw bytes (for binary output such as `docker save`). Stdout is then
   * neither decoded, redacted nor kept: the result's `stdout` is empty.
   */
  readonly onStdoutBytes?: (chunk: Buffer) => void;
  /** The stack service this command is about, for error reports. */
  readonly service?: string;
  /** The deploy step this command belongs to, for error reports. */
  readonly step?: string;
}

/**
 * Runs commands somewhere: on this machine or on one SSH host. Implementations quote argv
 * with `toShellString` only, redact secrets in everything they report, and throw
 * `StackDeployError` (with host, redacted command, exit code and output tail) on failure.
 */
export interface Executor {
  /** "local", or "user@host:port" for SSH. */
  readonly host: string;
  run(cmd: Command, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

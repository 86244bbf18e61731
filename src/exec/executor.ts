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

/** A person's terminal (or a pipe) attached to one remote command. */
export interface AttachedIo {
  /** The caller's standard input, forwarded until the command ends; none sends end-of-file at once. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Receives the command's output as it arrives, unchanged (a terminal needs the raw bytes). */
  readonly write: (chunk: Buffer, stream: 'stdout' | 'stderr') => void;
  /** Ask the host for a pseudo-terminal of this size: the caller's standard input is a TTY. */
  readonly pty?: { readonly rows: number; readonly cols: number; readonly term: string };
  /** With a pty: calls `listener` when the caller's terminal changes size; returns how to stop. */
  readonly onResize?: (listener: (size: { readonly rows: number; readonly cols: number }) => void) => () => void;
}

/** An executor that can also attach a terminal to a command (SSH). */
export interface AttachingExecutor extends Executor {
  /** Runs `cmd` with `io` attached; resolves with its exit code (255 when it has none). */
  attach(cmd: Command, io: AttachedIo, options?: Pick<ExecOptions, 'cwd'>): Promise<number>;
}

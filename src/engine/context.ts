import type { Executor } from '../exec/executor';
import type { ResolvedEnvironment } from './environment';
import type { Redactor } from '../exec/redact';
import type { Reporter } from './reporter';
import type { RunSettings } from './settings';

/** A clock the engine reads and waits on; tests inject a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Records what must be undone if the run is cut short (the action's post step reads it back).
 * The engine undoes these itself on every normal exit.
 */
export interface CleanupRecorder {
  registryLogin(registry: string): void;
  /** The run holds a host's deploy lock (and no transaction owns it yet, or one that leaves it to the run). */
  lockTaken(lock: HeldLock): void;
  /** A host's lock (`user@host:port`; none: every lock) was released, or handed to the host-side transaction. */
  lockSettled(host?: string): void;
}

/** Enough to find and free a lock from another process: no secrets. */
export interface HeldLock {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly lockDir: string;
  readonly runDir: string;
  readonly runId: string;
  /** The host's transaction.sh, which recovers the run's transaction if it was killed. */
  readonly script: string;
}

export const noCleanupRecorder: CleanupRecorder = { registryLogin: () => undefined, lockTaken: () => undefined, lockSettled: () => undefined };

/**
 * The terminal the command line runs in, for commands that attach it to a remote command (`exec`,
 * `logs`). The action has none.
 */
export interface Terminal {
  readonly stdin: NodeJS.ReadableStream;
  /** Set when standard input is a TTY: the size and type of the pseudo-terminal to ask for. */
  readonly tty?: { readonly rows: number; readonly cols: number; readonly term: string };
  /** Writes a remote command's raw output to this process's stdout or stderr. */
  write(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
  /** Puts a TTY into raw mode (keys go to the remote side as typed); returns how to undo it. */
  raw(): () => void;
  /** Calls `listener` when the TTY changes size; returns how to stop. */
  onResize(listener: (size: { readonly rows: number; readonly cols: number }) => void): () => void;
}

/** What every command runs with. Built by the action or the CLI, never global. */
export interface RunContext {
  readonly settings: RunSettings;
  readonly reporter: Reporter;
  readonly redactor: Redactor;
  readonly clock: Clock;
  /** Runs commands on this machine (docker build, push). */
  readonly local: Executor;
  readonly cleanup: CleanupRecorder;
  /** Directory of this machine's work files (RUNNER_TEMP or the OS temp dir). */
  readonly tempDir: string;
  /** This process's environment (read, never changed). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The command line's terminal; absent in the action. */
  readonly terminal?: Terminal;
  /**
   * Opens the connection to an environment's host for `deploy`, `rollback`, `check` and `plan`; absent:
   * SSH with the settings' key and pinned host key. Tests answer the host's programs here.
   */
  readonly connect?: (environment: ResolvedEnvironment) => Promise<Executor>;
  /**
   * Told the environment a deploy or rollback targets once it is resolved (named, or the
   * manifest's only one), before anything is built or changed: the action records a GitHub
   * Deployment of it.
   */
  readonly onEnvironment?: (environment: string) => Promise<void>;
}

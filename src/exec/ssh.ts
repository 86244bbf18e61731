import { Readable } from 'node:stream';
import { NodeSSH } from 'node-ssh';
import type { Command } from '../commands/command';
import { StackDeployError } from '../errors';
import type { AttachedIo, AttachingExecutor, ExecOptions, ExecResult } from './executor';
import { commandFailure } from './failure';
import { type HostKeyVerdict, knownHostsName, pinnedKeyTypes, verifyHostKey } from './known-hosts';
import { toShellString, toShellStringIn } from './quote';
import type { Redactor } from './redact';

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

export interface SshCredentials {
  /** The private key's text (OpenSSH or PEM), kept in memory only. */
  readonly privateKey: string;
  readonly passphrase?: string;
  /** known_hosts text that pins the host's key. */
  readonly knownHosts: string;
}

export interface ConnectOptions {
  /** Attempts for the connect step only; commands are never retried. */
  readonly attempts?: number;
  readonly readyTimeoutMs?: number;
  /** Waits between connect attempts (injected so tests need no real time). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry. */
  readonly onRetry?: (attempt: number, delayMs: number, error: StackDeployError) => void;
}

// Signature algorithms a server may use for each key type written in known_hosts. An RSA key
// signs with SHA-2 only: `ssh-rsa` signatures (SHA-1) are refused.
const HOST_KEY_ALGORITHMS: Readonly<Record<string, readonly string[]>> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
};
const DEFAULT_HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];

/** The host key signature algorithms offered for the key types pinned in known_hosts (never SHA-1 `ssh-rsa`). */
export function hostKeyAlgorithms(pinnedTypes: readonly string[]): string[] {
  const algorithms = pinnedTypes.flatMap((type) => HOST_KEY_ALGORITHMS[type] ?? [type]).filter((algorithm) => algorithm !== 'ssh-rsa');
  return algorithms.length > 0 ? [...new Set(algorithms)] : DEFAULT_HOST_KEY_ALGORITHMS;
}

const RETRYABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Timed out while waiting for handshake/u;

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens the one SSH connection a deploy uses for a host. The host key must be pinned in
 * `credentials.knownHosts`; anything else fails before authentication.
 */
export async function connectSsh(
  target: SshTarget,
  credentials: SshCredentials,
  redactor: Redactor,
  options: ConnectOptions = {},
): Promise<SshExecutor> {
  const attempts = options.attempts ?? 4;
  const sleep = options.sleep ?? sleepFor;
  const name = `${target.user}@${knownHostsName(target.host, target.port)}`;
  const keyTypes = pinnedKeyTypes(credentials.knownHosts, target.host, target.port);
  const serverHostKey = hostKeyAlgorithms(keyTypes);
  for (let attempt = 1; ; attempt += 1) {
    const ssh = new NodeSSH();
    let verdict: HostKeyVerdict | undefined;
    try {
      await ssh.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        privateKey: credentials.privateKey,
        passphrase: credentials.passphrase,
        readyTimeout: options.readyTimeoutMs ?? 20_000,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 6,
        tryKeyboard: false,
        // Ask for a key type that is pinned, so a server with several keys shows a pinned one.
        algorithms: { serverHostKey: serverHostKey as never },
        hostVerifier: (key: Buffer) => {
          verdict = verifyHostKey(credentials.knownHosts, target.host, target.port, key);
          return verdict.accepted;
        },
      });
      return new SshExecutor(name, ssh, redactor);
    } catch (error) {
      ssh.dispose();
      if (verdict !== undefined && !verdict.accepted) throw verdict.error;
      const failure = describeConnectFailure(name, error);
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= attempts || !RETRYABLE.test(message)) throw failure;
      const delay = Math.min(8_000, 500 * 2 ** (attempt - 1));
      options.onRetry?.(attempt, delay, failure);
      await sleep(delay);
    }
  }
}

function describeConnectFailure(name: string, error: unknown): StackDeployError {
  const message = error instanceof Error ? error.message : String(error);
  const where = { host: name, step: 'connect' };
  if (/authentication methods failed/u.test(message)) {
    return new StackDeployError(`SSH authentication failed as ${name}`, {
      ...where,
      hint: 'check that the ssh-private-key input holds the private key whose public key is in the user\'s ~/.ssh/authorized_keys',
    });
  }
  if (/Cannot parse privateKey|Encrypted private OpenSSH key detected|no passphrase/u.test(message)) {
    return new StackDeployError(`the SSH private key could not be read: ${message}`, {
      ...where,
      hint: 'pass an unencrypted OpenSSH or PEM private key (the whole file, including its BEGIN and END lines)',
    });
  }
  return new StackDeployError(`could not connect: ${message}`, {
    ...where,
    hint: 'check the environment\'s host and port in stack.yml, and that sshd is reachable from this runner',
  });
}

/** Runs commands as channels of one SSH connection. */
export class SshExecutor implements AttachingExecutor {
  readonly host: string;
  readonly #ssh: NodeSSH;
  readonly #redactor: Redactor;
  #commandsSent = 0;

  constructor(host: string, ssh: NodeSSH, redactor: Redactor) {
    this.host = host;
    this.#ssh = ssh;
    this.#redactor = redactor;
  }

  /** Remote commands sent on this connection so far (each is one round trip). */
  get commandsSent(): number {
    return this.#commandsSent;
  }

  async run(cmd: Command, options: ExecOptions = {}): Promise<ExecResult> {
    let argv = cmd.argv;
    if (options.timeoutMs !== undefined) {
      // The remote side enforces the limit, so a dropped client never leaves it running forever.
      argv = ['timeout', '--kill-after=10', `${Math.ceil(options.timeoutMs / 1000)}s`, ...argv];
    }
    const line = options.cwd === undefined ? toShellString(argv) : toShellStringIn(options.cwd, argv);
    if (options.env !== undefined && Object.keys(options.env).length > 0) {
      throw new StackDeployError('environment variables cannot be passed to an SSH command; send them on stdin or in a file', {
        host: this.host,
      });
    }
    this.#commandsSent += 1;
    let response;
    try {
      response = await this.#ssh.execCommand(line, {
        // Bytes go as they are: node-ssh writes a string as UTF-8 text, so a Buffer is streamed.
        stdin: Buffer.isBuffer(cmd.stdin) ? Readable.from([cmd.stdin]) : cmd.stdin,
        noTrim: true,
        encoding: options.onStdoutBytes === undefined ? 'utf8' : 'binary',
        onStdout: (chunk) => {
          if (options.onStdoutBytes !== undefined) options.onStdoutBytes(chunk);
          else options.onOutput?.(this.#redactor.redact(chunk.toString('utf8')), 'stdout');
        },
        onStderr: (chunk) => options.onOutput?.(this.#redactor.redact(chunk.toString('utf8')), 'stderr'),
      });
    } catch (error) {
      const reason = `the SSH connection failed while running ${cmd.argv[0] ?? 'a command'}: ${error instanceof Error ? error.message : String(error)}`;
      throw commandFailure(this.host, cmd, this.#redactor, { exitCode: 255, stdout: '', stderr: '', reason }, options);
    }
    const exitCode = response.code ?? 255;
    const stdout = options.onStdoutBytes === undefined ? response.stdout : '';
    const result: ExecResult = { exitCode, stdout, stderr: response.stderr };
    if (exitCode === 0 || options.allowFailure === true) return result;
    let reason: string | undefined;
    if (response.signal !== null && response.signal !== undefined) reason = `${cmd.argv[0] ?? 'command'} was killed by ${response.signal}`;
    else if (options.timeoutMs !== undefined && exitCode === 124) reason = `${cmd.argv[0] ?? 'command'} timed out after ${options.timeoutMs} ms`;
    throw commandFailure(this.host, cmd, this.#redactor, { ...result, reason }, options);
  }

  /**
   * Runs `cmd` on a channel of its own with the caller's input and output attached, streaming
   * (nothing is kept in memory, so `logs --follow` can run for hours). With `io.pty` the host
   * gives the command a terminal, as `ssh -t` does.
   */
  attach(cmd: Command, io: AttachedIo, options: Pick<ExecOptions, 'cwd'> = {}): Promise<number> {
    const line = options.cwd === undefined ? toShellString(cmd.argv) : toShellStringIn(options.cwd, cmd.argv);
    const connection = this.#ssh.connection;
    if (connection === null) return Promise.reject(new StackDeployError('the SSH connection is closed', { host: this.host }));
    this.#commandsSent += 1;
    const execOptions = io.pty === undefined ? {} : { pty: { rows: io.pty.rows, cols: io.pty.cols, term: io.pty.term } };
    return new Promise<number>((resolve, reject) => {
      connection.exec(line, execOptions, (error, channel) => {
        if (error !== undefined) {
          reject(commandFailure(this.host, cmd, this.#redactor, { exitCode: 255, stdout: '', stderr: '', reason: `the SSH connection refused a channel: ${error.message}` }, {}));
          return;
        }
        let exitCode = 255;
        channel.on('exit', (code: number | null) => {
          if (typeof code === 'number') exitCode = code;
        });
        channel.on('data', (chunk: Buffer) => io.write(chunk, 'stdout'));
        channel.stderr.on('data', (chunk: Buffer) => io.write(chunk, 'stderr'));
        const stdin = io.stdin;
        if (stdin === undefined) channel.end();
        else stdin.pipe(channel);
        const stopResizing = io.pty === undefined ? undefined : io.onResize?.(({ rows, cols }) => channel.setWindow(rows, cols, 0, 0));
        channel.on('close', () => {
          stopResizing?.();
          if (stdin !== undefined) {
            stdin.unpipe(channel);
            stdin.pause();
          }
          resolve(exitCode);
        });
      });
    });
  }

  close(): Promise<void> {
    this.#ssh.dispose();
    return Promise.resolve();
  }
}

import { exec } from '@actions/exec';
import { StringDecoder } from 'node:string_decoder';
import type { Command } from '../commands/command';
import { StackDeployError } from '../errors';
import { childEnvironment } from './child-env';
import type { ExecOptions, ExecResult, Executor } from './executor';
import { commandFailure } from './failure';
import { Redactor } from './redact';

/** Exit codes of coreutils `timeout`: the command ran out of time (TERM), or had to be killed. */
const TIMED_OUT_EXIT_CODES = new Set([124, 137]);

/** Seconds `timeout` waits after TERM before it kills the command. */
const KILL_AFTER_SECONDS = 5;

/**
 * Runs commands as child processes of this one with `@actions/exec`, without a shell (the
 * toolkit's runner passes argv as it is). Children get only the allow-listed part of `env`
 * (see childEnvironment), never the runner's `INPUT_*` values. The toolkit's own echo of the
 * command line is off (`silent`): output reaches the log only through `onOutput`, redacted.
 */
export class LocalExecutor implements Executor {
  readonly host = 'local';
  readonly #redactor: Redactor;
  readonly #baseEnv: Readonly<Record<string, string>>;

  constructor(redactor: Redactor = new Redactor(), env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#redactor = redactor;
    this.#baseEnv = childEnvironment(env);
  }

  async run(cmd: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const [program, ...args] = cmd.argv;
    if (program === undefined) throw new StackDeployError('an empty command cannot be run');
    // @actions/exec cannot kill what it started: a time limit is coreutils `timeout`'s job.
    const argv = options.timeoutMs === undefined ? [program, ...args] : ['timeout', `--kill-after=${KILL_AFTER_SECONDS}`, `${options.timeoutMs / 1000}s`, program, ...args];
    const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
    const output = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = decoders[stream].write(chunk);
      output[stream] += text;
      if (text !== '') options.onOutput?.(this.#redactor.redact(text), stream);
    };
    let exitCode: number | null;
    try {
      exitCode = await exec(argv[0] ?? program, argv.slice(1), {
        cwd: options.cwd,
        env: { ...this.#baseEnv, ...options.env },
        silent: true,
        ignoreReturnCode: true,
        // Only commands that read their input get one. @actions/exec writes it without an error
        // handler, so input for a process that exits before reading it would fail the run with
        // EPIPE; the standard input of every other command stays open and unread.
        input: cmd.stdin === undefined ? undefined : Buffer.from(cmd.stdin),
        listeners: {
          stdout: options.onStdoutBytes ?? collect('stdout'),
          stderr: collect('stderr'),
        },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = /^Unable to locate executable file/u.test(message)
        ? `${program} is not installed or not on PATH`
        : /^The cwd: .* does not exist/u.test(message)
          ? `${program} could not start: the directory ${options.cwd ?? ''} does not exist`
          : `${program} could not start: ${this.#redactor.redact(message)}`;
      throw commandFailure(this.host, cmd, this.#redactor, { exitCode: 127, stdout: '', stderr: '', reason }, options);
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = decoders[stream].end();
      output[stream] += rest;
      if (rest !== '') options.onOutput?.(this.#redactor.redact(rest), stream);
    }
    // A process ended by a signal has no exit code; 128 says so, as a shell would.
    const result: ExecResult = { exitCode: exitCode ?? 128, stdout: output.stdout, stderr: output.stderr };
    if (options.timeoutMs !== undefined && TIMED_OUT_EXIT_CODES.has(result.exitCode)) {
      throw commandFailure(this.host, cmd, this.#redactor, { ...result, reason: `${program} timed out after ${options.timeoutMs} ms` }, options);
    }
    if (result.exitCode !== 0 && options.allowFailure !== true) {
      const reason = exitCode === null ? `${program} was killed by a signal` : undefined;
      throw commandFailure(this.host, cmd, this.#redactor, { ...result, reason }, options);
    }
    return result;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

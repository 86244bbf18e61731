import { spawn } from 'node:child_process';
import type { Command } from '../commands/command';
import { StackDeployError } from '../errors';
import { childEnvironment } from './child-env';
import type { ExecOptions, ExecResult, Executor } from './executor';
import { commandFailure } from './failure';
import { Redactor } from './redact';

/**
 * Runs commands as child processes of this one, without a shell. Children get only the
 * allow-listed part of `env` (see childEnvironment), never the runner's `INPUT_*` values.
 */
export class LocalExecutor implements Executor {
  readonly host = 'local';
  readonly #redactor: Redactor;
  readonly #baseEnv: Readonly<Record<string, string>>;

  constructor(redactor: Redactor = new Redactor(), env: Readonly<Record<string, string | undefined>> = process.env) {
    this.#redactor = redactor;
    this.#baseEnv = childEnvironment(env);
  }

  run(cmd: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const [program, ...args] = cmd.argv;
    if (program === undefined) return Promise.reject(new StackDeployError('an empty command cannot be run'));
    return new Promise<ExecResult>((resolve, reject) => {
      const child = spawn(program, args, {
        cwd: options.cwd,
        env: { ...this.#baseEnv, ...options.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill('SIGKILL');
            }, options.timeoutMs);
      const collect = (into: Buffer[], stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        into.push(chunk);
        options.onOutput?.(this.#redactor.redact(chunk.toString('utf8')), stream);
      };
      if (options.onStdoutBytes !== undefined) child.stdout.on('data', options.onStdoutBytes);
      else child.stdout.on('data', collect(stdout, 'stdout'));
      child.stderr.on('data', collect(stderr, 'stderr'));
      child.stdin.on('error', () => {
        // The process may exit without reading its input; its exit code tells what happened.
      });
      child.stdin.end(cmd.stdin ?? '');
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (timer !== undefined) clearTimeout(timer);
        const reason =
          error.code === 'ENOENT'
            ? options.cwd !== undefined
              ? `${program} could not start: it is not installed, or the directory ${options.cwd} does not exist`
              : `${program} is not installed or not on PATH`
            : `${program} could not start: ${error.message}`;
        reject(commandFailure(this.host, cmd, this.#redactor, { exitCode: 127, stdout: '', stderr: '', reason }, options));
      });
      child.on('close', (code, signal) => {
        if (timer !== undefined) clearTimeout(timer);
        const result: ExecResult = {
          exitCode: code ?? 128,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
        };
        if (timedOut) {
          reject(
            commandFailure(this.host, cmd, this.#redactor, { ...result, reason: `${program} timed out after ${options.timeoutMs} ms` }, options),
          );
        } else if (result.exitCode !== 0 && options.allowFailure !== true) {
          const reason = signal !== null ? `${program} was killed by ${signal}` : undefined;
          reject(commandFailure(this.host, cmd, this.#redactor, { ...result, reason }, options));
        } else {
          resolve(result);
        }
      });
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

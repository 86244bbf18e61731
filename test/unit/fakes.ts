import type { Command } from '../../src/commands/command';
import type { Clock } from '../../src/engine/context';
import type { Reporter, SourceLocation } from '../../src/engine/reporter';
import type { ExecOptions, ExecResult, Executor } from '../../src/exec/executor';

// The fakes engine tests share: an executor that records and answers, a clock that only moves
// when the code under test sleeps, and a reporter that keeps what a person would see.

/** One command the fake executor was asked to run. */
export interface RecordedCall {
  readonly argv: readonly string[];
  readonly stdin?: string;
  readonly stdinIsSecret?: boolean;
  readonly options: ExecOptions;
}

/** Answers one command; throwing (or rejecting) makes the run fail with that error. */
export type Respond = (cmd: Command, options: ExecOptions, index: number) => ExecResult | Promise<ExecResult>;

/** A successful result with `stdout`. */
export function succeeded(stdout = ''): ExecResult {
  return { exitCode: 0, stdout, stderr: '' };
}

/** Records every command and answers it with `respond` (by default: success, no output). */
export class FakeExecutor implements Executor {
  readonly calls: RecordedCall[] = [];

  constructor(
    private readonly respond: Respond = () => succeeded(),
    readonly host = 'local',
  ) {}

  async run(cmd: Command, options: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: [...cmd.argv], stdin: cmd.stdin?.toString(), stdinIsSecret: cmd.stdinIsSecret, options });
    return this.respond(cmd, options, this.calls.length - 1);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** An executor that answers each command with the next of `stdouts` (the last one repeats). */
export function answeringInTurn(stdouts: readonly string[], host = 'deploy@host:22'): FakeExecutor {
  return new FakeExecutor((_cmd, _options, index) => succeeded(stdouts[Math.min(index, stdouts.length - 1)] ?? ''), host);
}

/** A clock whose time moves only when the code under test sleeps; every sleep is recorded. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

export interface ReportedGroup {
  readonly title: string;
  readonly lines: string[];
}

/**
 * Records groups and the info lines written while each is the innermost open one (groups may
 * overlap in time: lines go to the newest open group), and warnings and errors.
 */
export class FakeReporter implements Reporter {
  readonly groups: ReportedGroup[] = [];
  readonly outside: string[] = [];
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  readonly #open: ReportedGroup[] = [];

  info(message: string): void {
    (this.#open.at(-1)?.lines ?? this.outside).push(message);
  }

  warning(message: string, _where?: SourceLocation): void {
    this.warnings.push(message);
  }

  error(message: string, _where?: SourceLocation): void {
    this.errors.push(message);
  }

  async group<T>(title: string, work: () => Promise<T>): Promise<T> {
    const group: ReportedGroup = { title, lines: [] };
    this.groups.push(group);
    this.#open.push(group);
    try {
      return await work();
    } finally {
      this.#open.splice(this.#open.indexOf(group), 1);
    }
  }
}

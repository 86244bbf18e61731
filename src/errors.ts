/**
 * The one error type the engine throws on purpose. Every field that says *where* a failure
 * happened and *what to do next* is optional, so each layer adds what it knows.
 */
export interface ErrorContext {
  /** The SSH host (or "local") the failing step ran on. */
  readonly host?: string;
  /** The stack service the step was about. */
  readonly service?: string;
  /** The deploy step, such as "preflight", "pull" or "switch". */
  readonly step?: string;
  /** The command as a shell string, with every secret redacted. */
  readonly command?: string;
  readonly exitCode?: number;
  /** The last lines of the command's output. */
  readonly outputTail?: string;
  /** What a person should do next. */
  readonly hint?: string;
}

export class StackDeployError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StackDeployError';
    this.context = context;
  }

  /** A copy of this error that knows more about where it happened. */
  withContext(more: ErrorContext): StackDeployError {
    const copy = new StackDeployError(this.message, { ...more, ...this.context }, { cause: this.cause });
    return copy;
  }
}

/** The last `lines` non-empty lines of `text`. */
export function tailLines(text: string, lines: number): string {
  const all = text.replace(/\s+$/u, '').split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

/**
 * A multi-line, human-readable report of any thrown value. Known errors show their context;
 * anything else shows its message only: users never see a stack trace.
 */
export function describeError(error: unknown): string {
  if (error instanceof StackDeployError) {
    const c = error.context;
    const where = [
      c.host !== undefined ? `host ${c.host}` : undefined,
      c.service !== undefined ? `service ${c.service}` : undefined,
      c.step !== undefined ? `step ${c.step}` : undefined,
    ].filter((part): part is string => part !== undefined);
    const lines = [where.length > 0 ? `${where.join(', ')}: ${error.message}` : error.message];
    if (c.command !== undefined) lines.push(`  command: ${c.command}`);
    if (c.exitCode !== undefined) lines.push(`  exit code: ${c.exitCode}`);
    if (c.outputTail !== undefined && c.outputTail.trim() !== '') {
      lines.push('  last output:');
      for (const line of c.outputTail.split('\n')) lines.push(`    ${line}`);
    }
    if (c.hint !== undefined) lines.push(`  next: ${c.hint}`);
    return lines.join('\n');
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A process to run, described without running it. Builders in this folder return these;
 * executors in `src/exec/` run them. Secrets never go in `argv`: they travel on `stdin`.
 */
export interface Command {
  readonly argv: readonly string[];
  /** Written to the process's standard input (text as UTF-8, a Buffer as it is), then closed. */
  readonly stdin?: string | Buffer;
  /** True when `stdin` holds a secret: logs then show only its length. */
  readonly stdinIsSecret?: boolean;
}

export function command(argv: readonly string[], stdin?: { text: string | Buffer; secret?: boolean }): Command {
  if (stdin === undefined) return { argv };
  return { argv, stdin: stdin.text, stdinIsSecret: stdin.secret ?? false };
}

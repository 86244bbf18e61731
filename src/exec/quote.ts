import { StackDeployError } from '../errors';

/**
 * The only place where an argv array becomes a shell string. Every argument is wrapped in
 * single quotes (POSIX sh: nothing inside is special), an embedded single quote becomes
 * `'\''`. Arguments that cannot be passed through a shell at all (NUL bytes) are refused.
 * Plain words made only of safe characters are left bare so that logs stay readable.
 */
const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/u;

export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new StackDeployError('an argument contains a NUL byte and cannot be passed to a shell', {
      hint: 'remove the NUL byte from the value in stack.yml or the action inputs',
    });
  }
  if (arg !== '' && BARE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/gu, `'\\''`)}'`;
}

/** Joins argv into one shell command line that the shell splits back into exactly argv. */
export function toShellString(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new StackDeployError('an empty command cannot be run');
  }
  return argv.map(quoteArg).join(' ');
}

/**
 * A command line that runs argv in `cwd` only when changing into it succeeded
 * (never `cd dir ; cmd`).
 */
export function toShellStringIn(cwd: string | undefined, argv: readonly string[]): string {
  const line = toShellString(argv);
  return cwd === undefined ? line : `cd -- ${quoteArg(cwd)} && ${line}`;
}

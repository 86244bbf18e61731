import type { Terminal } from '../engine/context';

/** This process's terminal: stdin, raw stdout/stderr, and the TTY's size when stdin is one. */
export function processTerminal(env: NodeJS.ProcessEnv): Terminal {
  const { stdin, stdout, stderr } = process;
  const tty = stdin.isTTY ? { rows: stdout.rows || 24, cols: stdout.columns || 80, term: env.TERM ?? 'xterm-256color' } : undefined;
  return {
    stdin,
    tty,
    write: (chunk, stream) => (stream === 'stdout' ? stdout : stderr).write(chunk),
    onResize: (listener) => {
      const resized = () => listener({ rows: stdout.rows, cols: stdout.columns });
      stdout.on('resize', resized);
      return () => {
        stdout.off('resize', resized);
      };
    },
    raw: () => {
      if (!stdin.isTTY) return () => undefined;
      const was = stdin.isRaw;
      stdin.setRawMode(true);
      return () => {
        stdin.setRawMode(was);
      };
    },
  };
}

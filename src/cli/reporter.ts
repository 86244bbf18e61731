import type { Clock } from '../engine/context';
import type { Reporter } from '../engine/reporter';

export interface Output {
  write(text: string): void;
}

/** Plain terminal lines; with `quiet` (for --json) informational lines go to stderr. */
export function cliReporter(stdout: Output, stderr: Output, clock: Clock, quiet: boolean): Reporter {
  const info = quiet ? stderr : stdout;
  return {
    info: (message) => info.write(`${message}\n`),
    warning: (message) => stderr.write(`warning: ${message}\n`),
    error: (message) => stderr.write(`${message}\n`),
    group: async (title, work) => {
      const started = clock.now();
      info.write(`==> ${title}\n`);
      try {
        return await work();
      } finally {
        info.write(`    ${title}: ${((clock.now() - started) / 1000).toFixed(1)}s\n`);
      }
    },
  };
}

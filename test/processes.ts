// The machine's processes, read from /proc: what tests of killed transactions look for afterwards.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface Process {
  readonly pid: string;
  /** Its session ID (a transaction runs in a session of its own, whose ID is its pid). */
  readonly session: number;
  readonly cmdline: string;
}

const read = (file: string): string => {
  try {
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  } catch {
    return ''; // it ended while being read
  }
};

/** Every process that `keep` selects, as `pid: command line`. */
export function processes(keep: (process: Process) => boolean): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/u.test(name))) {
    const fields = read(`/proc/${pid}/stat`).replace(/^.*\) /su, '').split(' ');
    const process = { pid, session: Number(fields[3]), cmdline: read(`/proc/${pid}/cmdline`).replaceAll('\0', ' ') };
    if (keep(process)) found.push(`${pid}: ${process.cmdline}`);
  }
  return found;
}

/** The processes of session `sid`. */
export const sessionMembers = (sid: number): string[] => processes((p) => p.session === sid);

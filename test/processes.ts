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

/** /proc/<pid>: the parent pid and the command line (args joined by spaces), or undefined. */
export function procInfo(pid: number): { ppid: number; args: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '').join(' ');
    return { ppid, args };
  } catch {
    return undefined;
  }
}

/**
 * The sshd processes of the one connection that streams `eventsFile` to the runner: the `tail`
 * that follows the file, walked up to its `sshd: deploy@…` session process and that one's
 * `sshd: deploy [priv]` monitor. Never the listening sshd.
 */
export function sshdSessionOf(eventsFile: string): number[] {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/u.test(name)).map(Number);
  const tail = pids.find((pid) => {
    const info = procInfo(pid);
    return info !== undefined && info.args.startsWith('tail ') && info.args.includes(eventsFile);
  });
  if (tail === undefined) return [];
  const found: number[] = [];
  let pid = procInfo(tail)?.ppid ?? 0;
  for (let depth = 0; depth < 10 && pid > 1; depth += 1) {
    const info = procInfo(pid);
    if (info === undefined) break;
    if (info.args.includes('[listener]')) break;
    if (/^sshd: deploy(@| \[priv\])/u.test(info.args)) found.push(pid);
    pid = info.ppid;
  }
  return found;
}

/** SIGKILL to `pid` (a negative one: its process group); false when it is gone already. */
export function killIfAlive(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    return false;
  }
}

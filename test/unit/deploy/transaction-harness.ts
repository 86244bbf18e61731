import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRANSACTION_SCRIPT } from '../../../src/deploy/host/scripts.generated';

/** The text of the named shell functions of transaction.sh, to source in a test's own `sh`. */
export function transactionFunctions(...names: string[]): string {
  return names
    .map((name) => {
      const start = TRANSACTION_SCRIPT.indexOf(`\n${name}() {`);
      if (start < 0) throw new Error(`transaction.sh has no function ${name}`);
      const end = TRANSACTION_SCRIPT.indexOf('\n}\n', start);
      return TRANSACTION_SCRIPT.slice(start + 1, end + 3);
    })
    .join('');
}

/** The awks a host may have; a test is skipped for one this machine lacks. */
export const AWKS = [
  ['mawk', ['mawk']],
  ['gawk', ['gawk']],
  ['busybox awk', ['busybox', 'awk']],
] as const;

function which(program: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'which', program], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** A directory whose `awk` is `program` (busybox runs its awk applet when called as `awk`). */
export function awkBin(program: string): string | undefined {
  const path = which(program);
  if (path === undefined) return undefined;
  const bin = mkdtempSync(join(tmpdir(), 'awk-'));
  mkdirSync(join(bin, 'bin'));
  symlinkSync(path, join(bin, 'bin', 'awk'));
  return join(bin, 'bin');
}

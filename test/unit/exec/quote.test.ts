import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { quoteArg, toShellString, toShellStringIn } from '../../../src/exec/quote';

const scratch = mkdtempSync(join(tmpdir(), 'quote-test-'));
const canary = join(scratch, 'pwned');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a real shell makes of the string: the argv printf receives, split on NUL. */
function roundTrip(shell: string, args: readonly string[]): string[] {
  const line = toShellString(['printf', '%s\\0', ...args]);
  const out = execFileSync(shell, ['-c', line], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = [
  `'; touch ${canary} #`,
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `"; touch ${canary}; echo "`,
  `a b  c`,
  `it's`,
  `''`,
  `'\\''`,
  `\\`,
  `back\\slash\\'`,
  `$HOME ${'${HOME}'} $((1+1))`,
  `!event !! !$`,
  `* ? [a-z] ~ ~root`,
  `line1\nline2\n`,
  `tab\there`,
  `semi;colon&amp|pipe>out<in`,
  `-rf`,
  `--privileged`,
  ``,
  ` `,
  `\r\n\u0007\u001b[31mred`,
  `ünïcødé ✓ 日本`,
  `{a,b} $'\\x41'`,
  `#comment`,
  `x=1 y=2`,
];

describe('toShellString', () => {
  test.each(['sh', 'bash'])('%s splits the quoted line back into exactly the original argv', (shell) => {
    expect(roundTrip(shell, HOSTILE)).toEqual(HOSTILE);
    expect(existsSync(canary)).toBe(false);
  });

  test('random byte strings survive the round trip', () => {
    // A small deterministic generator: the same 300 cases on every run.
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const cases: string[] = [];
    for (let i = 0; i < 300; i += 1) {
      const length = Math.floor(next() * 12);
      let text = '';
      for (let j = 0; j < length; j += 1) text += String.fromCharCode(1 + Math.floor(next() * 126));
      cases.push(text);
    }
    expect(roundTrip('sh', cases)).toEqual(cases);
    expect(existsSync(canary)).toBe(false);
  });

  test.each([
    [['docker', 'ps'], 'docker ps'],
    [['docker', 'image', 'inspect', 'ghcr.io/acme/api:1.2.3'], 'docker image inspect ghcr.io/acme/api:1.2.3'],
    [['echo', 'a b'], "echo 'a b'"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['echo', ''], "echo ''"],
    [['echo', '$(id)'], "echo '$(id)'"],
    [['echo', '--format', '{{json .}}'], "echo --format '{{json .}}'"],
  ])('%j becomes %s', (argv, expected) => {
    expect(toShellString(argv)).toBe(expected);
  });

  test('refuses a NUL byte and an empty command', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL byte/u);
    expect(() => toShellString([])).toThrow(/empty command/u);
  });
});

describe('toShellStringIn', () => {
  test('runs in the directory', () => {
    const out = execFileSync('sh', ['-c', toShellStringIn(scratch, ['pwd'])], { encoding: 'utf8' });
    expect(out.trim()).toBe(scratch);
  });

  test('does not run the command when the directory is missing', () => {
    const missing = join(scratch, 'no such dir');
    const marker = join(scratch, 'ran');
    let exitCode = 0;
    try {
      execFileSync('sh', ['-c', toShellStringIn(missing, ['touch', marker])], { stdio: 'ignore' });
    } catch (error) {
      exitCode = (error as { status: number }).status;
    }
    expect(exitCode).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  test('quotes a hostile directory name', () => {
    const hostile = join(scratch, `d'; touch ${canary} #`);
    execFileSync('mkdir', ['-p', hostile]);
    const out = execFileSync('sh', ['-c', toShellStringIn(hostile, ['pwd'])], { encoding: 'utf8' });
    expect(out.trim()).toBe(hostile);
    expect(existsSync(canary)).toBe(false);
  });
});

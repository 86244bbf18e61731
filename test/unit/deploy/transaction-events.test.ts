import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EventStream } from '../../../src/deploy/events';
import { AWKS, awkBin, transactionFunctions } from './transaction-harness';

// emit and json_string of transaction.sh, through a real sh, with each awk a host may have.

const HOSTILE = [
  ['a backslash', 'a\\b'],
  ['a trailing backslash', 'end\\'],
  ['double backslashes', '\\\\server\\share'],
  ['a Windows path', 'C:\\Users\\deploy\\new folder\\app.exe'],
  ['quotes', 'say "hi" and \'bye\''],
  ["a hook quoted with '\\''", "sh -c 'echo '\\''quoted'\\'' \\\"x\\\"'"],
  ['an escaped quote from a container log', '{"msg":"a \\"quoted\\" word"}'],
  ['tabs', 'col1\tcol2\t'],
  ['a carriage return', 'progress\r100%'],
  ['control characters', 'bell\u0007 back\u0008 vt\u000b ff\u000c esc\u001b[31mred\u001b[0m unit\u001f'],
  ['several lines', 'line 1\nline 2 \\n literal\n\tindented'],
  ['JSON-looking text', '","step":"done","status":"success'],
  ['non-ASCII text', 'héllo wörld ✓ 日本'],
  ['percent signs', '100% %s %d %%'],
  ['empty', ''],
] as const;

describe.each(AWKS)('event lines under %s', (_name, [program]) => {
  const bin = awkBin(program);
  test.skipIf(bin === undefined).each(HOSTILE)('%s: a valid JSON line that keeps the text', (_what, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'events-'));
    try {
      const events = join(dir, 'events.jsonl');
      const script = `${transactionFunctions('now_ms', 'json_string', 'emit')}EVENTS=$1\nemit smoke failed api "$2"\n`;
      const result = spawnSync('sh', ['-c', script, 'test', events, message], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` } });
      expect(result.stderr).toBe('');
      const text = readFileSync(events, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n')).toHaveLength(2);
      const event = JSON.parse(text) as Record<string, unknown>;
      expect(event).toMatchObject({ step: 'smoke', status: 'failed', service: 'api', message });
      const stream = new EventStream(() => undefined);
      stream.push(text);
      expect(stream.events).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

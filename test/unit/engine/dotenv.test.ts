import { describe, expect, test } from 'vitest';
import { dotenvValues } from '../../../src/engine/dotenv';

// What Docker Compose gives each variable of an env file; the bare value is what must be masked.
describe('dotenvValues', () => {
  test.each([
    ['API_KEY=abc123 # prod key', ['abc123']],
    ['API_KEY=abc123#not-a-comment', ['abc123#not-a-comment']],
    ['API_KEY=  spaced value  ', ['spaced value']],
    ['API_KEY=abc123\t# tab is not a comment start', ['abc123\t# tab is not a comment start']],
    ["API_KEY='abc 123' # prod key", ['abc 123']],
    ['API_KEY="abc 123" # prod key', ['abc 123']],
    ["API_KEY='a\\nb $X \\\\'", ['a\\nb $X \\\\']],
    ['API_KEY="a\\nb\\tc \\"q\\" \\\\ \\$X"', ['a\nbtc "q" \\ $X']],
    ["API_KEY='it\\'s'", ["it's"]],
    ['export API_KEY=abc123', ['abc123']],
    ['API_KEY: abc123', ['abc123']],
    ['  API_KEY = abc123', ['abc123']],
    ['# API_KEY=commented-out', []],
    ['API_KEY', []],
    ['API_KEY=', []],
    ['API_KEY=""', []],
    ['A=1\r\nB=2 # two\r\n', ['1', '2']],
  ])('%j registers %j', (text, values) => {
    expect(dotenvValues(text)).toEqual(values);
  });

  test('a quoted value spans lines, and the next variable is read after it', () => {
    const text = 'CERT="-----BEGIN-----\nMIIB\n-----END-----" # the cert\nNEXT=after # c\n';
    expect(dotenvValues(text)).toEqual(['-----BEGIN-----\nMIIB\n-----END-----', 'after']);
  });

  test('a single-quoted value spans lines literally', () => {
    expect(dotenvValues("KEY='line one\nline two'\nB=b")).toEqual(['line one\nline two', 'b']);
  });
});

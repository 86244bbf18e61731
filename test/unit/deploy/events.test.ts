import { describe, expect, test } from 'vitest';
import { describeEvent, EventStream, outcomeOf, type TransactionEvent } from '../../../src/deploy/events';
import { seededRandom } from '../helpers';

const SWITCH: TransactionEvent = { t: 1, step: 'switch', status: 'ok', service: '', message: '' };
const HEALTH: TransactionEvent = { t: 2, step: 'health', status: 'failed', service: 'web', message: 'timed out after 30s: "curl" said {"a":"b\\\\c"}' };
const DONE: TransactionEvent = { t: 3, step: 'done', status: 'rolled-back', service: '', message: 'web: timed out' };
const TEXT = [SWITCH, HEALTH, DONE].map((event) => `${JSON.stringify(event)}\n`).join('');

function recording() {
  const seen: TransactionEvent[] = [];
  const invalid: string[] = [];
  const stream = new EventStream(
    (event) => seen.push(event),
    (line) => invalid.push(line),
  );
  return { stream, seen, invalid };
}

describe('EventStream', () => {
  test('whole lines in one chunk', () => {
    const { stream, seen, invalid } = recording();
    stream.push(TEXT);
    expect(seen).toEqual([SWITCH, HEALTH, DONE]);
    expect(stream.events).toEqual(seen);
    expect(invalid).toEqual([]);
  });

  test.each([1, 2, 3, 7, 13])('any split of the text gives the same events (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const { stream, seen, invalid } = recording();
    for (let at = 0; at < TEXT.length; ) {
      const size = 1 + Math.floor(random() * 40);
      stream.push(TEXT.slice(at, at + size));
      at += size;
    }
    expect(seen).toEqual([SWITCH, HEALTH, DONE]);
    expect(invalid).toEqual([]);
  });

  test('a partial line waits for the rest; an event is passed on once its line is whole', () => {
    const { stream, seen } = recording();
    const line = JSON.stringify(SWITCH);
    stream.push(line.slice(0, 10));
    expect(seen).toEqual([]);
    stream.push(`${line.slice(10)}\n`);
    expect(seen).toEqual([SWITCH]);
  });

  test('a last line without its newline is read when the stream ends', () => {
    const { stream, seen } = recording();
    stream.push(`${JSON.stringify(SWITCH)}\n${JSON.stringify(DONE)}`);
    expect(seen).toEqual([SWITCH]);
    stream.end();
    expect(seen).toEqual([SWITCH, DONE]);
    expect(outcomeOf(stream.events)).toEqual({ result: 'rolled-back', message: 'web: timed out' });
  });

  test('Windows line ends and blank lines are tolerated', () => {
    const { stream, seen, invalid } = recording();
    stream.push(`\r\n${JSON.stringify(SWITCH)}\r\n\n   \n${JSON.stringify(DONE)}\r\n`);
    expect(seen).toEqual([SWITCH, DONE]);
    expect(invalid).toEqual([]);
  });

  test.each([
    ['not JSON (an unescaped backslash)', '{"t":1,"step":"hook","status":"failed","service":"","message":"C:\\path"}'],
    ['JSON that is not an event', '{"t":"1","step":"switch"}'],
    ['a plain text line', 'sh: 1: docker: not found'],
  ])('%s is reported, not dropped, and the events around it still count', (_name, line) => {
    const { stream, seen, invalid } = recording();
    stream.push(`${JSON.stringify(SWITCH)}\n${line}\n${JSON.stringify(DONE)}\n`);
    expect(seen).toEqual([SWITCH, DONE]);
    expect(invalid).toEqual([line]);
    expect(stream.invalid).toEqual([line]);
  });
});

describe('outcomeOf', () => {
  test('the last done event decides', () => {
    expect(outcomeOf([SWITCH, { ...DONE, status: 'failed', message: 'first' }, DONE])).toEqual({ result: 'rolled-back', message: 'web: timed out' });
  });

  test('no done event: no outcome', () => {
    expect(outcomeOf([SWITCH, HEALTH])).toBeUndefined();
  });
});

describe('describeEvent', () => {
  test.each<[TransactionEvent, string]>([
    [SWITCH, 'switch ok'],
    [HEALTH, 'health web failed: timed out after 30s: "curl" said {"a":"b\\\\c"}'],
    [{ ...DONE, message: '' }, 'done rolled-back'],
  ])('%j', (event, line) => {
    expect(describeEvent(event)).toBe(line);
  });
});

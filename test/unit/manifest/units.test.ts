import { describe, expect, test } from 'vitest';
import { formatIssue, parseDuration, parseManifest, parseSize } from '../../../src/manifest';

describe('parseDuration', () => {
  test.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
  ])('%s is %i ms', (text, milliseconds) => {
    expect(parseDuration(text)).toBe(milliseconds);
  });

  test.each(['', '60', 'sixty', '60 s', '1.5s', '-1s', '60sec', '1d', 's', '60S', ' 60s'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseSize', () => {
  test.each([
    ['100B', 100],
    ['20MB', 20_000_000],
    ['20 MB', 20_000_000],
    ['1kB', 1_000],
    ['1KB', 1_000],
    ['512KiB', 524_288],
    ['1.5GB', 1_500_000_000],
    ['1.1MB', 1_100_000],
    ['1.5GiB', 1_610_612_736],
    ['2TiB', 2_199_023_255_552],
  ])('%s is %i bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each(['', '20', '20 potatoes', '20mb', '20Mb', '1.5B', '0.1KiB', '-1MB', '20MiB ', 'MB', '1e3B', '99999999TB'])(
    '%j is not a size',
    (text) => {
      expect(parseSize(text)).toBeUndefined();
    },
  );
});

function manifestWith(field: string): string {
  return [
    'version: 1',
    'name: shop',
    'services:',
    '  api:',
    `    ${field}`,
    'environments:',
    '  production: { host: example.com, user: deploy, path: /opt/shop, compose: compose.yml }',
    '',
  ].join('\n');
}

function messagesFor(field: string): string[] {
  const result = parseManifest(manifestWith(field), 'stack.yml');
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('durations and sizes in a manifest', () => {
  test.each([
    ['health: { timeout: sixty }', 'stack.yml:5:24 services.api.health.timeout: expected a duration like "60s", got "sixty"'],
    ['health: { timeout: 60 }', 'stack.yml:5:24 services.api.health.timeout: expected a duration like "60s", got 60 (add a unit, like "60s")'],
    ['health: { interval: 0s }', 'stack.yml:5:25 services.api.health.interval: must be longer than 0'],
    ['health: { timeout: [60s] }', 'stack.yml:5:24 services.api.health.timeout: expected a duration like "60s", got a list'],
    ['size_limit: 20 potatoes', 'stack.yml:5:17 services.api.size_limit: expected a size like "20MB", got "20 potatoes"'],
    ['size_limit: 20', 'stack.yml:5:17 services.api.size_limit: expected a size like "20MB", got 20 (add a unit, like "20MB")'],
    ['size_limit: 0.5B', 'stack.yml:5:17 services.api.size_limit: "0.5B" is not a whole number of bytes or is too large'],
  ])('%s', (field, message) => {
    expect(messagesFor(field)).toEqual([message]);
  });

  test.each([
    ['health: { timeout: 2m, interval: 250ms }', { timeout: 120_000, interval: 250 }],
    ['size_limit: 512KiB', 524_288],
  ])('%s parses', (field, expected) => {
    const result = parseManifest(manifestWith(field), 'stack.yml');
    const service = result.ok ? result.manifest.services.api : undefined;
    expect(service?.health ?? service?.size_limit).toEqual(expected);
  });
});

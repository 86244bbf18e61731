import { describe, expect, test } from 'vitest';
import { composeCanReset, directUrl } from '../../../src/engine/deploy';

describe('a health URL behind the host proxy', () => {
  const routes = [
    { hostIp: '127.0.0.1', published: '8080', target: '3000' },
    { hostIp: '*', published: '80', target: '8000' },
  ];

  test('aims at the container itself: its address, the route\'s target port, the same path and query', () => {
    expect(directUrl('http://127.0.0.1:8080/health?deep=1', routes)).toBe('http://__IP__:3000/health?deep=1');
    expect(directUrl('http://localhost/ready', routes)).toBe('http://__IP__:8000/ready');
  });

  test('a URL on a port the proxy does not publish is kept as written', () => {
    expect(directUrl('http://127.0.0.1:9999/health', routes)).toBeUndefined();
    expect(directUrl('not a url', routes)).toBeUndefined();
  });
});

describe('hiding published ports needs Compose 2.24 (`!reset`)', () => {
  test.each([
    ['v2', '2.24.0', true],
    ['v2', '2.26.1', true],
    ['v2', '3.0.0', true],
    ['v2', '2.23.3', false],
    ['v1', '1.29.2', false],
  ])('%s %s: %s', (flavor, version, ok) => {
    expect(composeCanReset({ flavor, version })).toBe(ok);
  });
});

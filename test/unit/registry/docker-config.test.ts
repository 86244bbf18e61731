import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { dockerConfigCredentials } from '../../../src/registry/docker-config';

const dir = mkdtempSync(join(tmpdir(), 'docker-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const auth = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString('base64');
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({ auths: { 'ghcr.io': { auth: auth('octo', 'p:w') }, 'https://reg.example.com': { auth: auth('bot', 'x') }, 'helper.example.com': {} } }),
);

describe('dockerConfigCredentials', () => {
  test.each([
    ['ghcr.io', { username: 'octo', password: 'p:w' }],
    ['reg.example.com', { username: 'bot', password: 'x' }],
    ['helper.example.com', undefined],
    ['other.example.com', undefined],
  ])('%s', (registry, expected) => {
    expect(dockerConfigCredentials(registry, { DOCKER_CONFIG: dir })).toEqual(expected);
  });

  test('no config file: no credentials', () => {
    expect(dockerConfigCredentials('ghcr.io', { DOCKER_CONFIG: join(dir, 'missing') })).toBeUndefined();
  });
});

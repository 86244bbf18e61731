import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createRunDockerConfig, removeRunDockerConfig } from '../../../src/registry/docker-config';

let scratch: string;
let userConfig: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'docker-config-'));
  userConfig = join(scratch, 'user-docker');
  mkdirSync(join(userConfig, 'cli-plugins'), { recursive: true });
  mkdirSync(join(userConfig, 'buildx'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('a run\'s private Docker config', () => {
  test('starts from the runner\'s settings and logins, keeps its own logins, and shares plugins and builders', async () => {
    const original = JSON.stringify({ auths: { 'ghcr.io': { auth: 'dTpw' } }, credsStore: 'desktop', currentContext: 'default', proxies: {} });
    writeFileSync(join(userConfig, 'config.json'), original);
    const dir = await createRunDockerConfig(scratch, { DOCKER_CONFIG: userConfig });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'config.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({ auths: { 'ghcr.io': { auth: 'dTpw' } }, currentContext: 'default', proxies: {} });
    expect(readlinkSync(join(dir, 'cli-plugins'))).toBe(join(userConfig, 'cli-plugins'));
    expect(readlinkSync(join(dir, 'buildx'))).toBe(join(userConfig, 'buildx'));
    expect(existsSync(join(dir, 'contexts'))).toBe(false);
    await removeRunDockerConfig(dir);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(userConfig, 'config.json'), 'utf8')).toBe(original);
    expect(lstatSync(join(userConfig, 'cli-plugins')).isDirectory()).toBe(true);
  });

  test('without a config of the runner\'s (HOME/.docker by default), it starts empty', async () => {
    const dir = await createRunDockerConfig(scratch, { HOME: join(scratch, 'nobody') });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({});
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { inspectHostCommand, parseHostState } from '../../../src/deploy/host-inspect';
import { hostPaths } from '../../../src/deploy/plan';

// The status program through a real sh, with a docker that knows only the host's proxy.

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'inspect-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function inspect(proxy: boolean): ReturnType<typeof parseHostState> {
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin/docker'), `#!/bin/sh\n[ "$1" = inspect ] && [ "$4" = stack-deploy-proxy ] && ${proxy ? "echo 'running 127.0.0.1:5000/acme/nginx@sha256:abc'" : 'exit 1'}\nexit 0\n`, { mode: 0o755 });
  mkdirSync(join(root, 'home/.stack-deploy-proxy/conf.d'), { recursive: true });
  const route = (name: string, listens: string[]) => writeFileSync(join(root, 'home/.stack-deploy-proxy/conf.d', name), listens.map((l) => `upstream u { server 172.18.0.2:80; }\nserver {\n  listen ${l};\n}\n`).join(''));
  route('shop-production--web.conf', ['127.0.0.1:8080', '*:8443']);
  route('shop-staging--web.conf', ['127.0.0.1:9080']);
  mkdirSync(join(root, 'app'));
  const [program = '', ...args] = inspectHostCommand(hostPaths({ path: join(root, 'app'), runId: '' }), { name: 'shop-production' }, []).argv;
  const result = spawnSync(program, args, { encoding: 'utf8', env: { ...process.env, HOME: join(root, 'home'), PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}` } });
  return parseHostState(result.stdout, []);
}

describe('status and the host proxy', () => {
  test('its state, image, and the ports it serves for this project only', () => {
    expect(inspect(true).proxy).toEqual({ status: 'running', image: '127.0.0.1:5000/acme/nginx@sha256:abc', routes: ['web: 127.0.0.1:8080', 'web: *:8443'] });
  });

  test('no proxy on the host: none shown', () => {
    expect(inspect(false).proxy).toBeUndefined();
  });
});

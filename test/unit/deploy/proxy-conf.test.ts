import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { transactionFunctions } from './transaction-harness';

// write_proxy_conf of transaction.sh through a real sh: the proxy's nginx.conf.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-conf-'));
  mkdirSync(join(dir, 'drain'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeConf(): string {
  const result = spawnSync('sh', ['-c', `PROXY_DIR=$1\n${transactionFunctions('write_proxy_conf')}write_proxy_conf || exit 9`, 'conf', dir], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(join(dir, 'nginx.conf'), 'utf8');
}

describe("the host proxy's nginx.conf", () => {
  test('old workers keep their connections for the longest drain timeout of any proxied service on the host', () => {
    writeFileSync(join(dir, 'drain', 'shop-production--web'), '45\n');
    writeFileSync(join(dir, 'drain', 'shop-staging--web'), '120\n');
    writeFileSync(join(dir, 'drain', 'blog-production--web'), '9\n');
    expect(writeConf()).toMatch(/^worker_shutdown_timeout 120s;$/mu);
  });

  test('30 s when no service says', () => {
    expect(writeConf()).toMatch(/^worker_shutdown_timeout 30s;$/mu);
  });

  test('client connections close after each response, so that a reload never closes one a client is about to reuse', () => {
    expect(writeConf()).toMatch(/^\s*keepalive_timeout 0;$/mu);
  });

  test("routes come from one file per proxied service, read from the proxy's own mount", () => {
    expect(writeConf()).toContain('include /etc/stack-deploy-proxy/conf.d/*.conf;');
  });
});

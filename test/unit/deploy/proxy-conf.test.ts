import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// route_service through a real sh, with a `docker` that stands in for the proxy container: what
// the route file says, and when a route is refused or taken back.
describe('a route of the host proxy', () => {
  let bin: string;
  beforeEach(() => {
    mkdirSync(join(dir, 'conf.d'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    // inspect: a container's address; top: a new worker pid each time (the reload took);
    // exec: nginx -t / -s reload, failing when RELOAD_FAILS is set.
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh
case "$1" in
  inspect) echo "172.18.0.7 " ;;
  top) printf 'PID ARGS\\n%s nginx: worker process\\n' "$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')" ;;
  exec) case "$*" in *reload*) [ -z "\${RELOAD_FAILS:-}" ] || exit 1 ;; esac ;;
esac
exit 0
`,
      { mode: 0o755 },
    );
  });

  function route(plan: string, project = 'shop-production'): { status: number | null; log: string; conf: string | undefined } {
    const script = `PROXY_DIR=$1 RUN_DIR=$1 PROJECT=$2 RUN_ID=r1 PROXY_CONTAINER=stack-deploy-proxy PATH="$1/bin:$PATH"
SVC_0_NAME=web SVC_0_DRAIN_S=30
${plan}
${transactionFunctions('svc', 'var', 'route_file', 'drain_file', 'proxy_nginx', 'container_ip', 'write_proxy_conf', 'proxy_processes', 'proxy_workers', 'restore_route', 'route_service')}route_service 0 c1`;
    const result = spawnSync('sh', ['-c', script, 'route', dir, project], { encoding: 'utf8' });
    const read = (file: string): string | undefined => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    return { status: result.status, log: read(join(dir, 'proxy.log')) ?? '', conf: read(join(dir, 'conf.d', `${project}--web.conf`)) };
  }

  test('listens on each published port and sends to the containers, by host name where stack.yml gives names', () => {
    const done = route("SVC_0_ROUTES='127.0.0.1/8080/80' SVC_0_HOST_NAMES='shop.example.com *.shop.example.com'");
    expect(done.status).toBe(0);
    expect(done.conf).toContain('  listen 127.0.0.1:8080;\n  server_name shop.example.com *.shop.example.com;\n');
    expect(done.conf).toContain('  server 172.18.0.7:80;');
    expect(route("SVC_0_ROUTES='127.0.0.1/8080/80' SVC_0_HOST_NAMES=").conf).not.toContain('server_name');
  });

  test('two environments share a port only when both have host names', () => {
    expect(route("SVC_0_ROUTES='*/80/8080' SVC_0_HOST_NAMES='shop.example.com'", 'shop-production').status).toBe(0);
    expect(route("SVC_0_ROUTES='*/80/8080' SVC_0_HOST_NAMES='staging.shop.example.com'", 'shop-staging').status).toBe(0);
    const refused = route("SVC_0_ROUTES='*/80/8080' SVC_0_HOST_NAMES=", 'blog-production');
    expect(refused.status).not.toBe(0);
    expect(refused.conf).toBeUndefined();
    expect(refused.log).toMatch(/^\*:80 is already served by the proxy for shop-\w+ web: give both services host names/u);
  });

  test('a reload that fails puts the previous route back', () => {
    expect(route("SVC_0_ROUTES='127.0.0.1/8080/80' SVC_0_HOST_NAMES=").status).toBe(0);
    const before = readFileSync(join(dir, 'conf.d', 'shop-production--web.conf'), 'utf8');
    const failed = route("RELOAD_FAILS=1; export RELOAD_FAILS; SVC_0_ROUTES='127.0.0.1/9090/80' SVC_0_HOST_NAMES=");
    expect(failed.status).not.toBe(0);
    expect(failed.conf).toBe(before);
  });
});

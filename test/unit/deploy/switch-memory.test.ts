import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { transactionFunctions } from './transaction-harness';

// remember_switches of transaction.sh through a real sh: what a deploy planned is kept on the
// host, so that a rollback (whose plan does not say) switches each service the same way.

let state: string;
beforeEach(() => {
  state = mkdtempSync(join(tmpdir(), 'switch-memory-'));
});
afterEach(() => rmSync(state, { recursive: true, force: true }));

/** Runs remember_switches with `plan` (shell assignments), then prints the named variables. */
function remember(plan: string, print: string[]): { status: number | null; printed: string[] } {
  const script = `STATE_DIR=$1\nPROXIED_OVERRIDE="$STATE_DIR/proxied.yml"\nSERVICES='web worker'\n${plan}\n${transactionFunctions('var', 'remember_switches')}remember_switches || exit 9\nprintf '%s\\0' ${print.map((name) => `"$${name}"`).join(' ')}`;
  const result = spawnSync('sh', ['-c', script, 'remember', state], { encoding: 'utf8' });
  return { status: result.status, printed: result.stdout.split('\0').slice(0, -1) };
}

describe('how services are switched, remembered on the host', () => {
  const deployed = `SVC_0_SWITCH=proxy SVC_0_REPLICAS=1 SVC_0_ROUTES='127.0.0.1/8080/80' SVC_0_DRAIN_S=45 SVC_0_DIRECT_URL='http://__IP__:80/health' SVC_0_HOST_NAMES='shop.example.com www.shop.example.com'
SVC_1_SWITCH=start-first SVC_1_REPLICAS=1 SVC_1_ROUTES= SVC_1_DRAIN_S=30 SVC_1_DIRECT_URL=`;

  test('a deploy keeps its plan, and hides the proxied service\'s ports in an override', () => {
    expect(remember(deployed, []).status).toBe(0);
    expect(readFileSync(join(state, 'switch/web'), 'utf8')).toBe('proxy\n1\n127.0.0.1/8080/80\n45\nhttp://__IP__:80/health\nshop.example.com www.shop.example.com\n');
    expect(readFileSync(join(state, 'proxied.yml'), 'utf8')).toBe('services:\n  web:\n    ports: !reset []\n');
  });

  test('a rollback, whose plan does not say, switches each service as the last deploy did', () => {
    remember(deployed, []);
    const rollback = remember('SVC_0_SWITCH= SVC_1_SWITCH=', ['SVC_0_SWITCH', 'SVC_0_ROUTES', 'SVC_0_DRAIN_S', 'SVC_0_DIRECT_URL', 'SVC_0_HOST_NAMES', 'SVC_1_SWITCH']);
    expect(rollback.printed).toEqual(['proxy', '127.0.0.1/8080/80', '45', 'http://__IP__:80/health', 'shop.example.com www.shop.example.com', 'start-first']);
  });

  test('a service the compose files no longer define is forgotten, and leaves the proxy', () => {
    remember(deployed, []);
    const proxyDir = join(state, 'proxy');
    mkdirSync(join(proxyDir, 'conf.d'), { recursive: true });
    writeFileSync(join(proxyDir, 'conf.d', 'shop-production--web.conf'), '');
    const unrouted = remember(
      `PROXY_DIR='${proxyDir}' PROJECT=shop-production COMPOSE_SERVICES='worker db' SVC_1_SWITCH=start-first SERVICES=worker
unroute_service() { echo "$1" > "$STATE_DIR/unrouted"; }`,
      [],
    );
    expect(unrouted.status).toBe(0);
    expect(existsSync(join(state, 'switch/web'))).toBe(false);
    expect(existsSync(join(state, 'proxied.yml'))).toBe(false);
    expect(readFileSync(join(state, 'unrouted'), 'utf8')).toBe('web\n');
  });

  test('a rollback, which knows no compose file, forgets nothing', () => {
    remember(deployed, []);
    expect(remember('SVC_0_SWITCH= SVC_1_SWITCH= COMPOSE_SERVICES=', []).status).toBe(0);
    expect(readFileSync(join(state, 'proxied.yml'), 'utf8')).toContain('  web:\n');
  });

  test('a service no longer behind the proxy publishes its ports again', () => {
    remember(deployed, []);
    remember('SVC_0_SWITCH=stop-first SVC_1_SWITCH=start-first', []);
    expect(existsSync(join(state, 'proxied.yml'))).toBe(false);
  });
});

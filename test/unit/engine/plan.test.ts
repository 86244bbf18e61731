import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCommand } from '../../../src/engine/run';
import { resolveSettings } from '../../../src/engine/settings';
import { Redactor } from '../../../src/exec/redact';
import { FakeClock, FakeExecutor, FakeReporter, succeeded } from '../fakes';

// `plan` for a promotion (the version is already in the registry): a registry on loopback answers
// the release's digest, a fake host answers the inspection, and nothing else runs. `validate`
// and `plan` refuse a switch that cannot work before anything connects.

const DIGEST = `sha256:${'b'.repeat(64)}`;

let dir = '';
let registry: Server;
let registryHost = '';

beforeAll(async () => {
  registry = createServer((req, res) => {
    if (req.url === '/v2/acme/web/manifests/2.0.0') {
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': DIGEST }).end('{}');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  registryHost = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'stack-deploy-plan-'));
  writeFileSync(
    join(dir, 'compose.yml'),
    `services:
  web:
    image: ${registryHost}/acme/web
    ports: ["127.0.0.1:8080:8080"]
  worker:
    image: ${registryHost}/acme/web
    command: [work]
  postgres:
    image: postgres:15.6
    volumes: ["pgdata:/var/lib/postgresql/data"]
volumes:
  pgdata: {}
`,
  );
  writeFileSync(
    join(dir, 'stack.yml'),
    `version: 1
name: shop
registry: { host: "${registryHost}", namespace: acme }
services:
  web:
    build: { context: . }
    drain_timeout: 45s
  worker:
    image_from: web
  postgres:
    image: postgres:15.6
environments:
  production: { host: host, user: deploy, path: /srv/shop, compose: [compose.yml] }
`,
  );
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => registry.close(resolve));
});

/** Runs `command` on the stack in `dir` (stack.yml, or `manifest`) against `host`. */
async function run(command: 'plan' | 'validate', host: FakeExecutor, manifest = 'stack.yml') {
  const reporter = new FakeReporter();
  const result = await runCommand({
    settings: resolveSettings({ command, manifest: join(dir, manifest), version: '2.0.0', build: false, actor: 'alice', ref: 'refs/tags/v2.0.0', sha: '0123456789abcdef0123456789abcdef01234567' }, { lockTimeout: 'lock-timeout', buildCache: 'build-cache' }),
    reporter,
    redactor: new Redactor(),
    clock: new FakeClock(),
    local: new FakeExecutor(),
    cleanup: { registryLogin: () => undefined, lockTaken: () => undefined, lockSettled: () => undefined },
    tempDir: dir,
    env: {},
    connect: () => Promise.resolve(host),
  });
  return { result, reporter };
}

const fakeHost = () => new FakeExecutor(() => succeeded('== project\nshop-production\n== lock\n== ledger\n'), 'deploy@host:22');

describe('plan', () => {
  test('shows, per service, how a deploy would switch it and why', async () => {
    const host = fakeHost();
    const { result, reporter } = await run('plan', host);
    expect(reporter.errors).toEqual([]);
    expect(result.status).toBe('success');
    const table = result.summary.tables[0];
    expect(table?.header).toEqual(['Service', 'Running', 'Current digest', 'Would deploy', 'Restarts', 'Size', 'Switch']);
    expect(table?.rows.map((row) => [row[0], row[3], row.at(-1)])).toEqual([
      ['web', DIGEST, 'proxy (auto: built, publishes 127.0.0.1:8080, drains 45s)'],
      ['worker (shares web)', DIGEST, "start-first (auto: shares web's image, publishes no port)"],
      ['postgres (pinned postgres:15.6)', 'postgres:15.6', 'stop-first (auto: pinned postgres:15.6)'],
    ]);
    const lines = [...reporter.outside, ...reporter.groups.flatMap((group) => group.lines)];
    expect(lines).toContain(`web: not running — -> ${DIGEST}; restarts: yes; switch: proxy (auto: built, publishes 127.0.0.1:8080, drains 45s)`);
    expect(host.calls).toHaveLength(1);
  });

  test('refuses a switch that cannot work, like validate, before it connects', async () => {
    writeFileSync(join(dir, 'bad.yml'), 'version: 1\nname: shop\nservices:\n  web: { build: {}, switch: start-first }\nenvironments:\n  production: { host: host, user: deploy, path: /srv/shop, compose: [compose.yml] }\n');
    const message = `${join(dir, 'bad.yml')}:4:29 services.web.switch: in environment "production", "start-first" cannot work: web (compose.yml:2) publishes the fixed host port 127.0.0.1:8080, which the new container cannot bind while the old one runs (publish it without a host port (like "8080") so that Compose chooses one, or use "proxy" or "stop-first")`;
    for (const command of ['plan', 'validate'] as const) {
      const host = fakeHost();
      const { result, reporter } = await run(command, host, 'bad.yml');
      expect(result.status).not.toBe('success');
      expect(reporter.errors).toEqual([message]);
      expect(host.calls).toEqual([]);
    }
  });
});

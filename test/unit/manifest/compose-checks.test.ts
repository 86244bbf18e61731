import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue, loadManifest } from '../../../src/manifest';

const COMPOSE = `services:
  api:
    image: ghcr.io/acme/api
    ports: ["127.0.0.1:8080:8080"]
  postgres:
    image: postgres:15.6
  queue:
    image: \${QUEUE_IMAGE:?set QUEUE_IMAGE to the queue's image}
`;

function manifest(extra = '', services = '  api:\n    build: {}\n    health: { http: "http://127.0.0.1:8080/health" }\n'): string {
  return `version: 1
name: shop
services:
${services}environments:
  production: { host: example.com, user: deploy, path: /opt/shop, compose: compose.yml }
${extra}`;
}

describe('loadManifest with the compose files', () => {
  let dir = '';
  const load = async (stack: string, compose = COMPOSE, variables?: Record<string, string>) => {
    await writeFile(join(dir, 'stack.yml'), stack);
    await writeFile(join(dir, 'compose.yml'), compose);
    return loadManifest(join(dir, 'stack.yml'), { variables: variables === undefined ? undefined : new Map(Object.entries(variables)) });
  };
  const messages = (result: Awaited<ReturnType<typeof load>>) => (result.ok ? [] : result.issues.map((issue) => formatIssue({ ...issue, file: issue.file.slice(dir.length + 1) })));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compose-checks-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets backup and migrations name services that only the compose files define', async () => {
    const result = await load(manifest('backup:\n  - { name: db, service: postgres, command: [pg_dump, app] }\nmigrations: { service: api, command: [migrate] }\n'));
    expect(messages(result)).toEqual([]);
    expect(result.ok && Object.keys(result.compose ?? {})).toEqual(['production']);
  });

  it('locates a backup that names a service found in neither file, with a suggestion', async () => {
    expect(messages(await load(manifest('backup:\n  - { name: db, service: postgre, command: [pg_dump, app] }\n')))).toEqual([
      'stack.yml:10:26 backup.0.service: backup "db" names unknown service "postgre" (did you mean "postgres"?)',
    ]);
  });

  it('locates a stack.yml service that the compose files do not define', async () => {
    expect(messages(await load(manifest('', '  api: { build: {} }\n  wroker: { build: {} }\n')))).toEqual([
      'stack.yml:5:3 services.wroker: service "wroker" is not defined in the compose files of environment "production" (compose.yml) (they define: api, postgres, queue)',
    ]);
  });

  it('locates a compose file that does not parse', async () => {
    expect(messages(await load(manifest(), 'services:\n  api:\n    image: "unclosed\n'))).toEqual(['compose.yml:4:1: the compose file does not parse: missing closing "quote']);
  });

  it('reports a compose file that cannot be read, unless the compose files are not wanted (build)', async () => {
    await writeFile(join(dir, 'stack.yml'), manifest());
    const missing = await loadManifest(join(dir, 'stack.yml'));
    expect(missing.ok ? [] : missing.issues.map((i) => i.message)).toEqual(['the compose file compose.yml cannot be read']);
    expect((await loadManifest(join(dir, 'stack.yml'), { compose: false })).ok).toBe(true);
  });

  it('reports a variable the compose files require when the env is known, and not otherwise', async () => {
    expect(messages(await load(manifest(), COMPOSE, { OTHER: '1' }))).toEqual([
      "compose.yml:8:12 services.queue.image: set QUEUE_IMAGE to the queue's image (set it in the environment's env (the action's `env` input, or --env-file))",
    ]);
    expect(messages(await load(manifest(), COMPOSE, { QUEUE_IMAGE: 'nats:2.10' }))).toEqual([]);
    expect(messages(await load(manifest()))).toEqual([]);
  });

  it('locates a switch that cannot work with the compose definition, and a drain_timeout outside the proxy', async () => {
    const services = '  api:\n    build: {}\n    switch: start-first\n  worker:\n    image_from: api\n    drain_timeout: 10s\n';
    const compose = `${COMPOSE}  worker:\n    image: ghcr.io/acme/api\n`;
    expect(messages(await load(manifest('', services), compose))).toEqual([
      'stack.yml:6:13 services.api.switch: in environment "production", "start-first" cannot work: api (compose.yml:2) publishes the fixed host port 127.0.0.1:8080, which the new container cannot bind while the old one runs (publish it without a host port (like "8080") so that Compose chooses one, or use "proxy" or "stop-first")',
      'stack.yml:9:5 services.worker.drain_timeout: in environment "production", worker switches start-first (auto: shares api\'s image, publishes no port), and only services that the proxy switches drain (remove drain_timeout, or set switch: proxy)',
    ]);
    expect(messages(await load(manifest('', '  api:\n    build: {}\n    drain_timeout: 10s\n')))).toEqual([]);
  });

  it('names every environment where a switch cannot work, once per problem, and only those that deploy the service', async () => {
    const stack = `version: 1
name: shop
services:
  api: { build: {}, switch: proxy }
  db: { image: "postgres:15.6", switch: proxy }
environments:
  production: { host: a.example.com, user: deploy, path: /opt/shop, compose: compose.yml }
  staging: { host: b.example.com, user: deploy, path: /opt/shop, compose: compose.other.yml }
  preview: { host: c.example.com, user: deploy, path: /opt/shop, compose: compose.other.yml }
  tools: { host: d.example.com, user: deploy, path: /opt/shop, compose: compose.other.yml, services: [db] }
`;
    const compose = `${COMPOSE}  db:\n    image: postgres:15.6\n    container_name: db\n`;
    await writeFile(join(dir, 'compose.other.yml'), `services:\n  api:\n    image: ghcr.io/acme/api\n    container_name: shop-api\n    ports: ["127.0.0.1:8080:8080"]\n  db:\n    image: postgres:15.6\n`);
    expect(messages(await load(stack, compose))).toEqual([
      'stack.yml:4:29 services.api.switch: in environments "staging" and "preview", "proxy" cannot work: api (compose.other.yml:2) has container_name "shop-api", which allows one container at a time, and proxy runs the new one next to the old one (remove container_name from the compose file, or use "stop-first")',
      'stack.yml:5:41 services.db.switch: in environment "production", "proxy" cannot work: db (compose.yml:9) has container_name "db", which allows one container at a time, and proxy runs the new one next to the old one; it publishes no port for the proxy to own (remove container_name from the compose file, publish the port it serves HTTP on, or use "stop-first")',
      'stack.yml:5:41 services.db.switch: in environments "staging", "preview" and "tools", "proxy" cannot work: db (compose.other.yml:6) publishes no port for the proxy to own (publish the port it serves HTTP on, or use "start-first" or "stop-first")',
    ]);
  });

  it('routes by host name only the services behind the proxy, and only services of the environment', async () => {
    const stack = `version: 1
name: shop
services:
  api: { build: {} }
environments:
  production:
    host: a.example.com
    user: deploy
    path: /opt/shop
    compose: compose.yml
    host_names: { api: [shop.example.com, "*.shop.example.com"], postgres: [db.example.com], worker: [w.example.com] }
`;
    expect(messages(await load(stack))).toEqual([
      'stack.yml:11:66 environments.production.host_names.postgres: postgres switches stop-first (auto: compose-only, runs postgres:15.6), and only services behind the proxy are routed by host name (remove its host_names, or set its switch to proxy and publish its HTTP port)',
      'stack.yml:11:94 environments.production.host_names.worker: worker is not a service of production (name one of: api, postgres, queue)',
    ]);
    expect(messages(await load(stack.replace(', postgres: [db.example.com], worker: [w.example.com]', '')))).toEqual([]);
    expect(messages(await load(stack.replace('shop.example.com,', 'Shop.Example.com,')))).toEqual([
      'stack.yml:11:25 environments.production.host_names.api.0: "Shop.Example.com" is not a valid host name: use lowercase letters, digits, "-" and ".", like "shop.example.com" or "*.example.com"',
    ]);
  });

  it('warns about a health port that is neither published nor host-networked', async () => {
    const result = await load(manifest('', '  api:\n    build: {}\n    health: { http: "http://127.0.0.1:9090/health" }\n'));
    expect(result.ok && result.warnings).toEqual([
      'services.api.health.http probes port 9090 on the host, but in environment "production" api neither publishes port 9090 nor uses network_mode: host (compose.yml:2): the probe cannot reach it',
    ]);
    const clean = await load(manifest());
    expect(clean.ok && clean.warnings).toEqual([]);
  });
});

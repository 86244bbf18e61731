import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readComposeModel } from '../../../src/init/compose-model';
import { type InitOptions, manifestFromCompose, manifestText } from '../../../src/init/manifest-from-compose';
import { MANIFEST_SCHEMA_ID, parseManifest } from '../../../src/manifest';
import { thrownBy } from '../helpers';

const ROOT = path.resolve(__dirname, '../../..');
const ENVIRONMENT = { name: 'production', host: 'deploy.example.com', user: 'deploy', path: '/opt/shop' };

/** Every compose file under examples/, relative to the repository. */
function exampleComposeFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (/^(docker-)?compose[\w.-]*\.ya?ml$/u.test(entry.name)) found.push(relative);
    }
  };
  walk('examples');
  return found.sort();
}

function draftFor(composeText: string, options: Partial<InitOptions> = {}) {
  return manifestFromCompose(readComposeModel(parse(composeText), 'compose.yml'), {
    composeFile: 'compose.yml',
    fallbackName: 'My Shop',
    environment: ENVIRONMENT,
    hasDockerfile: () => false,
    ...options,
  });
}

describe('init round-trips the examples\' compose files through validation', () => {
  const files = exampleComposeFiles();

  test('finds them', () => {
    expect(files).toContain('examples/demo/compose.yml');
  });

  test.each(files)('%s', (file) => {
    const dir = path.dirname(path.join(ROOT, file));
    const draft = manifestFromCompose(readComposeModel(parse(readFileSync(path.join(ROOT, file), 'utf8')), file), {
      composeFile: path.basename(file),
      fallbackName: path.basename(dir),
      environment: ENVIRONMENT,
      hasDockerfile: (sub) => existsSync(path.join(dir, sub, 'Dockerfile')),
    });
    const text = manifestText(draft, MANIFEST_SCHEMA_ID);
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${MANIFEST_SCHEMA_ID}`);
    const loaded = parseManifest(text, 'stack.yml');
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
  });

  test('the demo\'s services are built from their Dockerfile directories, as its own stack.yml says', () => {
    const dir = path.join(ROOT, 'examples/demo');
    const draft = manifestFromCompose(readComposeModel(parse(readFileSync(path.join(dir, 'compose.yml'), 'utf8')), 'compose.yml'), {
      composeFile: 'compose.yml',
      fallbackName: 'demo',
      environment: ENVIRONMENT,
      hasDockerfile: (sub) => existsSync(path.join(dir, sub, 'Dockerfile')),
    });
    expect(draft.manifest.services).toEqual({
      web: { build: { context: 'services/web' }, image: '127.0.0.1:5000/demo/web' },
      worker: { build: { context: 'services/worker' }, image: '127.0.0.1:5000/demo/worker' },
    });
  });
});

describe('manifestFromCompose', () => {
  const COMPOSE = `
name: shop
services:
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
      target: runtime
      args: ["NODE_ENV=production", "EMPTY"]
    image: ghcr.io/acme/shop-api:1.4.0
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/health"]
  web:
    build: web
    ports: ["127.0.0.1:8081:80", "9000-9001:9000-9001"]
  admin:
    build: { context: admin, network: host }
    ports: [{ target: 3000, published: 3000 }]
  postgres:
    image: postgres:15
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
  redis:
    image: redis:7
  cache:
    image: memcached
  sidecar:
    network_mode: host
  quiet:
    build: quiet
    healthcheck: { test: ["NONE"] }
`;

  test('built services, services left to Compose, health from healthchecks and published ports', () => {
    const draft = draftFor(COMPOSE);
    expect(draft.manifest).toEqual({
      version: 1,
      name: 'shop',
      services: {
        api: {
          build: { context: 'api', dockerfile: 'Dockerfile.prod', target: 'runtime', args: { NODE_ENV: 'production' } },
          image: 'ghcr.io/acme/shop-api',
          health: { cmd: ['wget', '-q', '-O-', 'http://127.0.0.1:8080/health'] },
        },
        web: { build: { context: 'web' }, health: { http: 'http://127.0.0.1:8081/' } },
        admin: { build: { context: 'admin', network: 'host' }, health: { http: 'http://127.0.0.1:3000/' } },
        postgres: { health: { cmd: ['sh', '-c', 'pg_isready -U app'] } },
        quiet: { build: { context: 'quiet' } },
      },
      environments: { production: { host: 'deploy.example.com', user: 'deploy', path: '/opt/shop', compose: ['compose.yml'] } },
    });
    expect(draft.notes).toEqual([
      'postgres: left to Compose (postgres:15); its healthcheck gates deploys',
      'redis: left to Compose (redis:7)',
      'cache: memcached has no tag; pin one (image:tag) so every deploy runs the same image',
      'cache: left to Compose (memcached)',
      'sidecar: skipped: it has neither build nor image',
    ]);
    const loaded = parseManifest(manifestText(draft, MANIFEST_SCHEMA_ID), 'stack.yml');
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
  });

  test('paths are made relative to stack.yml, which may sit above the compose file', () => {
    const draft = draftFor('services:\n  api:\n    build: ../api\n', { composeFile: 'deploy/compose.yml' });
    expect(draft.manifest.services).toEqual({ api: { build: { context: 'api' } } });
    expect(draft.manifest.environments).toMatchObject({ production: { compose: ['deploy/compose.yml'] } });
  });

  test('a name Compose allows but stack.yml does not is cleaned; without one the directory names the stack', () => {
    expect(draftFor('name: My.Shop\nservices:\n  api: { build: . }\n').manifest.name).toBe('my-shop');
    expect(draftFor('services:\n  api: { build: . }\n', { fallbackName: '_Shop Front' }).manifest.name).toBe('shop-front');
    expect(draftFor('services:\n  api: { build: . }\n', { environment: { name: 'staging', host: 'h', user: 'u' } }).manifest.environments).toEqual({
      staging: { host: 'h', user: 'u', path: '/opt/my-shop', compose: ['compose.yml'] },
    });
  });

  test('refuses a build context outside the directory of stack.yml', () => {
    expect(thrownBy(() => draftFor('services:\n  api:\n    build: ../api\n')).message).toBe('the build context of "api" "../api" is outside the directory of stack.yml');
  });

  test('refuses a compose file with nothing to build or health-gate, and one without services', () => {
    expect(thrownBy(() => draftFor('services:\n  redis: { image: "redis:7" }\n')).message).toBe('compose.yml has no service for stack-deploy to build or health-gate');
    expect(thrownBy(() => draftFor('volumes: {}\n')).message).toBe('compose.yml has no services');
  });
});

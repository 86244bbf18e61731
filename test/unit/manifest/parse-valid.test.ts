import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/manifest';
import { readManifestFixture } from './fixtures';

describe('parseManifest on a valid manifest', () => {
  it('parses every key: durations in ms, sizes in bytes, defaults applied, compose always a list', () => {
    const result = parseManifest(readManifestFixture('full.yml'), 'stack.yml');

    expect(result).toEqual({
      ok: true,
      file: 'stack.yml',
      manifest: {
        version: 1,
        name: 'shop',
        registry: { host: 'ghcr.io', namespace: 'acme' },
        services: {
          api: {
            build: {
              context: 'services/api',
              dockerfile: 'Dockerfile',
              target: 'runtime',
              args: { GO_VERSION: '1.23', FEATURE: 'on-by-default' },
              network: 'host',
              platforms: ['linux/amd64'],
            },
            image: 'ghcr.io/acme/shop-api',
            size_limit: 20_000_000,
            release_tag: 'api-v*',
            health: { http: 'http://127.0.0.1:8080/health', timeout: 90_000, interval: 500 },
            switch: 'proxy',
            drain_timeout: 45_000,
          },
          worker: {
            build: { context: 'services/worker' },
            size_limit: 1_610_612_736,
            switch: 'start-first',
            health: { cmd: ['wget', '-q', '-O-', 'http://127.0.0.1:8081/health'], timeout: 60_000, interval: 1_000 },
          },
          postgres: {},
          'error-tracker': { health: { timeout: 60_000, interval: 1_000 } },
        },
        environments: {
          production: {
            host: 'deploy.example.com',
            port: 2222,
            user: 'deploy',
            path: '/opt/shop',
            compose: ['deploy/compose.yml', 'deploy/compose.prod.yml'],
            services: ['api', 'worker'],
          },
          staging: {
            host: '2001:db8::10',
            port: 22,
            user: 'deploy',
            path: '/opt/shop-staging',
            compose: ['deploy/compose.yml'],
          },
        },
        backup: [
          { name: 'db', service: 'postgres', command: ['pg_dump', '-U', 'app', '-Fc', 'app'], retain: 14 },
          { name: 'errors', service: 'error-tracker', sqlite: '/data/errors.db', retain: 7 },
        ],
        migrations: { service: 'api', command: ['./api', 'migrate', 'up'], timeout: 90_000 },
        smoke: [
          { name: 'home', http: 'http://127.0.0.1:8080/', expect: { status: 200, body_contains: 'ok' }, timeout: 10_000 },
          { name: 'status', http: 'https://shop.example.com/status', expect: { status: 200 }, timeout: 30_000 },
          { name: 'suite', run: ['./scripts/smoke.sh'], timeout: 120_000 },
        ],
        hooks: {
          pre_deploy: [['./scripts/notify.sh', 'start']],
          post_deploy: [['./scripts/notify.sh', 'done']],
        },
      },
    });
  });

  it('applies the defaults of a minimal manifest', () => {
    const text = [
      'version: 1',
      'name: shop',
      'services:',
      '  api: { build: {} }',
      'migrations: { service: api, command: [./migrate] }',
      'environments:',
      '  production: { host: 10.0.0.5, user: deploy, path: /opt/shop, compose: compose.yml }',
      '',
    ].join('\n');

    const result = parseManifest(text, 'stack.yml');

    expect(result).toEqual({
      ok: true,
      file: 'stack.yml',
      manifest: {
        version: 1,
        name: 'shop',
        services: { api: { build: { context: '.' } } },
        migrations: { service: 'api', command: ['./migrate'], timeout: 300_000 },
        environments: {
          production: { host: '10.0.0.5', port: 22, user: 'deploy', path: '/opt/shop', compose: ['compose.yml'] },
        },
      },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import { execFileSync } from 'node:child_process';
import { composeProject, defaultImage, environmentServices, legacyProject, type Manifest, parseManifest, releaseTagPattern, ROLLBACK_TAG_SH, rollbackTag } from '../../../src/manifest';

function manifest(registry: string): Manifest {
  const text = [
    'version: 1',
    'name: shop',
    registry,
    'services:',
    '  api: { build: {}, image: ghcr.io/acme/shop-api, release_tag: api-release-* }',
    '  worker: {}',
    '  web_ui: {}',
    'environments:',
    '  production: { host: example.com, user: deploy, path: /opt/shop, compose: compose.yml, services: [worker, api] }',
    '  staging: { host: example.com, user: deploy, path: /opt/shop-staging, compose: compose.yml }',
    '',
  ].join('\n');
  const result = parseManifest(text, 'stack.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.manifest;
}

describe('defaultImage', () => {
  it('uses the explicit image', () => {
    expect(defaultImage(manifest(''), 'api', 'Someone')).toBe('ghcr.io/acme/shop-api');
  });

  it('defaults to ghcr.io and the repository owner, lowercased', () => {
    expect(defaultImage(manifest(''), 'worker', 'Acme-Corp')).toBe('ghcr.io/acme-corp/worker');
  });

  it('prefers the registry settings of the manifest', () => {
    expect(defaultImage(manifest('registry: { host: registry.example.com:5000, namespace: Team }'), 'web_ui', 'acme')).toBe(
      'registry.example.com:5000/team/web_ui',
    );
  });

  it('throws with a hint when there is no namespace and no owner', () => {
    expect(() => defaultImage(manifest(''), 'worker', undefined)).toThrow(StackDeployError);
    expect(() => defaultImage(manifest(''), 'worker', undefined)).toThrow(
      expect.objectContaining({ context: expect.objectContaining({ service: 'worker', hint: expect.stringContaining('registry.namespace') }) }),
    );
  });

  it('throws for an unknown service, suggesting a close name', () => {
    expect(() => defaultImage(manifest(''), 'wroker', 'acme')).toThrow(
      expect.objectContaining({ message: 'stack.yml has no service "wroker"', context: { hint: 'did you mean "worker"?' } }),
    );
  });
});

describe('releaseTagPattern', () => {
  it('uses release_tag or defaults to <service>-v*', () => {
    expect(releaseTagPattern(manifest(''), 'api')).toBe('api-release-*');
    expect(releaseTagPattern(manifest(''), 'worker')).toBe('worker-v*');
  });
});

describe('environmentServices', () => {
  it('returns the subset as listed, or every service in manifest order', () => {
    expect(environmentServices(manifest(''), 'production')).toEqual(['worker', 'api']);
    expect(environmentServices(manifest(''), 'staging')).toEqual(['api', 'worker', 'web_ui']);
  });

  it('throws for an unknown environment', () => {
    expect(() => environmentServices(manifest(''), 'prod')).toThrow(
      expect.objectContaining({ message: 'stack.yml has no environment "prod"', context: { hint: 'stack.yml defines: production, staging' } }),
    );
  });
});

describe('composeProject and rollbackTag', () => {
  it('gives each environment a project of its own unless it sets one', () => {
    const text = [
      'version: 1',
      'name: shop',
      'services: { api: {} }',
      'environments:',
      '  production: { host: a.example, user: deploy, path: /opt/shop, compose: c.yml }',
      '  staging: { host: a.example, user: deploy, path: /opt/shop-staging, compose: c.yml, project: shop }',
      '',
    ].join('\n');
    const result = parseManifest(text, 'stack.yml');
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(composeProject(result.manifest, 'production')).toBe('shop-production');
    expect(legacyProject(result.manifest, 'production')).toBe('shop');
    expect(composeProject(result.manifest, 'staging')).toBe('shop');
    expect(legacyProject(result.manifest, 'staging')).toBeUndefined();
  });

  it('names the project and the service in the rollback tag, the same in TypeScript and on the host', () => {
    expect(rollbackTag('shop-production', 'api')).toBe('rollback-shop-production-api');
    const fromShell = execFileSync('sh', ['-c', `${ROLLBACK_TAG_SH}\nrollback_tag "$1" "$2"`, 'sh', 'shop-staging', 'worker_2'], { encoding: 'utf8' });
    expect(fromShell).toBe(rollbackTag('shop-staging', 'worker_2'));
  });

  it('throws for an unknown environment', () => {
    expect(() => composeProject(manifest(''), 'prod')).toThrow('stack.yml has no environment "prod"');
  });
});

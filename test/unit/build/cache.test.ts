import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildImages } from '../../../src/build/build-images';
import { chooseBuildCache } from '../../../src/build/cache';
import { type CacheStore, localCacheDir, localCacheKey, localCacheRoot } from '../../../src/build/local-cache';
import type { ServiceBuild } from '../../../src/build/plan';
import { previousReleaseTag } from '../../../src/build/versions';
import type { Builder } from '../../../src/commands/docker';
import type { BuildCacheMode } from '../../../src/engine/settings';
import { FakeExecutor, FakeReporter, succeeded } from '../fakes';

const scratch = mkdtempSync(join(tmpdir(), 'build-cache-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function event(defaultBranch: string): string {
  const file = join(scratch, `event-${defaultBranch}.json`);
  writeFileSync(file, JSON.stringify({ repository: { default_branch: defaultBranch } }));
  return file;
}

const GITHUB = { ACTIONS_RUNTIME_TOKEN: 'tok', ACTIONS_RESULTS_URL: 'https://results.example/' };
const ON_MAIN = { GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_PATH: event('main') };
const ON_BRANCH = { GITHUB_REF: 'refs/heads/feature', GITHUB_EVENT_PATH: event('main') };
const CONTAINER = 'Name:   builder\nDriver: docker-container\n';
const DOCKER = 'Name: default\nDriver: docker\n';

const API: ServiceBuild = {
  service: 'api',
  image: 'ghcr.io/acme/api',
  releaseRef: 'ghcr.io/acme/api:1.2.3',
  refs: ['ghcr.io/acme/api:1.2.3', 'ghcr.io/acme/api:sha-abcdef0'],
  context: join(scratch, 'api'),
  buildArgs: {},
  labels: {},
};

function noStore(): CacheStore & { restored: string[]; saved: string[] } {
  const restored: string[] = [];
  const saved: string[] = [];
  return { restored, saved, available: () => false, restore: () => Promise.resolve(undefined), save: () => Promise.resolve() };
}

async function cacheFor(mode: BuildCacheMode, builder: Builder, driverOutput: string, env: Record<string, string>, store: CacheStore = noStore()) {
  const executor = new FakeExecutor(() => succeeded(driverOutput));
  const cache = await chooseBuildCache(mode, { executor, builder, env: { HOME: join(scratch, 'home'), ...env }, store, warn: () => undefined });
  return { cache, executor };
}

describe('build cache modes: argv', () => {
  test.each([
    ['gha on GitHub', 'gha', 'buildx', CONTAINER, GITHUB, ['type=gha,scope=stack-deploy-api'], ['type=gha,scope=stack-deploy-api,mode=max'], {}],
    ['registry on the default branch', 'registry', 'buildx', CONTAINER, ON_MAIN, ['type=registry,ref=ghcr.io/acme/api:buildcache'], ['type=registry,ref=ghcr.io/acme/api:buildcache,mode=max'], {}],
    ['registry on another branch: read only', 'registry', 'buildx', CONTAINER, ON_BRANCH, ['type=registry,ref=ghcr.io/acme/api:buildcache'], [], {}],
    ['registry with no event payload: read only', 'registry', 'buildx', CONTAINER, { GITHUB_REF: 'refs/heads/main' }, ['type=registry,ref=ghcr.io/acme/api:buildcache'], [], {}],
    ['local, docker driver: the last image with an inline cache', 'local', 'buildx', DOCKER, {}, ['ghcr.io/acme/api:stack-deploy-cache'], [], { BUILDKIT_INLINE_CACHE: '1' }],
    ['local, classic builder: the last image', 'local', 'classic', '', {}, ['ghcr.io/acme/api:stack-deploy-cache'], [], {}],
  ] as const)('%s', async (_name, mode, builder, driver, env, from, to, args) => {
    const { cache } = await cacheFor(mode, builder, driver, env);
    expect(cache.disabledBecause).toBeUndefined();
    expect(cache.cacheFrom(API)).toEqual(from);
    expect(cache.cacheTo(API)).toEqual(to);
    expect(cache.buildArgs(API)).toEqual(args);
    expect(JSON.stringify([cache.cacheFrom(API), cache.cacheTo(API)])).not.toContain('tok');
  });

  test('the cache tags never count as a previous release in size comparisons', () => {
    expect(previousReleaseTag(['1.2.2', 'buildcache', 'stack-deploy-cache'], '1.2.3')).toBe('1.2.2');
    expect(previousReleaseTag(['buildcache', 'stack-deploy-cache'], '1.2.3')).toBeUndefined();
    expect(previousReleaseTag(['buildcache'], 'sha-abcdef0')).toBeUndefined();
  });

  test('registry writes need the registry logins during the build; read only does not', async () => {
    expect((await cacheFor('registry', 'buildx', CONTAINER, ON_MAIN)).cache.writesToRegistry).toBe(true);
    const readOnly = (await cacheFor('registry', 'buildx', CONTAINER, ON_BRANCH)).cache;
    expect(readOnly.writesToRegistry).toBe(false);
    expect(readOnly.description).toContain('read only: refs/heads/feature is not the default branch main');
  });

  test('local with an exporting driver: a new directory each build, from the last one once it exists', async () => {
    const { cache } = await cacheFor('local', 'buildx', CONTAINER, { XDG_CACHE_HOME: join(scratch, 'xdg') });
    const dir = join(scratch, 'xdg', 'stack-deploy', 'ghcr.io_acme_api');
    await cache.restore([API]);
    expect(cache.cacheFrom(API)).toEqual([]);
    expect(cache.cacheTo(API)).toEqual([`type=local,dest=${dir}.new,mode=max`]);
    // What buildx would write: the new directory, which replaces the old one.
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'old-blob'), 'old');
    mkdirSync(`${dir}.new`);
    writeFileSync(join(`${dir}.new`, 'new-blob'), 'new');
    await cache.save([API]);
    expect(readdirSync(dir)).toEqual(['new-blob']);
    expect(readdirSync(join(scratch, 'xdg', 'stack-deploy'))).toEqual(['ghcr.io_acme_api']);
    expect(cache.cacheFrom(API)).toEqual([`type=local,src=${dir}`]);
  });

  test('the built image carries the cache arguments', async () => {
    const { cache } = await cacheFor('local', 'buildx', DOCKER, {});
    const executor = new FakeExecutor();
    await buildImages([API], { executor, reporter: new FakeReporter(), builder: 'buildx', cache, parallelism: 1 });
    const argv = executor.calls[0]?.argv ?? [];
    expect(argv).toEqual(expect.arrayContaining(['--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--cache-from', 'ghcr.io/acme/api:stack-deploy-cache']));
    expect(argv).not.toContain('--cache-to');
  });
});

describe('build cache off, with the reason on one line', () => {
  test.each([
    ['off', 'off', 'buildx', CONTAINER, GITHUB, 'build-cache is off'],
    ['gha outside GitHub', 'gha', 'buildx', CONTAINER, {}, 'not running on GitHub Actions'],
    ['gha with the classic builder', 'gha', 'classic', CONTAINER, GITHUB, 'docker buildx is not installed'],
    ['gha with the docker driver', 'gha', 'buildx', DOCKER, GITHUB, 'the buildx builder uses the "docker" driver, which cannot export caches'],
    ['registry with the classic builder', 'registry', 'classic', CONTAINER, ON_MAIN, 'docker buildx is not installed'],
    ['registry with the docker driver', 'registry', 'buildx', DOCKER, ON_MAIN, 'the buildx builder uses the "docker" driver, which cannot export caches'],
  ] as const)('%s', async (_name, mode, builder, driver, env, why) => {
    const { cache } = await cacheFor(mode, builder, driver, env);
    expect(cache.disabledBecause).toContain(why);
    expect(cache.disabledBecause).not.toContain('\n');
    expect(cache.cacheFrom(API)).toEqual([]);
    expect(cache.cacheTo(API)).toEqual([]);
    expect(cache.buildArgs(API)).toEqual({});
  });
});

describe('local cache on a runner with the Actions cache service', () => {
  function recordingStore(matched?: (key: string) => string | undefined) {
    const calls: string[] = [];
    const store: CacheStore = {
      available: () => true,
      restore: (dir, key, restoreKeys) => {
        calls.push(`restore ${dir} ${key} ${restoreKeys.join(',')}`);
        return Promise.resolve(matched?.(key));
      },
      save: (dir, key) => {
        calls.push(`save ${dir} ${key}`);
        return Promise.resolve();
      },
    };
    return { store, calls };
  }

  test('docker driver: restores and loads the last image, then tags, saves and stores the new one', async () => {
    const env = { HOME: join(scratch, 'runner-home') };
    const dir = localCacheDir(localCacheRoot(env), API);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'image.tar'), 'restored');
    const { store, calls } = recordingStore();
    const executor = new FakeExecutor(() => succeeded(DOCKER));
    const cache = await chooseBuildCache('local', { executor, builder: 'buildx', env, store, warn: () => undefined });
    expect(cache.description).toContain('saved with the Actions cache');
    await cache.restore([API]);
    await cache.save([API]);
    const { key, restoreKeys } = localCacheKey('image', API);
    expect(calls).toEqual([`restore ${dir} ${key} ${restoreKeys.join(',')}`, `save ${dir} ${key}`]);
    expect(executor.calls.map((c) => c.argv.join(' '))).toEqual([
      'docker buildx inspect',
      `docker image load --input ${join(dir, 'image.tar')}`,
      'docker tag ghcr.io/acme/api:1.2.3 ghcr.io/acme/api:stack-deploy-cache',
      `docker image save --output ${join(`${dir}.new`, 'image.tar')} ghcr.io/acme/api:stack-deploy-cache`,
    ]);
  });

  test('an exact key hit is not saved again', async () => {
    const { store, calls } = recordingStore((key) => key);
    const cache = await chooseBuildCache('local', { executor: new FakeExecutor(() => succeeded(CONTAINER)), builder: 'buildx', env: { HOME: join(scratch, 'hit') }, store, warn: () => undefined });
    await cache.restore([API]);
    await cache.save([API]);
    expect(calls.filter((c) => c.startsWith('save'))).toEqual([]);
  });

  test('the key follows the Dockerfile and the lockfiles, and keeps its service prefix', () => {
    mkdirSync(API.context, { recursive: true });
    writeFileSync(join(API.context, 'Dockerfile'), 'FROM scratch\n');
    const first = localCacheKey('dir', API);
    writeFileSync(join(API.context, 'package-lock.json'), '{"lockfileVersion":3}');
    const second = localCacheKey('dir', API);
    writeFileSync(join(API.context, 'index.js'), 'console.log(1)');
    const third = localCacheKey('dir', API);
    expect(second.key).not.toBe(first.key);
    expect(third.key).toBe(second.key);
    expect(first.restoreKeys).toEqual(second.restoreKeys);
    expect(second.key.startsWith(second.restoreKeys[0] ?? '?')).toBe(true);
    expect(second.key).toMatch(/^stack-deploy-local-dir-api-/u);
  });

  test('without XDG_CACHE_HOME the cache lives in ~/.cache/stack-deploy', () => {
    expect(localCacheRoot({ HOME: '/home/me' })).toBe('/home/me/.cache/stack-deploy');
    expect(localCacheRoot({ HOME: '/home/me', XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/stack-deploy');
  });
});

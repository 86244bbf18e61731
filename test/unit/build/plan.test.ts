import { describe, expect, test } from 'vitest';
import { planBuild, selectServices, type PlanInput } from '../../../src/build/plan';
import { StackDeployError } from '../../../src/errors';
import { parseManifest, type Manifest } from '../../../src/manifest';
import { thrownBy } from '../helpers';

const SHA = 'ABCDEF0123456789abcdef0123456789abcdef01';
const SHORT = 'abcdef0';
const NOW = new Date('2024-05-06T07:08:09.123Z');
const DIR = '/repo/deploy';

function manifestOf(yaml: string): Manifest {
  const result = parseManifest(yaml, 'stack.yml');
  if (!result.ok) throw new Error(`test manifest is invalid: ${JSON.stringify(result.issues)}`);
  expect(result.ok).toBe(true);
  return result.manifest;
}

const ENVIRONMENTS = `
environments:
  production:
    host: deploy.example.com
    user: deploy
    path: /opt/shop
    compose: compose.yml
`;

/** Two built services (one with every build option), one service that is not built. */
const SHOP = manifestOf(`
version: 1
name: shop
registry:
  host: Registry.Example.com:5000
  namespace: Acme/Team
services:
  api:
    build:
      context: services/api
      dockerfile: docker/Dockerfile
      target: runtime
      args: { GO_VERSION: "1.23" }
      network: host
      platforms: [linux/amd64, linux/arm64]
    size_limit: 20MB
  worker:
    build: {}
    image: ghcr.io/other/worker-image
  postgres: {}
${ENVIRONMENTS}`);

/** No registry section: ghcr.io and the repository owner. */
const PLAIN = manifestOf(`
version: 1
name: blog
services:
  web:
    build: { context: web }
${ENVIRONMENTS}`);

function input(manifest: Manifest, overrides: Partial<PlanInput> = {}): PlanInput {
  return { manifest, manifestDir: DIR, ref: 'refs/heads/main', sha: SHA, requested: [], repositoryOwner: 'Octo-Org', now: NOW, ...overrides };
}


describe('planBuild: which images and tags', () => {
  interface TagCase {
    name: string;
    manifest: Manifest;
    overrides: Partial<PlanInput>;
    version: string;
    builds: { service: string; image: string; releaseRef: string; refs: string[] }[];
  }
  const cases: TagCase[] = [
    {
      name: 'branch: sha version, one deduplicated tag per image, postgres not built',
      manifest: SHOP,
      overrides: {},
      version: `sha-${SHORT}`,
      builds: [
        {
          service: 'api',
          image: 'registry.example.com:5000/acme/team/api',
          releaseRef: `registry.example.com:5000/acme/team/api:sha-${SHORT}`,
          refs: [`registry.example.com:5000/acme/team/api:sha-${SHORT}`],
        },
        {
          service: 'worker',
          image: 'ghcr.io/other/worker-image',
          releaseRef: `ghcr.io/other/worker-image:sha-${SHORT}`,
          refs: [`ghcr.io/other/worker-image:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'stack tag: version tag and sha tag',
      manifest: SHOP,
      overrides: { ref: 'refs/tags/v1.4.0' },
      version: '1.4.0',
      builds: [
        {
          service: 'api',
          image: 'registry.example.com:5000/acme/team/api',
          releaseRef: 'registry.example.com:5000/acme/team/api:1.4.0',
          refs: ['registry.example.com:5000/acme/team/api:1.4.0', `registry.example.com:5000/acme/team/api:sha-${SHORT}`],
        },
        {
          service: 'worker',
          image: 'ghcr.io/other/worker-image',
          releaseRef: 'ghcr.io/other/worker-image:1.4.0',
          refs: ['ghcr.io/other/worker-image:1.4.0', `ghcr.io/other/worker-image:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'service tag: only that service',
      manifest: SHOP,
      overrides: { ref: 'refs/tags/worker-v2.0.0-rc.1' },
      version: '2.0.0-rc.1',
      builds: [
        {
          service: 'worker',
          image: 'ghcr.io/other/worker-image',
          releaseRef: 'ghcr.io/other/worker-image:2.0.0-rc.1',
          refs: ['ghcr.io/other/worker-image:2.0.0-rc.1', `ghcr.io/other/worker-image:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'build metadata: "+" becomes "-" in tags',
      manifest: SHOP,
      overrides: { ref: 'refs/tags/api-v1.2.3+build.5' },
      version: '1.2.3+build.5',
      builds: [
        {
          service: 'api',
          image: 'registry.example.com:5000/acme/team/api',
          releaseRef: 'registry.example.com:5000/acme/team/api:1.2.3-build.5',
          refs: ['registry.example.com:5000/acme/team/api:1.2.3-build.5', `registry.example.com:5000/acme/team/api:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'version override wins over the ref',
      manifest: SHOP,
      overrides: { requested: ['api'], version: '9.9.9' },
      version: '9.9.9',
      builds: [
        {
          service: 'api',
          image: 'registry.example.com:5000/acme/team/api',
          releaseRef: 'registry.example.com:5000/acme/team/api:9.9.9',
          refs: ['registry.example.com:5000/acme/team/api:9.9.9', `registry.example.com:5000/acme/team/api:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'version override equal to the sha tag is deduplicated',
      manifest: SHOP,
      overrides: { ref: 'refs/tags/v1.0.0', requested: ['worker'], version: `sha-${SHORT}` },
      version: `sha-${SHORT}`,
      builds: [
        {
          service: 'worker',
          image: 'ghcr.io/other/worker-image',
          releaseRef: `ghcr.io/other/worker-image:sha-${SHORT}`,
          refs: [`ghcr.io/other/worker-image:sha-${SHORT}`],
        },
      ],
    },
    {
      name: 'defaults: ghcr.io and the repository owner, lowercased',
      manifest: PLAIN,
      overrides: { ref: 'refs/tags/v3.0.0' },
      version: '3.0.0',
      builds: [
        {
          service: 'web',
          image: 'ghcr.io/octo-org/web',
          releaseRef: 'ghcr.io/octo-org/web:3.0.0',
          refs: ['ghcr.io/octo-org/web:3.0.0', `ghcr.io/octo-org/web:sha-${SHORT}`],
        },
      ],
    },
  ];

  test.each(cases)('$name', ({ manifest, overrides, version, builds }) => {
    const plan = planBuild(input(manifest, overrides));
    expect(plan.version).toBe(version);
    expect(plan.builds.map(({ service, image, releaseRef, refs }) => ({ service, image, releaseRef, refs }))).toEqual(builds);
  });
});

describe('planBuild: build options', () => {
  test('the build section, context resolved against manifestDir, and sizeLimit', () => {
    const plan = planBuild(input(SHOP, { ref: 'refs/tags/v1.4.0' }));
    const [api, worker] = plan.builds;
    expect(api).toMatchObject({
      context: '/repo/deploy/services/api',
      dockerfile: 'docker/Dockerfile',
      target: 'runtime',
      buildArgs: { GO_VERSION: '1.23' },
      network: 'host',
      platforms: ['linux/amd64', 'linux/arm64'],
      sizeLimit: 20_000_000,
    });
    expect(worker).toMatchObject({ context: '/repo/deploy', buildArgs: {} });
    expect(worker?.dockerfile).toBeUndefined();
    expect(worker?.target).toBeUndefined();
    expect(worker?.platforms).toBeUndefined();
    expect(worker?.network).toBeUndefined();
    expect(worker?.sizeLimit).toBeUndefined();
  });

  test.each([
    ['relative manifestDir', 'deploy', 'services/api', `${process.cwd()}/deploy/services/api`],
    ['manifestDir with ..', '/repo/deploy/../other', 'services/api', '/repo/other/services/api'],
    ['absolute context kept', '/repo/deploy', '/srv/context', '/srv/context'],
  ])('context: %s', (_name, manifestDir, context, expected) => {
    const api = SHOP.services.api;
    if (api?.build === undefined) throw new Error('api has no build');
    const manifest: Manifest = { ...SHOP, services: { api: { ...api, build: { ...api.build, context } } } };
    const plan = planBuild(input(manifest, { manifestDir }));
    expect(plan.builds[0]?.context).toBe(expected);
  });

  test('OCI labels: created, revision, title, version; source only with repositoryUrl', () => {
    const without = planBuild(input(SHOP, { ref: 'refs/tags/api-v1.2.3+build.5' }));
    expect(without.builds[0]?.labels).toEqual({
      'org.opencontainers.image.created': '2024-05-06T07:08:09.123Z',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.title': 'shop-api',
      'org.opencontainers.image.version': '1.2.3+build.5',
    });
    const withUrl = planBuild(input(SHOP, { repositoryUrl: 'https://github.com/acme/shop' }));
    expect(withUrl.builds.map((build) => build.labels)).toEqual([
      {
        'org.opencontainers.image.created': '2024-05-06T07:08:09.123Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.title': 'shop-api',
        'org.opencontainers.image.version': `sha-${SHORT}`,
        'org.opencontainers.image.source': 'https://github.com/acme/shop',
      },
      {
        'org.opencontainers.image.created': '2024-05-06T07:08:09.123Z',
        'org.opencontainers.image.revision': SHA,
        'org.opencontainers.image.title': 'shop-worker',
        'org.opencontainers.image.version': `sha-${SHORT}`,
        'org.opencontainers.image.source': 'https://github.com/acme/shop',
      },
    ]);
  });

  test('the selection is returned with the plan', () => {
    const plan = planBuild(input(SHOP, { ref: 'refs/tags/worker-v2.0.0' }));
    expect(plan.selection).toEqual({ version: '2.0.0', services: ['worker'], source: 'service-tag', shortSha: SHORT });
  });

  test('no registry namespace and no repository owner: refused for a built service', () => {
    const error = thrownBy(() => planBuild(input(PLAIN, { repositoryOwner: undefined })));
    expect(error.message).toContain('"web"');
    expect(error.context.service).toBe('web');
  });
});

describe('selectServices', () => {
  test.each<[string, Partial<PlanInput>]>([
    ['no ref', { ref: undefined }],
    ['no sha', { sha: undefined }],
    ['neither', { ref: undefined, sha: undefined }],
  ])('refuses without ref and sha: %s', (_name, overrides) => {
    const error = thrownBy(() => selectServices(input(SHOP, overrides)));
    expect(error.message).toBe('cannot tell which commit is being released: no Git ref and SHA');
    expect(error.context.step).toBe('select');
    expect(error.context.hint).toContain('--ref');
    expect(() => planBuild(input(SHOP, overrides))).toThrow(StackDeployError);
  });

  test.each(['bad tag', '-leading-dash', '.leading-dot', 'a/b', '', 'x'.repeat(129), 'ü1.0'])('refuses version override %j', (version) => {
    const error = thrownBy(() => planBuild(input(SHOP, { version })));
    expect(error.message).toBe(`the version "${version}" cannot be an image tag`);
    expect(error.context.step).toBe('select');
    expect(error.context.hint).toBeDefined();
  });

  test.each([
    ['1.2.3+build.5', '1.2.3+build.5'],
    ['x'.repeat(128), 'x'.repeat(128)],
    ['_under', '_under'],
  ])('accepts version override %j', (version, expected) => {
    expect(selectServices(input(SHOP, { version })).version).toBe(expected);
  });

  test('a ref whose version cannot be a tag is refused', () => {
    const error = thrownBy(() => selectServices(input(SHOP, { ref: 'refs/tags/v1.0.0~beta' })));
    expect(error.context.step).toBe('select');
  });

  test('returns the selection in manifest order for requested services', () => {
    const { version, selection } = selectServices(input(SHOP, { requested: ['worker', 'api'] }));
    expect(version).toBe(`sha-${SHORT}`);
    expect(selection).toEqual({ version: `sha-${SHORT}`, services: ['api', 'worker'], source: 'requested', shortSha: SHORT });
  });

  test('a service that is not built is never released, and requesting it says why', () => {
    expect(selectServices(input(SHOP, { ref: 'refs/tags/v2.0.0' })).selection.services).toEqual(['api', 'worker']);
    const error = thrownBy(() => selectServices(input(SHOP, { requested: ['postgres'] })));
    expect(error.message).toBe('postgres is not released by stack-deploy: it runs the image pinned in stack.yml or the compose files');
    expect(error.context.step).toBe('select');
  });

  test('requesting a service that shares a built image releases the service it shares', () => {
    const shared = manifestOf(`
version: 1
name: shop
services:
  server: { build: {} }
  jobs: { image_from: server }
  db: { image: postgres:15.6 }
${ENVIRONMENTS}`);
    expect(selectServices(input(shared, { requested: ['jobs'] })).selection.services).toEqual(['server']);
    expect(selectServices(input(shared, { ref: 'refs/tags/server-v1.4.0' })).selection).toMatchObject({ version: '1.4.0', services: ['server'] });
    expect(() => selectServices(input(shared, { ref: 'refs/tags/jobs-v1.4.0' }))).toThrow(StackDeployError);
  });
});

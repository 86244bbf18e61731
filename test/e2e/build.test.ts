import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { LabRegistry } from './registry';
import { type ActionRun, runAction } from './run-action';

let lab: Lab;
let registry: LabRegistry;
const scratch = mkdtempSync(join(tmpdir(), 'build-e2e-'));
const dockerConfig = join(scratch, 'docker-config');
// A namespace of its own, so that earlier runs' images in the lab registry never count.
const namespace = `e2e${randomBytes(4).toString('hex')}`;
const sha = randomBytes(20).toString('hex');
const shaTag = `sha-${sha.slice(0, 7)}`;
const createdImages: string[] = [];

function service(name: string, dockerfile: string, files: Record<string, string | Buffer> = {}): void {
  const dir = join(scratch, 'services', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
}

beforeAll(() => {
  lab = readLab();
  registry = new LabRegistry(lab);
  mkdirSync(dockerConfig);
  service('api', `FROM ${lab.images.busybox}\nARG GREETING\nCOPY index.html /www/index.html\nRUN echo "$GREETING" > /www/greeting\n`, { 'index.html': 'api v1\n' });
  service('web', `FROM ${lab.images.busybox}\nCOPY index.html /www/index.html\n`, { 'index.html': 'web v1\n' });
  service('fat', `FROM ${lab.images.busybox}\nCOPY blob.bin /blob.bin\n`, { 'blob.bin': randomBytes(3 * 1024 * 1024) });
  service('broken', `FROM ${lab.images.busybox}\nRUN echo "line one of the failure" && echo "the last words" && exit 3\n`);
  // A dependency step before the file that changes, as in a real app's Dockerfile.
  service('cached', `FROM ${lab.images.busybox}\nCOPY deps.txt /deps.txt\nRUN cp /deps.txt /deps.installed && echo "dependency step ran"\nCOPY index.html /www/index.html\n`, {
    'deps.txt': `dependencies ${namespace}\n`,
    'index.html': 'cached v1\n',
  });
  writeFileSync(
    join(scratch, 'compose.yml'),
    `services:\n${['api', 'web', 'fat', 'broken', 'cached', 'postgres'].map((name) => `  ${name}:\n    image: ${name === 'postgres' ? 'postgres:15.6' : `${lab.registry.host}/${namespace}/${name}`}\n`).join('')}`,
  );
  writeFileSync(
    join(scratch, 'stack.yml'),
    `version: 1
name: shop
registry:
  host: ${lab.registry.host}
  namespace: ${namespace}
services:
  api:
    build: { context: services/api, network: host, args: { GREETING: hello } }
    size_limit: 10MB
  web:
    build: { context: services/web, network: host }
    size_limit: 10MB
  fat:
    build: { context: services/fat, network: host }
    size_limit: 1MB
  broken:
    build: { context: services/broken, network: host }
  cached:
    build: { context: services/cached, network: host }
  postgres: {}
environments:
  production:
    host: 127.0.0.1
    user: deploy
    path: /srv/shop
    compose: [compose.yml]
`,
  );
});

afterAll(() => {
  const host = ['api', 'web', 'fat', 'broken', 'cached'].map((s) => `${lab.registry.host}/${namespace}/${s}`);
  const refs = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
    .split('\n')
    .filter((ref) => host.some((repo) => ref.startsWith(`${repo}:`)) && !ref.endsWith(':<none>'));
  if (refs.length > 0) execFileSync('docker', ['image', 'rm', ...refs, ...createdImages], { stdio: 'ignore' });
  rmSync(scratch, { recursive: true, force: true });
});

function build(ref: string, inputs: Record<string, string> = {}, password = lab.registry.password): ActionRun {
  return runAction(
    { command: 'build', 'registry-username': lab.registry.username, 'registry-password': password, ...inputs },
    { cwd: scratch, env: { GITHUB_REF: ref, GITHUB_SHA: sha, GITHUB_REPOSITORY: 'acme/shop', GITHUB_ACTOR: 'octocat', DOCKER_CONFIG: dockerConfig }, timeoutMs: 300_000 },
  );
}

/** Everything a person could see of a run (the runner consumes ::add-mask:: lines itself). */
function everything(run: ActionRun): string {
  return [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function dockerConfigAuths(): Record<string, unknown> {
  const file = join(dockerConfig, 'config.json');
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { auths?: Record<string, unknown> }).auths ?? {};
}

function loginWith(config: string): void {
  execFileSync('docker', ['login', lab.registry.host, '--username', lab.registry.username, '--password-stdin'], {
    input: lab.registry.password,
    env: { ...process.env, DOCKER_CONFIG: config },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
}

function logoutWith(config: string): void {
  execFileSync('docker', ['logout', lab.registry.host], { env: { ...process.env, DOCKER_CONFIG: config }, stdio: 'ignore' });
}

describe('command build, from the bundle, against the lab registry', () => {
  test('v1.2.3 builds and pushes two services; the output digests are the registry\'s', async () => {
    const run = build('refs/tags/v1.2.3', { services: 'api, web' });
    expect(run.stderr).toBe('');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('success');
    expect(run.outputs.version).toBe('1.2.3');
    expect(JSON.parse(run.outputs.services ?? '')).toEqual(['api', 'web']);
    const images = JSON.parse(run.outputs.images ?? '{}') as Record<string, string>;
    const sizes = JSON.parse(run.outputs.sizes ?? '{}') as Record<string, number>;
    for (const name of ['api', 'web']) {
      const repository = `${namespace}/${name}`;
      const digest = await registry.digest(repository, '1.2.3');
      expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/u);
      expect(images[name]).toBe(`${lab.registry.host}/${repository}@${digest}`);
      expect(await registry.digest(repository, shaTag)).toBe(digest);
      expect(sizes[name]).toBeGreaterThan(500_000);
      expect(sizes[name]).toBeLessThan(10_000_000);
      const labels = await registry.labels(repository, '1.2.3');
      expect(labels).toMatchObject({
        'org.opencontainers.image.revision': sha,
        'org.opencontainers.image.version': '1.2.3',
        'org.opencontainers.image.source': 'https://github.com/acme/shop',
        'org.opencontainers.image.title': `shop-${name}`,
      });
      expect(labels['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT/u);
    }
    expect(run.stdout).toContain('::group::Build api');
    expect(run.stdout).toContain('::group::Build web');
    expect(run.summary).toContain('| Service | Size | Budget | Change | Result |');
    expect(run.summary).toMatch(/\| api \| [\d.]+ MB \| 10\.0 MB \| — \| pass \|/u);
    expect(everything(run)).not.toContain(lab.registry.password);
    expect(dockerConfigAuths()).toEqual({});
    expect(JSON.parse(run.state.registries ?? '[]')).toEqual([lab.registry.host]);
  });

  test('a login made by an earlier step survives the build; the build logs in and out in a config of its own', () => {
    loginWith(dockerConfig);
    const before = readFileSync(join(dockerConfig, 'config.json'), 'utf8');
    const runnerTemp = join(scratch, 'runner-temp');
    mkdirSync(runnerTemp);
    const run = runAction(
      { command: 'build', 'registry-username': lab.registry.username, 'registry-password': lab.registry.password, services: 'web' },
      { cwd: scratch, env: { GITHUB_REF: 'refs/tags/v1.2.4', GITHUB_SHA: sha, GITHUB_REPOSITORY: 'acme/shop', GITHUB_ACTOR: 'octocat', DOCKER_CONFIG: dockerConfig, RUNNER_TEMP: runnerTemp }, timeoutMs: 300_000 },
    );
    expect(run.exitCode, run.stdout).toBe(0);
    expect(readFileSync(join(dockerConfig, 'config.json'), 'utf8')).toBe(before);
    // The private config was used (the main step saved where) and is gone when the step ends.
    expect(run.state.dockerConfig).toBe('');
    expect(readdirSync(runnerTemp).filter((name) => name.startsWith('stack-deploy-docker-'))).toEqual([]);
    logoutWith(dockerConfig);
  });

  test('the post step removes the private Docker config of a cut-short run, and leaves the runner\'s own logins', () => {
    loginWith(dockerConfig);
    const before = readFileSync(join(dockerConfig, 'config.json'), 'utf8');
    const leftBehind = mkdtempSync(join(scratch, 'stack-deploy-docker-'));
    loginWith(leftBehind);
    const post = runAction({}, { cwd: scratch, env: { DOCKER_CONFIG: dockerConfig }, state: { isPost: 'true', dockerConfig: leftBehind, registries: JSON.stringify([lab.registry.host]) } });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain(`stack-deploy: removed this run's Docker config and its logins to ${lab.registry.host}`);
    expect(existsSync(leftBehind)).toBe(false);
    expect(readFileSync(join(dockerConfig, 'config.json'), 'utf8')).toBe(before);
    logoutWith(dockerConfig);
  });

  test('a service tag builds only that service, and the summary shows the change since the last release', async () => {
    const run = build('refs/tags/api-v1.3.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.version).toBe('1.3.0');
    expect(JSON.parse(run.outputs.services ?? '')).toEqual(['api']);
    expect(Object.keys(JSON.parse(run.outputs.images ?? '{}') as object)).toEqual(['api']);
    expect(await registry.tags(`${namespace}/web`)).not.toContain('1.3.0');
    expect(await registry.digest(`${namespace}/api`, '1.3.0')).toBeDefined();
    expect(run.summary).toMatch(/\| api \| [\d.]+ MB \| 10\.0 MB \| [+-±][^|]* vs 1\.2\.3 \| pass \|/u);
  });

  test('an image over its budget fails the run before anything is pushed', async () => {
    const run = build('refs/tags/v2.0.0', { services: 'fat' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toMatch(/size budget exceeded: fat is 4\.\d MB, over its size_limit of 1\.0 MB\. Nothing was pushed\./u);
    expect(run.summary).toMatch(/\| fat \| 4\.\d MB \| 1\.0 MB \| — \| over budget \|/u);
    expect(await registry.tags(`${namespace}/fat`)).toEqual([]);
    expect(dockerConfigAuths()).toEqual({});
  });

  test('a wrong registry password: a clear error, and the password is nowhere', async () => {
    const wrong = `not-the-password-${randomBytes(6).toString('hex')}`;
    const run = build('refs/tags/v3.0.0', { services: 'web' }, wrong);
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain(`docker login to ${lab.registry.host} as ${lab.registry.username} failed`);
    expect(run.summary).toContain('check the registry-username and registry-password inputs');
    expect(everything(run)).not.toContain(wrong);
    expect(run.stdout).toContain(`::add-mask::${wrong}`);
    expect(await registry.tags(`${namespace}/web`)).not.toContain('3.0.0');
  });

  test('a failing build names the service and shows the end of its log', () => {
    const run = build('refs/tags/v4.0.0', { services: 'broken' });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('service broken, step build: the build of broken failed');
    expect(run.summary).toContain('the last words');
    expect(run.summary).toContain('its whole log is in the "Build broken" log group');
  });

  test('a tag that matches no service is refused with the patterns', () => {
    const run = build('refs/tags/release-9');
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('"release-9" matches no release tag pattern');
  });

  test('build-cache local: after the builder cache is gone, a one-line change reuses the dependency step from the last image', () => {
    const repository = `${lab.registry.host}/${namespace}/cached`;
    const forgetBuilds = () => {
      // Only the kept image may carry the cache: no release image, nothing in the builder's own cache.
      const refs = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repository], { encoding: 'utf8' })
        .split('\n')
        .filter((ref) => ref !== '' && !ref.endsWith(':stack-deploy-cache') && !ref.endsWith(':<none>'));
      if (refs.length > 0) execFileSync('docker', ['image', 'rm', ...refs], { stdio: 'ignore' });
      execFileSync('docker', ['builder', 'prune', '--all', '--force'], { stdio: 'ignore' });
    };
    // BuildKit prints `#7 [3/4] RUN …` and, when it reuses the step, `#7 CACHED`; the classic builder says "Using cache".
    const dependencyStepCached = (log: string) => {
      const step = /^#(\d+) \[3\/4\] RUN cp/mu.exec(log)?.[1];
      return step === undefined ? /Step 3\/4 : RUN cp[^\n]*\n\s*---> Using cache/u.test(log) : log.includes(`#${step} CACHED`);
    };
    const buildLog = (run: ActionRun) => run.stdout.slice(run.stdout.indexOf('::group::Build cached'), run.stdout.indexOf('::endgroup::', run.stdout.indexOf('::group::Build cached')));

    const first = build('refs/tags/cached-v5.0.0', { 'build-cache': 'local' });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(first.stdout).toMatch(/build cache on \(the last image of each service \((inline cache|classic builder)\), kept by this Docker engine\)/u);
    expect(execFileSync('docker', ['image', 'ls', '--quiet', `${repository}:stack-deploy-cache`], { encoding: 'utf8' }).trim()).not.toBe('');
    expect(buildLog(first)).toContain('RUN cp /deps.txt');
    expect(dependencyStepCached(buildLog(first))).toBe(false);

    forgetBuilds();
    writeFileSync(join(scratch, 'services', 'cached', 'index.html'), 'cached v2\n');
    const second = build('refs/tags/cached-v5.0.1', { 'build-cache': 'local' });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(dependencyStepCached(buildLog(second)), buildLog(second)).toBe(true);

    // The same change with the cache off runs the dependency step again: the kept image was the cache.
    forgetBuilds();
    writeFileSync(join(scratch, 'services', 'cached', 'index.html'), 'cached v3\n');
    const off = build('refs/tags/cached-v5.0.2', { 'build-cache': 'false' });
    expect(off.exitCode, off.stdout).toBe(0);
    expect(off.stdout).toContain('build cache off because build-cache is off');
    expect(buildLog(off)).toContain('RUN cp /deps.txt');
    expect(dependencyStepCached(buildLog(off))).toBe(false);
  });
});

import { describe, expect, test } from 'vitest';
import { BUILD_ERROR_TAIL_LINES, buildImages, detectBuilder } from '../../../src/build/build-images';
import type { ServiceBuild } from '../../../src/build/plan';
import { StackDeployError } from '../../../src/errors';
import { FakeExecutor, FakeReporter, succeeded } from '../fakes';
import { rejectionOf } from '../helpers';

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 30; i += 1) await Promise.resolve();
}

/** What the fake does for one service's build. */
interface Script {
  /** Output chunks, emitted one per microtask so that parallel builds interleave. */
  readonly chunks?: readonly string[];
  /** Fail with a StackDeployError carrying this exit code. */
  readonly exitCode?: number;
  /** Fail with this value instead. */
  readonly throws?: unknown;
  /** Wait for this before finishing. */
  readonly gate?: Promise<void>;
}

/**
 * The shared fake executor, answering `docker buildx version` with `probeExitCode` and each
 * service's build with its script; it counts the builds running at once.
 */
function scriptedExecutor(scripts: Readonly<Record<string, Script>> = {}, probeExitCode = 0) {
  const executor = Object.assign(
    new FakeExecutor(async (cmd, options) => {
      if (cmd.argv.join(' ') === 'docker buildx version') {
        if (probeExitCode !== 0 && options.allowFailure !== true) throw new StackDeployError('probe failed', { exitCode: probeExitCode });
        return { exitCode: probeExitCode, stdout: '', stderr: probeExitCode === 0 ? '' : 'unknown command: buildx' };
      }
      const service = options.service ?? '?';
      const script = scripts[service] ?? {};
      executor.running += 1;
      executor.maxRunning = Math.max(executor.maxRunning, executor.running);
      try {
        for (const chunk of script.chunks ?? []) {
          executor.emitted.push(`${service}:${chunk}`);
          options.onOutput?.(chunk, 'stdout');
          await Promise.resolve();
        }
        if (script.gate !== undefined) await script.gate;
        if (script.throws !== undefined) throw script.throws;
        if (script.exitCode !== undefined) {
          throw new StackDeployError(`command failed with exit code ${script.exitCode}`, {
            host: executor.host,
            command: cmd.argv.join(' '),
            exitCode: script.exitCode,
            outputTail: 'the executor tail',
            hint: 'the executor hint',
          });
        }
        return succeeded();
      } finally {
        executor.running -= 1;
      }
    }),
    {
      /** Every chunk emitted, in emission order, as `service:chunk`. */
      emitted: [] as string[],
      running: 0,
      maxRunning: 0,
    },
  );
  return executor;
}

function build(service: string, more: Partial<ServiceBuild> = {}): ServiceBuild {
  return {
    service,
    image: `ghcr.io/acme/${service}`,
    releaseRef: `ghcr.io/acme/${service}:1.0.0`,
    refs: [`ghcr.io/acme/${service}:1.0.0`, `ghcr.io/acme/${service}:sha-abcdef0`],
    context: `/repo/${service}`,
    buildArgs: {},
    labels: {},
    ...more,
  };
}

const FULL = build('api', {
  dockerfile: 'docker/Dockerfile',
  target: 'runtime',
  buildArgs: { ZED: 'last', ALPHA: 'first', MIDDLE: 'a b' },
  labels: { 'org.opencontainers.image.version': '1.0.0', 'org.opencontainers.image.created': '2024-01-01T00:00:00.000Z' },
  platforms: ['linux/amd64', 'linux/arm64'],
  network: 'host',
});

const FULL_FLAGS = [
  '--file',
  '/repo/api/docker/Dockerfile',
  '--target',
  'runtime',
  '--build-arg',
  'ALPHA=first',
  '--build-arg',
  'MIDDLE=a b',
  '--build-arg',
  'ZED=last',
  '--label',
  'org.opencontainers.image.created=2024-01-01T00:00:00.000Z',
  '--label',
  'org.opencontainers.image.version=1.0.0',
  '--tag',
  'ghcr.io/acme/api:1.0.0',
  '--tag',
  'ghcr.io/acme/api:sha-abcdef0',
];


const lines = (service: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${service} line ${i + 1}\n`);

describe('detectBuilder', () => {
  test.each<[number, 'buildx' | 'classic']>([
    [0, 'buildx'],
    [1, 'classic'],
    [125, 'classic'],
  ])('probe exit %i → %s', async (exitCode, builder) => {
    const executor = scriptedExecutor({}, exitCode);
    expect(await detectBuilder(executor)).toBe(builder);
    expect(executor.calls).toHaveLength(1);
    expect(executor.calls[0]?.argv).toEqual(['docker', 'buildx', 'version']);
    expect(executor.calls[0]?.options.allowFailure).toBe(true);
  });
});

describe('buildImages: commands', () => {
  test.each([
    ['buildx', ['docker', 'buildx', 'build', ...FULL_FLAGS, '--platform', 'linux/amd64,linux/arm64', '--network', 'host', '--load', '/repo/api'], { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' }],
    ['classic', ['docker', 'build', ...FULL_FLAGS, '--network', 'host', '/repo/api'], { DOCKER_BUILDKIT: '0' }],
  ] as const)('%s: exact argv and environment', async (builder, argv, env) => {
    const executor = scriptedExecutor();
    await buildImages([FULL], { executor, reporter: new FakeReporter(), builder, parallelism: 1 });
    expect(executor.calls).toHaveLength(1);
    const [call] = executor.calls;
    expect(call?.argv).toEqual(argv);
    expect(call?.stdin).toBeUndefined();
    expect(call?.options).toMatchObject({ service: 'api', step: 'build', env });
    expect(call?.options.env).toEqual(env);
    expect(call?.options.allowFailure).not.toBe(true);
  });

  test.each(['buildx', 'classic'] as const)('%s: a minimal build', async (builder) => {
    const executor = scriptedExecutor();
    await buildImages([build('web')], { executor, reporter: new FakeReporter(), builder, parallelism: 4 });
    const head = builder === 'buildx' ? ['docker', 'buildx', 'build'] : ['docker', 'build'];
    const tail = builder === 'buildx' ? ['--load', '/repo/web'] : ['/repo/web'];
    expect(executor.calls[0]?.argv).toEqual([...head, '--tag', 'ghcr.io/acme/web:1.0.0', '--tag', 'ghcr.io/acme/web:sha-abcdef0', ...tail]);
  });

  test('every build runs once, each with its own command', async () => {
    const executor = scriptedExecutor();
    await buildImages([build('a'), build('b'), build('c')], { executor, reporter: new FakeReporter(), builder: 'buildx', parallelism: 3 });
    expect(executor.calls.map((call) => [call.options.service, call.argv.at(-1)])).toEqual([
      ['a', '/repo/a'],
      ['b', '/repo/b'],
      ['c', '/repo/c'],
    ]);
  });

  test('no builds: nothing runs, nothing is reported', async () => {
    const executor = scriptedExecutor();
    const reporter = new FakeReporter();
    await buildImages([], { executor, reporter, builder: 'buildx', parallelism: 2 });
    expect(executor.calls).toEqual([]);
    expect(reporter.groups).toEqual([]);
  });
});

describe('buildImages: logs', () => {
  test('one log group per service, holding only that service\'s output, even when output interleaves', async () => {
    const executor = scriptedExecutor({
      api: { chunks: ['api 1\n', 'api 2\n', 'api 3\n'] },
      web: { chunks: ['web 1\n', 'web 2\n', 'web 3\n'] },
    });
    const reporter = new FakeReporter();
    await buildImages([build('api'), build('web')], { executor, reporter, builder: 'buildx', parallelism: 2 });
    // the fake really did interleave the two builds' output
    expect(executor.emitted).toEqual(['api:api 1\n', 'web:web 1\n', 'api:api 2\n', 'web:web 2\n', 'api:api 3\n', 'web:web 3\n']);
    expect([...reporter.groups].sort((x, y) => x.title.localeCompare(y.title))).toEqual([
      { title: 'Build api', lines: ['api 1\napi 2\napi 3'] },
      { title: 'Build web', lines: ['web 1\nweb 2\nweb 3'] },
    ]);
    expect(reporter.outside).toEqual([]);
    expect(reporter.errors).toEqual([]);
  });

  test('chunks that split lines are joined back', async () => {
    const executor = scriptedExecutor({ api: { chunks: ['#1 [internal] load', ' build definition\n#1 DONE', ' 0.0s\n\n'] } });
    const reporter = new FakeReporter();
    await buildImages([build('api')], { executor, reporter, builder: 'classic', parallelism: 1 });
    expect(reporter.groups).toEqual([{ title: 'Build api', lines: ['#1 [internal] load build definition\n#1 DONE 0.0s'] }]);
  });

  test('a failed build still gets its log group', async () => {
    const executor = scriptedExecutor({ api: { chunks: ['step 1\n', 'error: no such file\n'], exitCode: 1 } });
    const reporter = new FakeReporter();
    await expect(buildImages([build('api')], { executor, reporter, builder: 'buildx', parallelism: 1 })).rejects.toThrow(StackDeployError);
    expect(reporter.groups).toEqual([{ title: 'Build api', lines: ['step 1\nerror: no such file'] }]);
  });
});

describe('buildImages: failures', () => {
  test('a failed build: message with the exit code, service, step, the last 30 lines of its own output, hint', async () => {
    expect(BUILD_ERROR_TAIL_LINES).toBe(30);
    const executor = scriptedExecutor({
      api: { chunks: lines('api', 100), exitCode: 2 },
      web: { chunks: lines('web', 100) },
    });
    const reporter = new FakeReporter();
    const error = await rejectionOf(() => buildImages([build('api'), build('web')], { executor, reporter, builder: 'buildx', parallelism: 2 }));
    expect(error.message).toBe('the build of api failed (exit code 2)');
    expect(error.context.service).toBe('api');
    expect(error.context.step).toBe('build');
    expect(error.context.exitCode).toBe(2);
    expect(error.context.host).toBe('local');
    expect(error.context.command).toContain('docker buildx build');
    expect(error.context.outputTail).toBe(
      Array.from({ length: 30 }, (_, i) => `api line ${71 + i}`).join('\n'),
    );
    expect(error.context.outputTail).not.toContain('web');
    expect(error.context.hint).toContain('"Build api" log group');
    expect(error.context.hint).not.toBe('the executor hint');
    expect(reporter.errors).toEqual([]);
    // the other build was not stopped
    expect(reporter.groups.map((group) => group.title).sort()).toEqual(['Build api', 'Build web']);
  });

  test('a failure that is not a StackDeployError: no exit code in the message', async () => {
    const executor = scriptedExecutor({ api: { chunks: ['only line\n'], throws: new Error('spawn docker ENOENT') } });
    const error = await rejectionOf(() => buildImages([build('api')], { executor, reporter: new FakeReporter(), builder: 'classic', parallelism: 1 }));
    expect(error.message).toBe('the build of api failed');
    expect(error.context.exitCode).toBeUndefined();
    expect(error.context).toMatchObject({ service: 'api', step: 'build', outputTail: 'only line' });
  });

  test('fewer than 30 lines: the whole output is the tail', async () => {
    const executor = scriptedExecutor({ api: { chunks: lines('api', 3), exitCode: 1 } });
    const error = await rejectionOf(() => buildImages([build('api')], { executor, reporter: new FakeReporter(), builder: 'buildx', parallelism: 1 }));
    expect(error.context.outputTail).toBe('api line 1\napi line 2\napi line 3');
  });

  test('two failures: the first (in build order) is thrown, the other reported as an error', async () => {
    const webGate = deferred();
    const executor = scriptedExecutor({
      api: { chunks: lines('api', 40), exitCode: 3, gate: webGate.promise },
      ok: { chunks: ['fine\n'] },
      web: { chunks: lines('web', 5), exitCode: 4 },
    });
    const reporter = new FakeReporter();
    const done = rejectionOf(() => buildImages([build('api'), build('ok'), build('web')], { executor, reporter, builder: 'buildx', parallelism: 3 }));
    await flush();
    // web failed first in time; api fails after
    webGate.resolve();
    const error = await done;
    expect(error.message).toBe('the build of api failed (exit code 3)');
    expect(error.context.service).toBe('api');
    expect(error.context.outputTail?.split('\n')).toHaveLength(30);
    expect(reporter.errors).toEqual(['the build of web failed (exit code 4)']);
    expect(reporter.groups.map((group) => group.title)).toEqual(['Build ok', 'Build web', 'Build api']);
  });
});

describe('buildImages: parallelism', () => {
  test.each([1, 2, 3])('at most %i builds at a time', async (parallelism) => {
    const services = ['a', 'b', 'c', 'd', 'e'];
    const gates = Object.fromEntries(services.map((service) => [service, deferred()]));
    const scripts = Object.fromEntries(services.map((service) => [service, { chunks: [`${service}\n`], gate: gates[service]?.promise }]));
    const executor = scriptedExecutor(scripts);
    const done = buildImages(
      services.map((service) => build(service)),
      { executor, reporter: new FakeReporter(), builder: 'buildx', parallelism },
    );
    await flush();
    expect(executor.calls).toHaveLength(parallelism);
    expect(executor.running).toBe(parallelism);
    for (const service of services) {
      gates[service]?.resolve();
      await flush();
      expect(executor.running).toBeLessThanOrEqual(parallelism);
    }
    await done;
    expect(executor.calls).toHaveLength(services.length);
    expect(executor.maxRunning).toBe(parallelism);
  });
});

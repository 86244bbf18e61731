import { describe, expect, test } from 'vitest';
import { pushImages, withRegistryLogins } from '../../../src/build/publish';
import { StackDeployError } from '../../../src/errors';
import { FakeExecutor, succeeded } from '../fakes';
import { rejectionOf } from '../helpers';

/** Records every command; `events` also gets `login <registry>`, `push <ref>`… as they run. */
function publishExecutor(
  events: string[],
  /** Registries whose `docker login` fails with this exit code. */
  failLogin: Readonly<Record<string, number>> = {},
  /** Refs whose `docker push` fails. */
  failPush: ReadonlySet<string> = new Set(),
): FakeExecutor {
  return new FakeExecutor((cmd) => {
    const [, sub, target] = cmd.argv;
    events.push(`${sub} ${target}`);
    if (sub === 'login' && target !== undefined && failLogin[target] !== undefined) {
      throw new StackDeployError('command failed', { host: 'local', command: 'docker login …', exitCode: failLogin[target], outputTail: 'unauthorized: bad credentials' });
    }
    if (sub === 'push' && target !== undefined && failPush.has(target)) throw new StackDeployError('push failed', { exitCode: 1 });
    return succeeded();
  });
}

const GHCR = { registry: 'ghcr.io', credentials: { username: 'octocat', password: 'ghs_SECRET_TOKEN' } };
const PRIVATE = { registry: 'registry.example.com:5000', credentials: { username: 'deployer', password: 'hunter2-PASSWORD' } };
const LOCAL = { registry: '127.0.0.1:5000', credentials: { username: 'ci', password: 'local-PW' } };


describe('withRegistryLogins', () => {
  test('logs in to each registry (password on stdin only), runs work, logs out of each', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    const result = await withRegistryLogins(
      executor,
      [GHCR, PRIVATE],
      (registry) => events.push(`onLogin ${registry}`),
      () => {
        events.push('work');
        return Promise.resolve(42);
      },
    );
    expect(result).toBe(42);
    expect(events).toEqual([
      'onLogin ghcr.io',
      'login ghcr.io',
      'onLogin registry.example.com:5000',
      'login registry.example.com:5000',
      'work',
      'logout ghcr.io',
      'logout registry.example.com:5000',
    ]);
    const logins = executor.calls.filter((call) => call.argv[1] === 'login');
    expect(logins.map((call) => call.argv)).toEqual([
      ['docker', 'login', 'ghcr.io', '--username', 'octocat', '--password-stdin'],
      ['docker', 'login', 'registry.example.com:5000', '--username', 'deployer', '--password-stdin'],
    ]);
    expect(logins.map((call) => [call.stdin, call.stdinIsSecret])).toEqual([
      ['ghs_SECRET_TOKEN', true],
      ['hunter2-PASSWORD', true],
    ]);
    expect(logins.map((call) => call.options.step)).toEqual(['login', 'login']);
    // the passwords appear nowhere but in stdin
    for (const call of executor.calls) {
      const visible = JSON.stringify({ argv: call.argv, options: call.options });
      expect(visible).not.toContain('SECRET');
      expect(visible).not.toContain('PASSWORD');
    }
    const logouts = executor.calls.filter((call) => call.argv[1] === 'logout');
    expect(logouts.map((call) => call.argv)).toEqual([
      ['docker', 'logout', 'ghcr.io'],
      ['docker', 'logout', 'registry.example.com:5000'],
    ]);
    expect(logouts.map((call) => [call.stdin, call.options.step, call.options.allowFailure])).toEqual([
      [undefined, 'logout', true],
      [undefined, 'logout', true],
    ]);
  });

  // Every logged-in registry gets its logout, and the work's own error is what surfaces.
  test('a logout that throws does not stop the other logouts or hide the work error', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    const run = executor.run.bind(executor);
    executor.run = (cmd, options) => (cmd.argv.join(' ') === 'docker logout ghcr.io' ? Promise.reject(new StackDeployError('docker could not start')) : run(cmd, options));
    const failure = new Error('push exploded');
    const outcome = await withRegistryLogins(executor, [GHCR, PRIVATE], () => undefined, () => Promise.reject(failure)).catch((error: unknown) => error);
    expect(events).toContain('logout registry.example.com:5000');
    expect(outcome).toBe(failure);
  });

  test('no logins: just runs work', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    const onLogins: string[] = [];
    expect(await withRegistryLogins(executor, [], (registry) => onLogins.push(registry), () => Promise.resolve('done'))).toBe('done');
    expect(executor.calls).toEqual([]);
    expect(onLogins).toEqual([]);
  });

  test('logs out of every registry even when work throws, and rethrows the work error', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    const failure = new Error('push exploded');
    await expect(
      withRegistryLogins(executor, [GHCR, PRIVATE], () => undefined, () => {
        events.push('work');
        return Promise.reject(failure);
      }),
    ).rejects.toBe(failure);
    expect(events).toEqual(['login ghcr.io', 'login registry.example.com:5000', 'work', 'logout ghcr.io', 'logout registry.example.com:5000']);
  });

  test.each([
    [
      'ghcr.io',
      'ghcr.io',
      [GHCR, PRIVATE],
      'docker login to ghcr.io as octocat failed',
      'packages: write',
      ['onLogin ghcr.io', 'login ghcr.io'],
    ],
    [
      'a second registry',
      'registry.example.com:5000',
      [GHCR, PRIVATE, LOCAL],
      'docker login to registry.example.com:5000 as deployer failed',
      'registry-username and registry-password',
      ['onLogin ghcr.io', 'login ghcr.io', 'onLogin registry.example.com:5000', 'login registry.example.com:5000', 'logout ghcr.io'],
    ],
  ])('a failed login to %s: rethrown with a hint, work skipped, only earlier logins logged out', async (_name, failing, logins, message, hint, expectedEvents) => {
    const events: string[] = [];
    const executor = publishExecutor(events, { [failing]: 7 });
    let worked = false;
    const error = await rejectionOf(() =>
      withRegistryLogins(executor, logins, (registry) => events.push(`onLogin ${registry}`), () => {
        worked = true;
        return Promise.resolve();
      }),
    );
    expect(worked).toBe(false);
    expect(error.message).toBe(message);
    expect(error.context.step).toBe('login');
    expect(error.context.hint).toContain(hint);
    // what the executor knew is kept
    expect(error.context.exitCode).toBe(7);
    expect(error.context.outputTail).toBe('unauthorized: bad credentials');
    expect(JSON.stringify({ message: error.message, context: error.context })).not.toMatch(/SECRET|PASSWORD|local-PW/u);
    expect(events).toEqual(expectedEvents);
  });

  test('the ghcr.io hint differs from the other registries\' hint', async () => {
    const hints: (string | undefined)[] = [];
    for (const login of [GHCR, PRIVATE]) {
      const executor = publishExecutor([], { [login.registry]: 1 });
      const error = await rejectionOf(() => withRegistryLogins(executor, [login], () => undefined, () => Promise.resolve()));
      hints.push(error.context.hint);
    }
    expect(hints[0]).toContain('github-token');
    expect(hints[1]).not.toContain('github-token');
    expect(hints[1]).toContain('registry-password');
  });

  test('an empty password is refused as a failed login, before anything runs', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    const error = await rejectionOf(() =>
      withRegistryLogins(executor, [{ registry: 'ghcr.io', credentials: { username: 'octocat', password: '' } }], (registry) => events.push(`onLogin ${registry}`), () => Promise.resolve()),
    );
    expect(error.message).toBe('docker login to ghcr.io as octocat failed');
    expect(executor.calls).toEqual([]);
    expect(events).toEqual(['onLogin ghcr.io']);
  });
});

describe('pushImages', () => {
  test('pushes every ref of every image, in order, one at a time', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events);
    await pushImages(executor, [
      { service: 'api', refs: ['ghcr.io/acme/api:1.0.0', 'ghcr.io/acme/api:sha-abcdef0'] },
      { service: 'web', refs: ['ghcr.io/acme/web:1.0.0'] },
      { service: 'none', refs: [] },
    ]);
    expect(executor.calls.map((call) => [call.argv, call.options.service, call.options.step])).toEqual([
      [['docker', 'push', 'ghcr.io/acme/api:1.0.0'], 'api', 'push'],
      [['docker', 'push', 'ghcr.io/acme/api:sha-abcdef0'], 'api', 'push'],
      [['docker', 'push', 'ghcr.io/acme/web:1.0.0'], 'web', 'push'],
    ]);
    expect(executor.calls.every((call) => call.options.allowFailure !== true)).toBe(true);
  });

  test('stops at the first failed push', async () => {
    const events: string[] = [];
    const executor = publishExecutor(events, {}, new Set(['ghcr.io/acme/api:sha-abcdef0']));
    await expect(
      pushImages(executor, [
        { service: 'api', refs: ['ghcr.io/acme/api:1.0.0', 'ghcr.io/acme/api:sha-abcdef0'] },
        { service: 'web', refs: ['ghcr.io/acme/web:1.0.0'] },
      ]),
    ).rejects.toThrow('push failed');
    expect(events).toEqual(['push ghcr.io/acme/api:1.0.0', 'push ghcr.io/acme/api:sha-abcdef0']);
  });

  test('nothing to push: nothing runs', async () => {
    const executor = publishExecutor([]);
    await pushImages(executor, []);
    expect(executor.calls).toEqual([]);
  });
});

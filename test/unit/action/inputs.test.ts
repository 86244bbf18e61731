import { describe, expect, test } from 'vitest';
import { readInputs } from '../../../src/action/inputs';
import { credentialsFor } from '../../../src/engine/settings';

function reader(values: Record<string, string>) {
  return (name: string): string => values[name] ?? '';
}

const github = { ref: 'refs/tags/api-v1.2.3', sha: 'a'.repeat(40), repositoryOwner: 'Acme', actor: 'octocat' };

describe('readInputs', () => {
  test('defaults when nothing is set', () => {
    const { settings, secrets } = readInputs(reader({}), {});
    expect(settings).toEqual({
      command: 'deploy',
      manifest: 'stack.yml',
      environment: undefined,
      services: [],
      version: undefined,
      ref: undefined,
      sha: undefined,
      repositoryOwner: undefined,
      repositoryUrl: undefined,
      runUrl: undefined,
      actor: undefined,
      registryCredentials: undefined,
      githubToken: undefined,
      sshPrivateKey: undefined,
      sshKnownHosts: undefined,
      envFile: undefined,
      lockTimeoutMs: 600_000,
      buildCache: 'gha',
      build: true,
      audit: false,
      logs: { follow: false },
    });
    expect(secrets).toEqual([]);
  });

  test('every input, and the GitHub context', () => {
    const { settings } = readInputs(
      reader({
        command: 'check',
        manifest: 'deploy/stack.yml',
        environment: 'production',
        services: 'api, worker\nweb',
        version: '1.2.3',
        'ssh-private-key': '-----BEGIN KEY-----\nabc\n-----END KEY-----',
        'ssh-known-hosts': 'h ssh-ed25519 AAAA',
        env: 'A=1',
        'lock-timeout': '90s',
      }),
      github,
    );
    expect(settings).toMatchObject({
      command: 'check',
      manifest: 'deploy/stack.yml',
      environment: 'production',
      services: ['api', 'worker', 'web'],
      version: '1.2.3',
      ref: 'refs/tags/api-v1.2.3',
      repositoryOwner: 'Acme',
      sshPrivateKey: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n',
      sshKnownHosts: 'h ssh-ed25519 AAAA',
      envFile: 'A=1',
      lockTimeoutMs: 90_000,
    });
  });

  test.each([
    [{ 'github-token': 'ghs_token123' }, 'ghcr.io', { username: 'octocat', password: 'ghs_token123' }],
    [{ 'github-token': 'ghs_token123' }, 'registry.example.com', undefined],
    [{ 'github-token': 'ghs_token123', 'registry-username': 'bot', 'registry-password': 'pw-1234' }, 'registry.example.com', { username: 'bot', password: 'pw-1234' }],
    [{ 'github-token': 'ghs_token123', 'registry-username': 'bot', 'registry-password': 'pw-1234' }, 'ghcr.io', { username: 'bot', password: 'pw-1234' }],
    [{ 'registry-password': 'pw-1234' }, 'registry.example.com', { username: 'octocat', password: 'pw-1234' }],
    [{}, 'ghcr.io', undefined],
  ])('registry credentials from %j for %s', (values, registry, expected) => {
    expect(credentialsFor(registry, readInputs(reader(values), github).settings)).toEqual(expected);
  });

  test('a registry password without any user name is refused', () => {
    expect(() => readInputs(reader({ 'registry-password': 'pw-1234' }), {})).toThrow('the input "registry-password" is set but there is no user name for it');
  });

  test('every secret is collected for masking: token, password, key, env values', () => {
    const { secrets } = readInputs(
      reader({
        'github-token': 'ghs_token123',
        'registry-password': 'pw-1234',
        'ssh-private-key': 'KEYTEXT',
        env: '# comment\nDATABASE_URL="postgres://u:p@db/app" # primary\nexport API_KEY=k-123 # prod key\nEMPTY=\n',
      }),
      github,
    );
    expect(secrets).toEqual(['ghs_token123', 'pw-1234', 'KEYTEXT', 'postgres://u:p@db/app', 'k-123']);
  });

  test('command: logs prints the last lines, never follows', () => {
    expect(readInputs(reader({ command: 'logs' }), github).settings).toMatchObject({ command: 'logs', logs: { follow: false } });
  });

  test.each([
    [{ command: 'destroy' }, 'the input "command" is "destroy", which is not a command'],
    // exec attaches a terminal: the command line's only.
    [{ command: 'exec' }, 'the input "command" is "exec", which is not a command'],
    [{ 'lock-timeout': 'ten minutes' }, 'the input "lock-timeout" is "ten minutes", which is not a duration'],
    [{ 'build-cache': 'yes' }, 'the input "build-cache" is "yes", which is not a build cache mode'],
  ])('%j is refused', (values, message) => {
    expect(() => readInputs(reader(values), github)).toThrow(message);
  });
});

describe('list inputs', () => {
  test.each([
    ['api, worker\nweb', ['api', 'worker', 'web']],
    ['["api","web"]', ['api', 'web']],
    ['', []],
    ['[not json', ['[not', 'json']],
  ])('%j', (text, expected) => {
    expect(readInputs(reader({ services: text }), {}).settings.services).toEqual(expected);
  });
});

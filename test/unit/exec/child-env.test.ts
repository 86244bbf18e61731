import { describe, expect, test } from 'vitest';
import { command } from '../../../src/commands/command';
import { childEnvironment } from '../../../src/exec/child-env';
import { LocalExecutor } from '../../../src/exec/local';

/** What the runner gives the action: its inputs as INPUT_* (secrets among them), and more. */
const RUNNER_ENV = {
  PATH: process.env.PATH,
  HOME: '/home/runner',
  'INPUT_SSH-PRIVATE-KEY': '-----BEGIN OPENSSH PRIVATE KEY-----',
  'INPUT_REGISTRY-PASSWORD': 'registry-secret',
  INPUT_ENV: 'API_KEY=abc123',
  MY_WORKFLOW_SECRET: 'exported-by-a-step',
  GITHUB_TOKEN: 'ghs_token',
  DOCKER_CONFIG: '/tmp/run-docker-config',
  DOCKER_HOST: 'unix:///run/docker.sock',
  BUILDX_NO_DEFAULT_ATTESTATIONS: '1',
  ACTIONS_RUNTIME_TOKEN: 'cache-token',
  ACTIONS_RESULTS_URL: 'https://results.example/',
  LC_ALL: 'C.UTF-8',
  https_proxy: 'http://proxy:3128',
};

describe('the environment of local child processes', () => {
  test('keeps what docker, buildx and git need, and nothing else', () => {
    expect(Object.keys(childEnvironment(RUNNER_ENV)).sort()).toEqual(
      ['ACTIONS_RESULTS_URL', 'ACTIONS_RUNTIME_TOKEN', 'BUILDX_NO_DEFAULT_ATTESTATIONS', 'DOCKER_CONFIG', 'DOCKER_HOST', 'HOME', 'LC_ALL', 'PATH', 'https_proxy'].sort(),
    );
  });

  test('a child process of the local executor sees no INPUT_* value and no other secret', async () => {
    const { stdout } = await new LocalExecutor(undefined, RUNNER_ENV).run(command(['env']));
    const names = stdout.split('\n').map((line) => line.slice(0, line.indexOf('=')));
    expect(names.filter((name) => name.startsWith('INPUT_'))).toEqual([]);
    expect(stdout).not.toContain('registry-secret');
    expect(stdout).not.toContain('exported-by-a-step');
    expect(stdout).not.toContain('ghs_token');
    expect(stdout).toContain('DOCKER_CONFIG=/tmp/run-docker-config\n');
  });

  test('a command\'s own variables are still added', async () => {
    const { stdout } = await new LocalExecutor(undefined, RUNNER_ENV).run(command(['sh', '-c', 'printf %s "$DOCKER_BUILDKIT"']), { env: { DOCKER_BUILDKIT: '0' } });
    expect(stdout).toBe('0');
  });
});

import { describe, expect, test } from 'vitest';
import { githubBuildCache } from '../../../src/build/cache';
import type { Command } from '../../../src/commands/command';
import type { ExecResult, Executor } from '../../../src/exec/executor';

function executorAnswering(stdout: string): Executor & { commands: Command[] } {
  const commands: Command[] = [];
  return {
    host: 'local',
    commands,
    run: (cmd: Command): Promise<ExecResult> => {
      commands.push(cmd);
      return Promise.resolve({ exitCode: 0, stdout, stderr: '' });
    },
    close: () => Promise.resolve(),
  };
}

const GITHUB = { ACTIONS_RUNTIME_TOKEN: 'tok', ACTIONS_RESULTS_URL: 'https://results.example/' };
const CONTAINER_DRIVER = 'Name:   builder\nDriver: docker-container\n';

describe('githubBuildCache', () => {
  test('on GitHub with a docker-container builder: gha cache per service, no token in argv', async () => {
    const cache = await githubBuildCache(executorAnswering(CONTAINER_DRIVER), 'buildx', GITHUB, true);
    expect(cache.disabledBecause).toBeUndefined();
    expect(cache.cacheFrom('api')).toEqual(['type=gha,scope=stack-deploy-api']);
    expect(cache.cacheTo('api')).toEqual(['type=gha,scope=stack-deploy-api,mode=max']);
    expect(JSON.stringify([cache.cacheFrom('api'), cache.cacheTo('api')])).not.toContain('tok');
  });

  test.each([
    ['input off', CONTAINER_DRIVER, 'buildx', GITHUB, false, 'the build-cache input is false'],
    ['not on GitHub', CONTAINER_DRIVER, 'buildx', {}, true, 'not running on GitHub Actions'],
    ['classic builder', CONTAINER_DRIVER, 'classic', GITHUB, true, 'docker buildx is not installed'],
    ['docker driver', 'Name: default\nDriver: docker\n', 'buildx', GITHUB, true, 'the buildx builder uses the "docker" driver'],
  ] as const)('off when %s', async (_name, inspect, builder, env, wanted, why) => {
    const cache = await githubBuildCache(executorAnswering(inspect), builder, env, wanted);
    expect(cache.disabledBecause).toContain(why);
    expect(cache.cacheFrom('api')).toEqual([]);
    expect(cache.cacheTo('api')).toEqual([]);
  });
});

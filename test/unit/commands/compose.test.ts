import { describe, expect, test } from 'vitest';
import type { Command } from '../../../src/commands/command';
import {
  composeConfig,
  composeExec,
  composeLogs,
  composePs,
  composeStop,
  composeUp,
  composeVersion,
  type ComposeProject,
} from '../../../src/commands/compose';
import { StackDeployError } from '../../../src/errors';

const v2: ComposeProject = { flavor: 'v2', project: 'shop', files: ['compose.yml'] };
const v1: ComposeProject = { flavor: 'v1', project: 'shop', files: ['compose.yml'] };
const V2 = ['docker', 'compose', '--project-name', 'shop', '--file', 'compose.yml'];
const V1 = ['docker-compose', '--project-name', 'shop', '--file', 'compose.yml'];

describe('compose argv', () => {
  test.each<[string, () => Command, string[]]>([
    ['v2 version', () => composeVersion('v2'), ['docker', 'compose', 'version', '--short']],
    ['v1 version', () => composeVersion('v1'), ['docker-compose', 'version', '--short']],

    ['v2 up one service', () => composeUp({ ...v2, services: ['api'] }), [...V2, 'up', '--detach', '--no-build', 'api']],
    ['v1 up one service', () => composeUp({ ...v1, services: ['api'] }), [...V1, 'up', '--detach', '--no-build', 'api']],
    [
      'v2 up with every option',
      () =>
        composeUp({
          ...v2,
          files: ['compose.yml', 'compose.prod.yml'],
          envFile: '.env.production',
          services: ['api', 'worker'],
          noDeps: true,
          pull: 'never',
          wait: false,
        }),
      [
        'docker', 'compose',
        '--project-name', 'shop',
        '--file', 'compose.yml',
        '--file', 'compose.prod.yml',
        '--env-file', '.env.production',
        'up', '--detach', '--no-build', '--no-deps', '--pull', 'never',
        'api', 'worker',
      ],
    ],
    [
      'v1 up leaves out --pull',
      () => composeUp({ ...v1, envFile: '.env', services: ['api'], noDeps: true, pull: 'always' }),
      [...V1, '--env-file', '.env', 'up', '--detach', '--no-build', '--no-deps', 'api'],
    ],
    ['v2 up pull missing', () => composeUp({ ...v2, services: ['api'], pull: 'missing' }), [...V2, 'up', '--detach', '--no-build', '--pull', 'missing', 'api']],
    ['v2 up noDeps false', () => composeUp({ ...v2, services: ['api'], noDeps: false }), [...V2, 'up', '--detach', '--no-build', 'api']],

    ['v2 ps', () => composePs({ ...v2, service: 'api' }), [...V2, 'ps', '--quiet', 'api']],
    ['v2 ps --all', () => composePs({ ...v2, service: 'api', all: true }), [...V2, 'ps', '--quiet', '--all', 'api']],
    ['v1 ps', () => composePs({ ...v1, service: 'api' }), [...V1, 'ps', '-q', 'api']],
    ['v1 ps --all', () => composePs({ ...v1, service: 'api', all: true }), [...V1, 'ps', '-q', '--all', 'api']],

    ['v2 stop', () => composeStop({ ...v2, services: ['api', 'worker'] }), [...V2, 'stop', 'api', 'worker']],
    ['v1 stop with timeout', () => composeStop({ ...v1, services: ['api'], timeoutSeconds: 30 }), [...V1, 'stop', '--timeout', '30', 'api']],
    ['v2 stop with zero timeout', () => composeStop({ ...v2, services: ['api'], timeoutSeconds: 0 }), [...V2, 'stop', '--timeout', '0', 'api']],

    ['v2 logs default tail', () => composeLogs({ ...v2, services: ['api'] }), [...V2, 'logs', '--no-color', '--tail', '50', 'api']],
    ['v1 logs tail 200', () => composeLogs({ ...v1, services: ['worker_2'], tail: 200 }), [...V1, 'logs', '--no-color', '--tail', '200', 'worker_2']],
    [
      'v2 logs of two services, since, follow',
      () => composeLogs({ ...v2, envFile: '/opt/shop/.stack-deploy/stack.env', services: ['api', 'web'], tail: 'all', since: '10m', follow: true }),
      [...V2, '--env-file', '/opt/shop/.stack-deploy/stack.env', 'logs', '--no-color', '--tail', 'all', '--since', '10m', '--follow', 'api', 'web'],
    ],
    ['v1 logs follow', () => composeLogs({ ...v1, services: ['api'], tail: 5, follow: true }), [...V1, 'logs', '--no-color', '--tail', '5', '--follow', 'api']],
    ['v2 exec without a terminal', () => composeExec({ ...v2, service: 'web', argv: ['cat', '/www/index.html'], tty: false }), [...V2, 'exec', '-T', 'web', 'cat', '/www/index.html']],
    ['v2 exec with a terminal', () => composeExec({ ...v2, service: 'web', argv: ['sh'], tty: true }), [...V2, 'exec', 'web', 'sh']],
    ['v1 exec keeps the command as given', () => composeExec({ ...v1, service: 'api', argv: ['sh', '-c', 'echo "$HOME"; ls -la'], tty: false }), [...V1, 'exec', '-T', 'api', 'sh', '-c', 'echo "$HOME"; ls -la']],

    ['v2 config', () => composeConfig(v2), [...V2, 'config', '--quiet']],
    [
      'v1 config with env file',
      () => composeConfig({ ...v1, envFile: '/srv/shop/.env' }),
      [...V1, '--env-file', '/srv/shop/.env', 'config', '--quiet'],
    ],
    [
      'project names may hold digits, "_" and "-"',
      () => composeConfig({ ...v2, project: '2shop_prod-eu' }),
      ['docker', 'compose', '--project-name', '2shop_prod-eu', '--file', 'compose.yml', 'config', '--quiet'],
    ],
  ])('%s', (_name, build, argv) => {
    const cmd = build();
    expect(cmd.argv).toEqual(argv);
    expect(cmd.stdin).toBeUndefined();
  });
});

describe('compose refusals', () => {
  test.each<[string, () => Command, RegExp]>([
    ['--privileged as a service (up)', () => composeUp({ ...v2, services: ['api', '--privileged'] }), /service name "--privileged" is not allowed/u],
    ['--privileged as a service (ps)', () => composePs({ ...v1, service: '--privileged' }), /service name "--privileged" is not allowed/u],
    ['--privileged as a service (logs)', () => composeLogs({ ...v2, services: ['--privileged'] }), /service name "--privileged" is not allowed/u],
    ['--privileged as a service (stop)', () => composeStop({ ...v2, services: ['--privileged'] }), /service name "--privileged" is not allowed/u],
    ['--privileged as a project', () => composeConfig({ ...v2, project: '--privileged' }), /project name "--privileged" is not allowed/u],
    ['upper-case service', () => composePs({ ...v2, service: 'API' }), /service name "API" is not allowed/u],
    ['service with a space', () => composePs({ ...v2, service: 'api worker' }), /service name "api worker" is not allowed/u],
    ['service with shell syntax', () => composeLogs({ ...v2, services: ['api;reboot'] }), /service name "api;reboot" is not allowed/u],
    ['service starting with "_"', () => composePs({ ...v2, service: '_api' }), /service name "_api" is not allowed/u],
    ['empty service', () => composePs({ ...v2, service: '' }), /service name "" is not allowed/u],
    ['empty project', () => composeConfig({ ...v2, project: '' }), /project name "" is not allowed/u],
    ['project with a dot', () => composeConfig({ ...v2, project: 'shop.prod' }), /project name "shop\.prod" is not allowed/u],
    ['no services for up', () => composeUp({ ...v2, services: [] }), /compose up needs at least one service/u],
    ['no services for stop', () => composeStop({ ...v2, services: [] }), /compose stop needs at least one service/u],
    ['no compose file', () => composeConfig({ ...v2, files: [] }), /compose project "shop" has no compose file/u],
    ['empty compose file', () => composeConfig({ ...v2, files: [''] }), /compose file is empty/u],
    ['option as compose file', () => composeConfig({ ...v2, files: ['--verbose'] }), /compose file "--verbose" starts with "-"/u],
    ['option as env file', () => composeConfig({ ...v2, envFile: '-h' }), /env file "-h" starts with "-"/u],
    ['negative tail', () => composeLogs({ ...v2, services: ['api'], tail: -1 }), /log tail -1 is not a whole number/u],
    ['fractional tail', () => composeLogs({ ...v2, services: ['api'], tail: 1.5 }), /log tail 1\.5 is not a whole number/u],
    ['no services for logs', () => composeLogs({ ...v2, services: [] }), /compose logs needs at least one service/u],
    ['since on Compose v1', () => composeLogs({ ...v1, services: ['api'], since: '10m' }), /docker-compose v1 cannot select log lines by time/u],
    ['option as since', () => composeLogs({ ...v2, services: ['api'], since: '--follow' }), /log start time "--follow" starts with "-"/u],
    ['exec without a command', () => composeExec({ ...v2, service: 'api', argv: [], tty: false }), /no command to run in service "api"/u],
    ['exec in a hostile service', () => composeExec({ ...v2, service: '-T', argv: ['sh'], tty: false }), /service name "-T" is not allowed/u],
    ['NaN timeout', () => composeStop({ ...v2, services: ['api'], timeoutSeconds: Number.NaN }), /stop timeout NaN is not a whole number/u],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(StackDeployError);
    expect(build).toThrow(message);
  });

  test('a refused service name is recorded in the error context', () => {
    expect.assertions(3);
    try {
      composePs({ ...v2, service: '--privileged' });
    } catch (error) {
      expect(error).toBeInstanceOf(StackDeployError);
      expect((error as StackDeployError).context.service).toBe('--privileged');
      expect((error as StackDeployError).context.hint).toMatch(/a-z, 0-9/u);
    }
  });
});

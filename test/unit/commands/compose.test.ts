import { describe, expect, test } from 'vitest';
import type { Command } from '../../../src/commands/command';
import {
  composeExec,
  composeLogs,
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

    [
      'project names may hold digits, "_" and "-"',
      () => composeLogs({ ...v2, project: '2shop_prod-eu', services: ['api'] }),
      ['docker', 'compose', '--project-name', '2shop_prod-eu', '--file', 'compose.yml', 'logs', '--no-color', '--tail', '50', 'api'],
    ],
  ])('%s', (_name, build, argv) => {
    const cmd = build();
    expect(cmd.argv).toEqual(argv);
    expect(cmd.stdin).toBeUndefined();
  });
});

describe('compose refusals', () => {
  test.each<[string, () => Command, RegExp]>([
    ['--privileged as a service (exec)', () => composeExec({ ...v1, service: '--privileged', argv: ['sh'], tty: false }), /service name "--privileged" is not allowed/u],
    ['--privileged as a service (logs)', () => composeLogs({ ...v2, services: ['--privileged'] }), /service name "--privileged" is not allowed/u],
    ['--privileged as a project', () => composeLogs({ ...v2, project: '--privileged', services: ['api'] }), /project name "--privileged" is not allowed/u],
    ['upper-case service', () => composeExec({ ...v2, service: 'API', argv: ['sh'], tty: false }), /service name "API" is not allowed/u],
    ['service with a space', () => composeExec({ ...v2, service: 'api worker', argv: ['sh'], tty: false }), /service name "api worker" is not allowed/u],
    ['service with shell syntax', () => composeLogs({ ...v2, services: ['api;reboot'] }), /service name "api;reboot" is not allowed/u],
    ['service starting with "_"', () => composeExec({ ...v2, service: '_api', argv: ['sh'], tty: false }), /service name "_api" is not allowed/u],
    ['empty service', () => composeExec({ ...v2, service: '', argv: ['sh'], tty: false }), /service name "" is not allowed/u],
    ['empty project', () => composeLogs({ ...v2, project: '', services: ['api'] }), /project name "" is not allowed/u],
    ['project with a dot', () => composeLogs({ ...v2, project: 'shop.prod', services: ['api'] }), /project name "shop\.prod" is not allowed/u],
    ['no compose file', () => composeLogs({ ...v2, files: [], services: ['api'] }), /compose project "shop" has no compose file/u],
    ['empty compose file', () => composeLogs({ ...v2, files: [''], services: ['api'] }), /compose file is empty/u],
    ['option as compose file', () => composeLogs({ ...v2, files: ['--verbose'], services: ['api'] }), /compose file "--verbose" starts with "-"/u],
    ['option as env file', () => composeLogs({ ...v2, envFile: '-h', services: ['api'] }), /env file "-h" starts with "-"/u],
    ['negative tail', () => composeLogs({ ...v2, services: ['api'], tail: -1 }), /log tail -1 is not a whole number/u],
    ['fractional tail', () => composeLogs({ ...v2, services: ['api'], tail: 1.5 }), /log tail 1\.5 is not a whole number/u],
    ['no services for logs', () => composeLogs({ ...v2, services: [] }), /compose logs needs at least one service/u],
    ['since on Compose v1', () => composeLogs({ ...v1, services: ['api'], since: '10m' }), /docker-compose v1 cannot select log lines by time/u],
    ['option as since', () => composeLogs({ ...v2, services: ['api'], since: '--follow' }), /log start time "--follow" starts with "-"/u],
    ['exec without a command', () => composeExec({ ...v2, service: 'api', argv: [], tty: false }), /no command to run in service "api"/u],
    ['exec in a hostile service', () => composeExec({ ...v2, service: '-T', argv: ['sh'], tty: false }), /service name "-T" is not allowed/u],
    ['NaN tail', () => composeLogs({ ...v2, services: ['api'], tail: Number.NaN }), /log tail NaN is not a whole number/u],
  ])('%s', (_name, build, message) => {
    expect(build).toThrow(StackDeployError);
    expect(build).toThrow(message);
  });

  test('a refused service name is recorded in the error context', () => {
    expect.assertions(3);
    try {
      composeExec({ ...v2, service: '--privileged', argv: ['sh'], tty: false });
    } catch (error) {
      expect(error).toBeInstanceOf(StackDeployError);
      expect((error as StackDeployError).context.service).toBe('--privileged');
      expect((error as StackDeployError).context.hint).toMatch(/a-z, 0-9/u);
    }
  });
});

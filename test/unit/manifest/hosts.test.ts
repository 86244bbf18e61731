import { describe, expect, test } from 'vitest';
import { formatIssue, parseManifest } from '../../../src/manifest';
import { hostsOf } from '../../../src/engine/environment';
import { batchesOf, batchSize } from '../../../src/engine/rollout';

function manifest(environment: string): string {
  return `version: 1
name: shop
services:
  web: {}
  worker: {}
environments:
  production:
    path: /opt/shop
    compose: [compose.yml]
${environment}`;
}

function messages(text: string): string[] {
  const result = parseManifest(text, 'stack.yml');
  return result.ok ? [] : result.issues.map(formatIssue);
}

describe('environments on several hosts', () => {
  test('hosts inherit the environment\'s port and user, and run every service unless they list some', () => {
    const result = parseManifest(manifest('    user: deploy\n    port: 2200\n    hosts:\n      - { host: web1 }\n      - { host: web2, port: 22, user: ops, services: [worker] }\n'), 'stack.yml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const config = result.manifest.environments.production;
    expect(config === undefined ? [] : hostsOf(config)).toEqual([
      { host: 'web1', port: 2200, user: 'deploy', services: undefined },
      { host: 'web2', port: 22, user: 'ops', services: ['worker'] },
    ]);
  });

  test.each([
    ['neither host nor hosts', '    user: deploy\n', 'stack.yml:8:5 environments.production: needs either "host" or "hosts"'],
    ['both', '    user: deploy\n    host: a\n    hosts: [{ host: b }]\n', 'stack.yml:12:5 environments.production.hosts: use either "host" or "hosts", not both'],
    ['a host without a user', '    hosts:\n      - { host: a, user: deploy }\n      - { host: b }\n', 'stack.yml:12:9 environments.production.hosts.1.user: required key is missing (here or as the environment\'s "user")'],
    ['a batch without rolling', '    user: deploy\n    host: a\n    rollout: { batch: 2 }\n', 'stack.yml:12:16 environments.production.rollout.batch: "batch" only applies with strategy: rolling'],
    ['a batch that is no count nor percentage', '    user: deploy\n    host: a\n    rollout: { strategy: rolling, batch: half }\n', 'stack.yml:12:42 environments.production.rollout.batch: expected a number of hosts or a percentage such as "50%"'],
  ])('%s is refused at its line', (_name, environment, message) => {
    expect(messages(manifest(environment)), JSON.stringify(messages(manifest(environment)))).toContain(message);
  });

  test('a service on none of the hosts, and a host naming a service the environment does not run, are refused', () => {
    expect(messages(manifest('    user: deploy\n    services: [web]\n    hosts:\n      - { host: a, services: [web, worker] }\n      - { host: b, services: [wbe] }\n'))).toEqual([
      'stack.yml:13:36 environments.production.hosts.0.services.1: service "worker" is not one of environment "production"\'s services (add it to environments.production.services, or remove it here)',
      'stack.yml:14:31 environments.production.hosts.1.services.0: environment "production" names unknown service "wbe" (did you mean "web"?)',
    ]);
    expect(messages(manifest('    user: deploy\n    hosts:\n      - { host: a, services: [web] }\n'))).toEqual([
      'stack.yml:11:5 environments.production.hosts: service "worker" of environment "production" runs on none of its hosts (list it in the services of one of environments.production.hosts; a host without services runs all of them)',
    ]);
  });
});

test('a host listed twice in one environment is refused', () => {
  expect(messages(manifest('    user: deploy\n    hosts:\n      - { host: a }\n      - { host: a, port: 2222 }\n'))).toEqual([
    'stack.yml:13:17 environments.production.hosts.1.host: host "a" is already environments.production.hosts.0: one path on one server would be deployed twice (list each server once, with all the services it runs)',
  ]);
});

describe('rollout batches', () => {
  test.each([
    [{ strategy: 'parallel', batch: 1, canary: false }, 3, [[0, 1, 2]]],
    [{ strategy: 'parallel', batch: 1, canary: true }, 3, [[0], [1, 2]]],
    [{ strategy: 'rolling', batch: 1, canary: false }, 3, [[0], [1], [2]]],
    [{ strategy: 'rolling', batch: 2, canary: true }, 4, [[0], [1, 2], [3]]],
    [{ strategy: 'rolling', batch: '50%', canary: false }, 5, [[0, 1, 2], [3, 4]]],
    [{ strategy: 'rolling', batch: 1, canary: true }, 1, [[0]]],
  ] as const)('%j over %i hosts', (rollout, hosts, expected) => {
    expect(batchesOf(hosts, rollout)).toEqual(expected);
  });

  test('a percentage is rounded up and never below one host', () => {
    expect(batchSize('1%', 3)).toBe(1);
    expect(batchSize('34%', 3)).toBe(2);
    expect(batchSize('100%', 3)).toBe(3);
  });
});

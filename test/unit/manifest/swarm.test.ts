import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { ComposeService } from '../../../src/compose/model';
import { renderEnvScript } from '../../../src/deploy/render';
import { previousReleaseImages } from '../../../src/engine/release-images';
import type { HostState } from '../../../src/deploy/host-inspect';
import { describeSwarmUpdate, formatIssue, type Manifest, parseManifest, swarmUpdateOf } from '../../../src/manifest';
import { switchIssues } from '../../../src/manifest/switch-strategy';

function stack(environment: string, service = '{ build: {} }'): string {
  return `version: 1
name: shop
services:
  api: ${service}
environments:
  production:
    host: manager.example.com
    user: deploy
    path: /opt/shop
    compose: [compose.yml]
${environment}`;
}

function parsed(text: string): Manifest {
  const result = parseManifest(text, 'stack.yml');
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.manifest;
}

function messages(text: string): string[] {
  const result = parseManifest(text, 'stack.yml');
  return result.ok ? [] : result.issues.map(formatIssue);
}

function definition(settings: Partial<ComposeService> = {}): { all: ComposeService[] } {
  return {
    all: [{ name: 'api', build: false, dependsOn: [], healthcheck: false, ports: [], namedVolumes: [], profiles: [], updateConfig: {}, where: { file: 'compose.yml', line: 2, column: 3 }, ...settings }],
  };
}

describe('engine: swarm in stack.yml', () => {
  test('is accepted on one host (the manager)', () => {
    expect(parsed(stack('    engine: swarm\n')).environments.production?.engine).toBe('swarm');
  });

  test.each([
    ['several hosts', '    engine: swarm\n    hosts: [{ host: a }]\n', 'environments.production.hosts: engine: swarm deploys through one manager'],
    ['a rollout', '    engine: swarm\n    rollout: { strategy: rolling }\n', 'environments.production.rollout: engine: swarm rolls services out itself'],
    ['host names for the proxy', '    engine: swarm\n    host_names: { api: [shop.example.com] }\n', 'environments.production.host_names: engine: swarm has no host proxy'],
  ])('refuses %s', (_name, environment, message) => {
    const text = stack(environment).replace('    host: manager.example.com\n', environment.includes('hosts:') ? '' : '    host: manager.example.com\n');
    expect(messages(text).join('\n')).toContain(message);
  });
});

describe('swarmUpdateOf: the update_config a service is deployed with', () => {
  test('auto: start-first where two tasks fit side by side, with failure_action rollback and a monitor window added', () => {
    const update = swarmUpdateOf(parsed(stack('    engine: swarm\n')), definition({ ports: [{ target: '80', published: '8080', protocol: 'tcp' }] }), 'api');
    expect(update.config).toEqual({ order: 'start-first', failure_action: 'rollback', monitor: '10s' });
    expect(update.added).toEqual(['order', 'failure_action', 'monitor']);
    expect(describeSwarmUpdate(update)).toBe('order start-first (auto: two tasks can run side by side) (added), failure_action rollback (added), monitor 10s (added)');
  });

  test('auto: stop-first for a port published in mode host, and for a named volume', () => {
    const hostPort = swarmUpdateOf(parsed(stack('    engine: swarm\n')), definition({ ports: [{ target: '80', published: '8080', protocol: 'tcp', mode: 'host' }] }), 'api');
    expect([hostPort.config.order, hostPort.reason]).toEqual(['stop-first', 'auto: publishes 8080 in mode host']);
    const volume = swarmUpdateOf(parsed(stack('    engine: swarm\n')), definition({ namedVolumes: ['pgdata'] }), 'api');
    expect([volume.config.order, volume.reason]).toEqual(['stop-first', 'auto: named volume pgdata']);
  });

  test('keys the compose file sets are kept, and only the others are added', () => {
    const update = swarmUpdateOf(parsed(stack('    engine: swarm\n')), definition({ updateConfig: { monitor: '1s', parallelism: 2, order: 'stop-first' } }), 'api');
    expect(update.config).toEqual({ order: 'stop-first', failure_action: 'rollback', monitor: '1s', parallelism: 2 });
    expect(update.added).toEqual(['failure_action']);
    expect(update.reason).toBe('set in the compose file');
  });

  test('switch: proxy is refused, and start-first with a port in mode host', () => {
    expect(swarmUpdateOf(parsed(stack('    engine: swarm\n', '{ build: {}, switch: proxy }')), definition(), 'api').refusals.map((r) => r.message)).toEqual([
      '"proxy" cannot work under engine: swarm: Swarm replaces the tasks itself, and there is no host proxy',
    ]);
    const hostPort = definition({ ports: [{ target: '80', published: '8080', protocol: 'tcp', mode: 'host' }] });
    expect(swarmUpdateOf(parsed(stack('    engine: swarm\n', '{ build: {}, switch: start-first }')), hostPort, 'api').refusals.map((r) => r.hint)).toEqual(['publish the port in ingress mode, or use stop-first']);
    expect(swarmUpdateOf(parsed(stack('    engine: swarm\n', '{ build: {}, switch: stop-first }')), hostPort, 'api').refusals).toEqual([]);
  });
});

describe('validate under engine: swarm, with the compose files', () => {
  test('a built service in deploy.mode global is refused; replicated, and compose-only global services, are not', () => {
    const manifest = parsed(stack('    engine: swarm\n'));
    expect(switchIssues(manifest, { production: definition({ deployMode: 'global' }) }).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'environments.production.engine: api runs in deploy.mode global (compose.yml:2), and under engine: swarm a service stack-deploy builds must be replicated: a failed first deploy scales it to 0',
    ]);
    expect(switchIssues(manifest, { production: definition({ deployMode: 'replicated' }) })).toEqual([]);
    expect(switchIssues(parsed(stack('    engine: swarm\n', '{ image: "nats:2.10" }')), { production: definition({ deployMode: 'global' }) })).toEqual([]);
    // Under Compose, deploy.mode means nothing to stack-deploy.
    expect(switchIssues(parsed(stack('')), { production: definition({ deployMode: 'global' }) })).toEqual([]);
  });

  test('switch: proxy is reported at its key', () => {
    expect(switchIssues(parsed(stack('    engine: swarm\n', '{ build: {}, switch: proxy }')), { production: definition() }).map((i) => i.path.join('.'))).toEqual(['services.api.switch']);
  });
});

describe('the env file for docker stack deploy', () => {
  test('becomes shell assignments with every value quoted; names the shell cannot export are left out', () => {
    const { script, left } = renderEnvScript("A=1\nexport B='it\\'s'\nC=\"x $(rm -rf /) y\"\nD.E=no\n# comment\n");
    expect(script).toBe("A=1\nB='it'\\''s'\nC='x $(rm -rf /) y'\n");
    expect(left).toEqual(['D.E']);
    // Names that would change the shell or the docker client running the deploy never reach it.
    expect(renderEnvScript('PATH=/tmp\nIFS=x\nUID=1\nDOCKER_HOST=tcp://evil:2375\nLD_PRELOAD=/x.so\nDB_PASSWORD=s3cret\n')).toEqual({ script: 'DB_PASSWORD=s3cret\n', left: ['PATH', 'IFS', 'UID', 'DOCKER_HOST', 'LD_PRELOAD'] });
    // What the shell reads back is the value itself, never run.
    expect(execFileSync('sh', ['-c', `${script}printf '%s|' "$A" "$B" "$C"`], { encoding: 'utf8' })).toBe("1|it's|x $(rm -rf /) y|");
  });
});

describe('previousReleaseImages (Swarm rollback without a version)', () => {
  const line = (version: string, result: string, pinned: string) => ({ time: '', version, result, action: 'deploy', services: [{ name: 'api', from: '', to: pinned, pinned }] });
  const state = (ledger: HostState['ledger']): HostState => ({ project: 'shop-production', ledger, services: [] });
  const repos = [{ name: 'api', repo: 'r/api' }];

  test('is, per service, the last image it ran before the one it runs', () => {
    const chosen = previousReleaseImages(state([line('1.0.0', 'success', 'r/api@sha256:1'), line('2.0.0', 'success', 'r/api@sha256:2'), line('3.0.0', 'rolled-back', 'r/api@sha256:3'), line('1.0.0', 'success', 'r/api@sha256:1')]), repos, 'production');
    expect(chosen).toEqual({ version: '2.0.0', targets: [{ service: 'api', image: 'r/api', pinned: 'r/api@sha256:2' }] });
  });

  test('a release of other services does not count for one it left alone', () => {
    const workerOnly = { time: '', version: '2.1.0', result: 'success', action: 'deploy', services: [{ name: 'worker', from: '', to: 'r/worker@sha256:21', pinned: 'r/worker@sha256:21' }] };
    const chosen = previousReleaseImages(state([line('1.0.0', 'success', 'r/api@sha256:1'), line('2.0.0', 'success', 'r/api@sha256:2'), workerOnly]), repos, 'production');
    expect(chosen).toEqual({ version: '1.0.0', targets: [{ service: 'api', image: 'r/api', pinned: 'r/api@sha256:1' }] });
  });

  test('without one, says what the ledger knows', () => {
    expect(() => previousReleaseImages(state([line('1.0.0', 'success', 'r/api@sha256:1')]), repos, 'production')).toThrow('there is no previous version of api in production to roll back to');
  });
});

import { describe, expect, it, test } from 'vitest';
import type { ComposePort, ComposeService } from '../../../src/compose/model';
import { describeSwitch, type Manifest, parseManifest, switchStrategyOf } from '../../../src/manifest';

/** stack.yml with these services (one per line, as YAML flow mappings). */
function manifest(services: Record<string, string>, registry = 'registry: { namespace: acme }'): Manifest {
  const text = [
    'version: 1',
    'name: shop',
    registry,
    'services:',
    ...Object.entries(services).map(([name, config]) => `  ${name}: ${config}`),
    'environments:',
    '  production: { host: example.com, user: deploy, path: /opt/shop, compose: compose.yml }',
    '',
  ].join('\n');
  const result = parseManifest(text, 'stack.yml');
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.manifest;
}

/** `[ip:][published:]target[/protocol]`, as the compose model reads it. */
function port(spec: string): ComposePort {
  const [rest = '', protocol = 'tcp'] = spec.split('/');
  const parts = rest.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop();
  const hostIp = parts.pop();
  return { target, protocol, ...(published === undefined || published === '' ? {} : { published }), ...(hostIp === undefined ? {} : { hostIp }) };
}

function definition(name: string, settings: { ports?: string[]; containerName?: string; namedVolumes?: string[]; networkMode?: string; image?: string } = {}): ComposeService {
  return {
    name,
    build: false,
    dependsOn: [],
    healthcheck: false,
    ports: (settings.ports ?? []).map(port),
    namedVolumes: settings.namedVolumes ?? [],
    profiles: [],
    updateConfig: {},
    where: { file: 'compose.yml', line: 2, column: 3 },
    ...(settings.image === undefined ? {} : { image: settings.image }),
    ...(settings.containerName === undefined ? {} : { containerName: settings.containerName }),
    ...(settings.networkMode === undefined ? {} : { networkMode: settings.networkMode }),
  };
}

const compose = (...services: ComposeService[]) => ({ all: services });

describe('switchStrategyOf with switch: auto (the default)', () => {
  test.each([
    ['a pinned service, even with a published port', '{ image: "postgres:15.6" }', { ports: ['127.0.0.1:5432:5432'] }, 'stop-first', 'auto: pinned postgres:15.6'],
    ['a pinned service by digest', `{ image: "nats@sha256:${'a'.repeat(64)}" }`, {}, 'stop-first', `auto: pinned nats@sha256:${'a'.repeat(64)}`],
    ['a compose-only service configured in stack.yml', '{ health: { cmd: ["true"] } }', { image: 'nats:2.10', ports: ['4222:4222'] }, 'stop-first', 'auto: compose-only, runs nats:2.10'],
    ['a built service with container_name', '{ build: {} }', { containerName: 'shop-api', ports: ['8080:80'] }, 'stop-first', 'auto: built, container_name shop-api'],
    ['a built service with a named volume', '{ build: {} }', { namedVolumes: ['uploads'], ports: ['8080:80'] }, 'stop-first', 'auto: built, named volume uploads'],
    ['a built service with two named volumes', '{ build: {} }', { namedVolumes: ['uploads', 'cache'] }, 'stop-first', 'auto: built, named volumes uploads, cache'],
    ['a built service on the host network', '{ build: {} }', { networkMode: 'host' }, 'stop-first', 'auto: built, network_mode host'],
    ['a built service with every singleton cause', '{ build: {} }', { containerName: 'x', namedVolumes: ['v'], networkMode: 'host' }, 'stop-first', 'auto: built, container_name x, named volume v, network_mode host'],
    ['a built service publishing a fixed UDP port', '{ build: {} }', { ports: ['5353:53/udp', '8080:80'] }, 'stop-first', 'auto: built, publishes 5353/udp'],
    ['a built service publishing a fixed port on loopback', '{ build: {} }', { ports: ['127.0.0.1:8080:80'] }, 'proxy', 'auto: built, publishes 127.0.0.1:8080'],
    ['a built service publishing fixed ports on every interface', '{ build: {} }', { ports: ['8080:80', '8443:443', '9000'] }, 'proxy', 'auto: built, publishes 8080, 8443'],
    ['a built service publishing no port', '{ build: {} }', {}, 'start-first', 'auto: built, publishes no port'],
    ['a built service publishing only ports Compose chooses', '{ build: {} }', { ports: ['80', '127.0.0.1::81'] }, 'start-first', 'auto: built, no fixed host port'],
    ['a built service with bind mounts only', '{ build: {} }', { ports: ['8080:80'] }, 'proxy', 'auto: built, publishes 8080'],
    ['a service sharing a built image, with a fixed port', '{ image_from: api }', { ports: ['127.0.0.1:8081:8081'] }, 'proxy', "auto: shares api's image, publishes 127.0.0.1:8081"],
    ['a service sharing a built image, without ports (a worker)', '{ image_from: api }', {}, 'start-first', "auto: shares api's image, publishes no port"],
    ['a service sharing a built image with a named volume', '{ image_from: api }', { namedVolumes: ['spool'] }, 'stop-first', "auto: shares api's image, named volume spool"],
    ['a built service whose health URL is a port it publishes', '{ build: {}, health: { http: "http://127.0.0.1:8080/up" } }', { ports: ['127.0.0.1:8080:80'] }, 'proxy', 'auto: built, publishes 127.0.0.1:8080'],
    ['a built service whose health URL is not a port it publishes', '{ build: {}, health: { http: "https://shop.example.com/up" } }', { ports: ['127.0.0.1:8080:80'] }, 'stop-first', 'auto: built, health.http https://shop.example.com/up cannot check a new container alone'],
    ['a built service without fixed ports, checked by a health URL', '{ build: {}, health: { http: "http://127.0.0.1:9000/" } }', { ports: ['9000'] }, 'stop-first', 'auto: built, health.http http://127.0.0.1:9000/ cannot check a new container alone'],
    ['a worker checked by a command', '{ build: {}, health: { cmd: [test, -f, /tmp/ready] } }', {}, 'start-first', 'auto: built, publishes no port'],
  ])('%s', (_, config, settings, strategy, reason) => {
    const decision = switchStrategyOf(manifest({ api: '{ build: {} }', svc: config }), compose(definition('svc', settings)), 'svc', 'acme');
    expect(decision).toMatchObject({ strategy, reason, chosen: 'auto', refusals: [] });
  });

  it('treats a service only the compose files define as compose-only', () => {
    expect(switchStrategyOf(manifest({ api: '{ build: {} }' }), compose(definition('queue', { image: 'nats:2.10' })), 'queue')).toEqual({ strategy: 'stop-first', reason: 'auto: compose-only, runs nats:2.10', chosen: 'auto', refusals: [] });
  });

  it('tells a service that runs a built repository by its untagged image, with or without the repository owner', () => {
    const shop = manifest({ api: '{ build: {} }', worker: '{ image: ghcr.io/acme/api }' }, '');
    expect(switchStrategyOf(shop, compose(definition('worker')), 'worker', 'acme').reason).toBe("auto: shares api's image, publishes no port");
    expect(switchStrategyOf(shop, compose(definition('worker')), 'worker').reason).toBe('auto: shares a built image, publishes no port');
  });

  it('stops first a service the compose files do not define', () => {
    expect(switchStrategyOf(manifest({ api: '{ build: {} }' }), compose(), 'api')).toMatchObject({ strategy: 'stop-first', reason: 'auto: built, not in the compose files' });
    expect(switchStrategyOf(manifest({ api: '{ build: {} }' }), undefined, 'api').strategy).toBe('stop-first');
  });

  it('is the same as writing switch: auto', () => {
    const written = manifest({ api: '{ build: {}, switch: auto }' });
    expect(switchStrategyOf(written, compose(definition('api', { ports: ['8080:80'] })), 'api')).toEqual({ strategy: 'proxy', reason: 'auto: built, publishes 8080', chosen: 'auto', drainTimeoutMs: 30_000, refusals: [] });
  });

  it('drains 30s by default, or drain_timeout', () => {
    const api = compose(definition('api', { ports: ['8080:80'] }));
    expect(switchStrategyOf(manifest({ api: '{ build: {} }' }), api, 'api').drainTimeoutMs).toBe(30_000);
    expect(switchStrategyOf(manifest({ api: '{ build: {}, drain_timeout: 2m }' }), api, 'api').drainTimeoutMs).toBe(120_000);
    expect(switchStrategyOf(manifest({ api: '{ build: {}, drain_timeout: 2m }' }), compose(definition('api')), 'api').drainTimeoutMs).toBeUndefined();
  });

  it('never chooses what it would refuse', () => {
    const settings = [{}, { ports: ['8080:80'] }, { ports: ['80'] }, { ports: ['53:53/udp'] }, { ports: ['80/udp'] }, { containerName: 'x', ports: ['8080:80'] }, { networkMode: 'host' }, { networkMode: 'host', ports: ['8080:80'] }, { namedVolumes: ['v'], ports: ['8080:80'] }];
    const mapping = (...keys: string[]) => `{ ${keys.filter((key) => key !== '').join(', ')} }`;
    for (const kind of ['build: {}', 'image_from: api', 'image: "redis:7"', '']) {
      for (const setting of settings) {
        const chosen = switchStrategyOf(manifest({ api: '{ build: {} }', svc: mapping(kind) }), compose(definition('svc', setting)), 'svc');
        const written = switchStrategyOf(manifest({ api: '{ build: {} }', svc: mapping(kind, `switch: ${chosen.strategy}`) }), compose(definition('svc', setting)), 'svc');
        expect(written.refusals, `${kind} ${JSON.stringify(setting)}: ${chosen.strategy}`).toEqual([]);
      }
    }
  });
});

describe('switchStrategyOf with an explicit switch', () => {
  const decide = (choice: string, settings: Parameters<typeof definition>[1], extra = '') => switchStrategyOf(manifest({ api: `{ build: {}, switch: ${choice}${extra} }` }), compose(definition('api', settings)), 'api');

  test.each([
    ['proxy', { ports: ['127.0.0.1:8080:80'] }],
    ['proxy', { ports: ['80'] }],
    ['proxy', { ports: ['8080:80'], namedVolumes: ['uploads'] }],
    ['start-first', {}],
    ['start-first', { ports: ['80', '127.0.0.1::81'] }],
    ['start-first', { networkMode: 'host' }],
    ['start-first', { namedVolumes: ['uploads'] }],
    ['stop-first', { containerName: 'x', ports: ['8080:80'], networkMode: 'host', namedVolumes: ['v'] }],
  ])('%s works with %j', (choice, settings) => {
    expect(decide(choice, settings)).toMatchObject({ strategy: choice, chosen: 'explicit', reason: 'set in stack.yml', refusals: [] });
  });

  test.each([
    ['proxy', { containerName: 'shop-api', ports: ['8080:80'] }, '"proxy" cannot work: api (compose.yml:2) has container_name "shop-api", which allows one container at a time, and proxy runs the new one next to the old one', 'remove container_name from the compose file, or use "stop-first"'],
    ['proxy', { networkMode: 'host' }, '"proxy" cannot work: api (compose.yml:2) uses network_mode: host: it binds the host\'s ports itself, so the proxy cannot own them', 'publish its ports instead of using host networking, or use "start-first" or "stop-first"'],
    ['proxy', {}, '"proxy" cannot work: api (compose.yml:2) publishes no port for the proxy to own', 'publish the port it serves HTTP on, or use "start-first" or "stop-first"'],
    ['proxy', { ports: ['8080:80', '5353:53/udp', '54/udp'] }, '"proxy" cannot work: api (compose.yml:2) publishes 5353/udp, container port 54/udp, and the proxy carries HTTP (TCP) only', 'publish TCP ports only, or use "stop-first"'],
    [
      'proxy',
      { containerName: 'x', networkMode: 'host' },
      '"proxy" cannot work: api (compose.yml:2) has container_name "x", which allows one container at a time, and proxy runs the new one next to the old one; it uses network_mode: host: it binds the host\'s ports itself, so the proxy cannot own them',
      'remove container_name from the compose file, publish its ports instead of using host networking, or use "stop-first"',
    ],
    ['start-first', { ports: ['8080:80'] }, '"start-first" cannot work: api (compose.yml:2) publishes the fixed host port 8080, which the new container cannot bind while the old one runs', 'publish it without a host port (like "80") so that Compose chooses one, or use "proxy" or "stop-first"'],
    ['start-first', { ports: ['127.0.0.1:8080:80', '5353:53/udp'] }, '"start-first" cannot work: api (compose.yml:2) publishes the fixed host ports 127.0.0.1:8080, 5353/udp, which the new container cannot bind while the old one runs', 'publish them without a host port (like "80") so that Compose chooses one, or use "stop-first"'],
    ['start-first', { containerName: 'worker-1' }, '"start-first" cannot work: api (compose.yml:2) has container_name "worker-1", which allows one container at a time, and start-first runs the new one next to the old one', 'remove container_name from the compose file, or use "stop-first"'],
    [
      'proxy',
      { ports: ['127.0.0.1:8080:80'] },
      '"proxy" cannot work: api (compose.yml:2) is checked by health.http (http://127.0.0.1:9090/up), whose port is not one it publishes, so the check would not reach the new container alone',
      'point health.http at a port it publishes, or check it with health.cmd, or use "stop-first"',
      ', health: { http: "http://127.0.0.1:9090/up" }',
    ],
    [
      'start-first',
      {},
      '"start-first" cannot work: api (compose.yml:2) is checked by health.http (http://127.0.0.1:9000/), which may reach the old container while both run',
      'check it with health.cmd instead (run inside the new container), or use "stop-first"',
      ', health: { http: "http://127.0.0.1:9000/" }',
    ],
  ])('%s is refused with %j', (choice, settings, message, hint, extra = '') => {
    const decision = decide(choice, settings, extra);
    expect(decision).toMatchObject({ strategy: choice, chosen: 'explicit' });
    expect(decision.refusals).toEqual([{ key: 'switch', message, hint }]);
  });

  it('refuses nothing without the compose definition (it is reported as missing)', () => {
    expect(switchStrategyOf(manifest({ api: '{ build: {}, switch: proxy }' }), compose(), 'api').refusals).toEqual([]);
  });
});

describe('drain_timeout', () => {
  it('is refused on a service that an explicit switch does not send through the proxy', () => {
    const decision = switchStrategyOf(manifest({ db: '{ image: "postgres:15.6", switch: stop-first, drain_timeout: 10s }' }), compose(definition('db')), 'db');
    expect(decision.refusals).toEqual([{ key: 'drain_timeout', message: 'db switches stop-first (set in stack.yml), and only services that the proxy switches drain', hint: 'remove drain_timeout' }]);
  });

  it('is refused on a service that auto does not send through the proxy', () => {
    const decision = switchStrategyOf(manifest({ worker: '{ build: {}, drain_timeout: 10s }' }), compose(definition('worker')), 'worker');
    expect(decision.refusals).toEqual([{ key: 'drain_timeout', message: 'worker switches start-first (auto: built, publishes no port), and only services that the proxy switches drain', hint: 'remove drain_timeout, or set switch: proxy' }]);
    const pinned = switchStrategyOf(manifest({ db: '{ image: "postgres:15.6", drain_timeout: 10s }' }), compose(definition('db', { ports: ['5432:5432'] })), 'db');
    expect(pinned.refusals.map((r) => r.key)).toEqual(['drain_timeout']);
  });

  it('is kept with the proxy, chosen or automatic, even when the proxy itself is refused', () => {
    expect(switchStrategyOf(manifest({ api: '{ build: {}, drain_timeout: 10s }' }), compose(definition('api', { ports: ['8080:80'] })), 'api')).toMatchObject({ drainTimeoutMs: 10_000, refusals: [] });
    expect(switchStrategyOf(manifest({ api: '{ build: {}, switch: proxy, drain_timeout: 10s }' }), compose(definition('api')), 'api').refusals.map((r) => r.key)).toEqual(['switch']);
  });
});

describe('describeSwitch', () => {
  it('shows the strategy, why, and a drain time that is not the default', () => {
    const api = compose(definition('api', { ports: ['127.0.0.1:8080:80'] }));
    expect(describeSwitch(switchStrategyOf(manifest({ api: '{ build: {} }' }), api, 'api'))).toBe('proxy (auto: built, publishes 127.0.0.1:8080)');
    expect(describeSwitch(switchStrategyOf(manifest({ api: '{ build: {}, switch: proxy, drain_timeout: 1m30s }' }), api, 'api'))).toBe('proxy (set in stack.yml, drains 90s)');
    expect(describeSwitch(switchStrategyOf(manifest({ db: '{ image: "postgres:15.6" }' }), compose(definition('db')), 'db'))).toBe('stop-first (auto: pinned postgres:15.6)');
  });
});

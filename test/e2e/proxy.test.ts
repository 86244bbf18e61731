// An HTTP service switched behind the host's proxy (nginx, the lab's Debian build) while a probe
// sends at least 50 requests a second: three deploys, a deploy that fails its health gate, a
// deploy whose SSH connection drops during the hand-over and a manual rollback lose no request;
// the failing release never answers; a 5 s request started just before a switch completes; a
// connection held open is closed no earlier than drain_timeout after the hand-over began; the
// proxy is started once and never restarted.
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { killIfAlive, sshdSessionOf } from '../processes';
import { DeployFixture } from './deploy-fixture';
import { pollFor } from './poll';

let lab: Lab;
let fixture: DeployFixture;
const DRAIN_S = 6;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Pushes a runner image to the lab registry under `ref`. */
function push(image: string, ref: string): void {
  const env = { ...process.env, DOCKER_CONFIG: join(fixture.dir, '.docker-push') };
  execFileSync('docker', ['login', '-u', lab.registry.username, '--password-stdin', lab.registry.host], { env, input: lab.registry.password, stdio: ['pipe', 'ignore', 'ignore'] });
  execFileSync('docker', ['tag', image, ref], { env });
  execFileSync('docker', ['push', '-q', ref], { env, stdio: 'ignore' });
}

/** Requests `/` every 10 ms until stopped; counts failures and what answered. */
class Probe {
  sent = 0;
  failed: string[] = [];
  readonly #started = Date.now();
  #stopped = 0;
  readonly answers = new Set<string>();
  #running = true;
  readonly #done: Promise<void>;

  constructor(private readonly url: string) {
    this.#done = this.#loop();
  }

  async #loop(): Promise<void> {
    // Bounded in count: about 10 minutes at 100 a second.
    for (let i = 0; i < 60_000 && this.#running; i += 1) {
      this.sent += 1;
      const started = Date.now();
      try {
        const response = await fetch(this.url, { signal: AbortSignal.timeout(5_000) });
        const text = (await response.text()).trim();
        if (response.ok) this.answers.add(text);
        else this.failed.push(`HTTP ${response.status} at ${started}`);
      } catch (error) {
        const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
        this.failed.push(`${(error as Error).message}${cause === undefined ? '' : ` (${cause})`} at ${started}`);
      }
      await sleep(10);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
    this.#stopped = Date.now();
  }

  /** Requests sent per second while it ran. */
  perSecond(): number {
    return this.sent / ((this.#stopped - this.#started) / 1_000);
  }
}

beforeAll(async () => {
  lab = readLab();
  fixture = new DeployFixture(lab, { healthTimeout: '8s' });
  const repo = `${lab.registry.host}/${fixture.name}`;
  push(lab.images.proxy, `${repo}/nginx:1.22`);
  fixture.write(
    'compose.yml',
    `services:
  web:
    image: ${repo}/web
    init: true
    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
    ports: ["127.0.0.1:${fixture.port}:8080"]
  worker:
    image: ${repo}/worker
    init: true
    network_mode: host
    command: ["sh", "/job.sh"]
`,
  );
  fixture.write(
    'stack.yml',
    `version: 1
name: ${fixture.name}
registry: { host: ${lab.registry.host}, namespace: ${fixture.name} }
proxy: { image: ${repo}/nginx:1.22 }
services:
  web:
    build: { context: services/web, network: host }
    health: { http: "http://127.0.0.1:${fixture.port}/", timeout: 8s, interval: 200ms }
    drain_timeout: ${DRAIN_S}s
  worker:
    build: { context: services/worker, network: host }
    health: { timeout: 6s, interval: 200ms }
environments:
${fixture.labEnvironment()}`,
  );
  // A CGI that answers after $1 seconds, to hold a request open across a switch.
  fixture.write('services/web/slow', '#!/bin/sh\nsleep "${QUERY_STRING:-5}"\nprintf \'Content-Type: text/plain\\r\\n\\r\\n\'\ncat /www/index.html\n', 0o755);
}, 240_000);

afterAll(() => {
  if (fixture !== undefined) {
    const edge = fixture.hostDocker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${fixture.name}-edge`]);
    if (edge !== '') fixture.hostDocker(['rm', '-f', ...edge.split('\n')]);
    rmSync(`${fixture.hostPath}-edge`, { recursive: true, force: true });
  }
  fixture?.cleanup();
  // The proxy is the host's: this stack's routes go, and the proxy with them (the next test that needs it starts it).
  const proxyDir = `${lab.deployHome}/.stack-deploy-proxy`;
  for (const sub of ['conf.d', 'drain']) {
    const dir = join(proxyDir, sub);
    if (existsSync(dir)) for (const file of readdirSync(dir).filter((f) => fixture !== undefined && (f.startsWith(`${fixture.project}--`) || f.startsWith(`${fixture.name}-edge--`)))) rmSync(join(dir, file));
  }
  execFileSync('docker', ['-H', lab.hostDockerHost, 'rm', '-f', 'stack-deploy-proxy'], { stdio: 'ignore' });
});

interface HostEvent {
  t: number;
  step: string;
  status: string;
  service: string;
  message: string;
}

const stateDir = (): string => join(fixture.hostPath, '.stack-deploy');
const lastRun = (): string => (existsSync(join(stateDir(), 'last-run')) ? readFileSync(join(stateDir(), 'last-run'), 'utf8').trim() : '');
const eventsFile = (run: string): string => join(stateDir(), 'runs', run, 'events.jsonl');
function events(run: string): HostEvent[] {
  if (!existsSync(eventsFile(run))) return [];
  return readFileSync(eventsFile(run), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as HostEvent);
}

/** The running containers of a service of the fixture, as `id published-ports` lines. */
function containers(service: string): string[] {
  const ids = fixture.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${fixture.project}`, '--filter', `label=com.docker.compose.service=${service}`]);
  return ids === '' ? [] : ids.split('\n').map((id) => `${id} ${fixture.hostDocker(['port', id]).replaceAll('\n', ',')}`.trim());
}

/** The proxy container's id and start time: the same before and after a deploy that did not restart it. */
const proxyIdentity = (): string => fixture.hostDocker(['inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', 'stack-deploy-proxy']);

function setWeb(text: string, options: { broken?: boolean } = {}): void {
  fixture.setWeb(text, options);
  fixture.write('services/web/Dockerfile', `FROM ${lab.images.busybox}\nCOPY index.html ${options.broken === true ? '/www/broken.html' : '/www/index.html'}\nCOPY slow /www/cgi-bin/slow\n`);
}

describe('switch: proxy', () => {
  test('deploys, a failing deploy, a dropped connection and a rollback lose no request; long requests finish; drains last drain_timeout', { timeout: 600_000 }, async () => {
    setWeb('v1');
    const first = await fixture.deploy('1.0.0');
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await fixture.serving()).toBe('v1');
    // The proxy owns the port: the app container publishes none, and the proxy runs the pinned image.
    expect(containers('web')).toHaveLength(1);
    expect(containers('web')[0]).toMatch(/^[0-9a-f]+$/u);
    const proxy = proxyIdentity();
    expect(proxy).toMatch(/ true$/u);
    expect(fixture.hostDocker(['inspect', '-f', '{{.Config.Image}}', 'stack-deploy-proxy'])).toMatch(/@sha256:[0-9a-f]{64}$/u);

    const probe = new Probe(`http://127.0.0.1:${fixture.port}/`);
    try {
      setWeb('v2');
      expect((await fixture.deploy('2.0.0')).exitCode).toBe(0);

      // A 5 s request started just before the switch completes, on the release it started on.
      setWeb('v3');
      const slow = fetch(`http://127.0.0.1:${fixture.port}/cgi-bin/slow?5`).then(async (r) => ({ status: r.status, text: (await r.text()).trim() }));
      // A connection held open longer than the drain: closed no earlier than drain_timeout after the hand-over.
      const held = fetch(`http://127.0.0.1:${fixture.port}/cgi-bin/slow?60`).then(
        () => Date.now(),
        () => Date.now(),
      );
      await sleep(200);
      const third = await fixture.deploy('3.0.0');
      expect(third.exitCode, third.stdout).toBe(0);
      expect(await slow).toEqual({ status: 200, text: 'v2' });
      expect(third.stdout).toMatch(/routes moved to the new container/u);
      const handOver = events(lastRun()).find((e) => e.step === 'proxy' && e.status === 'start' && e.service === 'web');
      expect(handOver).toBeDefined();
      const closedAt = await held;
      expect(closedAt - (handOver?.t ?? Infinity)).toBeGreaterThanOrEqual(DRAIN_S * 1_000);
      // ... and closed by the drain, not by its own end 60 s later.
      expect(closedAt - (handOver?.t ?? 0)).toBeLessThan(60_000);

      // A release that fails its health gate never answers.
      setWeb('v4', { broken: true });
      const fourth = await fixture.deploy('4.0.0');
      expect(fourth.exitCode).not.toBe(0);
      expect(fourth.outputs.result).toBe('rolled-back');
      expect(await fixture.serving()).toBe('v3');

      // The SSH connection drops while the old container drains: the transaction on the host
      // finishes the hand-over, and exactly one release serves.
      setWeb('v5');
      const before = lastRun();
      const deploying = fixture.start('5.0.0').done;
      const run = await pollFor(
        'the hand-over of 5.0.0',
        () => {
          const id = lastRun();
          return id !== before && events(id).some((e) => e.step === 'proxy' && e.status === 'ok' && e.service === 'web') ? id : undefined;
        },
        120_000,
      );
      const session = sshdSessionOf(eventsFile(run));
      expect(session.length).toBeGreaterThan(0);
      for (const pid of session) killIfAlive(pid);
      const dropped = await deploying;
      expect(dropped.exitCode).not.toBe(0);
      expect(dropped.stdout).toContain('the SSH connection dropped during the switch');
      const result = await pollFor('the transaction to end on the host', () => (existsSync(join(stateDir(), 'lock')) ? undefined : existsSync(join(stateDir(), 'runs', run, 'result')) ? readFileSync(join(stateDir(), 'runs', run, 'result'), 'utf8').trim() : undefined), 60_000, 200);
      expect(result).toBe('success');
      expect(await fixture.serving()).toBe('v5');
      expect(containers('web')).toHaveLength(1);

      // A manual rollback is the same hand-over in reverse.
      const back = await fixture.deploy('2.0.0', { command: 'rollback', version: '2.0.0' });
      expect(back.exitCode, back.stdout).toBe(0);
      expect(back.stdout).toMatch(/routes moved to the new container/u);
      expect(await fixture.serving()).toBe('v2');
      expect(containers('web')).toHaveLength(1);
    } finally {
      await probe.stop();
    }
    if (probe.failed.length > 0) {
      // Which step of which run it fell in.
      const all = readdirSync(join(stateDir(), 'runs')).flatMap((id) => events(id).map((e) => `${e.t} ${id} ${e.step} ${e.service} ${e.status}: ${e.message.slice(0, 80)}`));
      console.error([...all, ...probe.failed.map((f) => `${/at (\d+)$/u.exec(f)?.[1] ?? ''} PROBE ${f}`)].sort().join('\n'));
    }
    expect(probe.failed).toEqual([]);
    expect(probe.perSecond()).toBeGreaterThanOrEqual(50);
    expect([...probe.answers].sort()).toEqual(['v1', 'v2', 'v3', 'v5']);
    // Started by the first deploy, never restarted by the next five.
    expect(proxyIdentity()).toBe(proxy);

    const status = await fixture.deploy('2.0.0', { command: 'status' });
    expect(status.exitCode, status.stdout).toBe(0);
    expect(status.stdout, status.stdout).toMatch(new RegExp(`The host's proxy is running \\(.*\\), serving web: 127\\.0\\.0\\.1:${fixture.port}`, 'u'));
  });
});

/** GET / on the proxied port with a Host header: the body, or the status when not 200. */
function getWithHost(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: fixture.port, path: '/', headers: { host }, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : `HTTP ${res.statusCode ?? 0}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('host names', () => {
  test('two environments on one host publish the same port; the proxy routes each request by its host name', { timeout: 300_000 }, async () => {
    const stack = readFileSync(join(fixture.dir, 'stack.yml'), 'utf8');
    const lab = fixture.labEnvironment();
    const edge = lab.replace('  lab:', '  edge:').replace(`path: ${fixture.hostPath}`, `path: ${fixture.hostPath}-edge`);
    fixture.write(
      'stack.yml',
      stack.replace(lab, `${lab}    host_names: { web: [lab.shop.test] }\n${edge}    host_names: { web: [edge.shop.test, "*.edge.shop.test"] }\n`),
    );
    setWeb('lab v6');
    const six = await fixture.deploy('6.0.0', { environment: 'lab' });
    expect(six.exitCode, six.stdout).toBe(0);
    setWeb('edge v7');
    const seven = await fixture.deploy('7.0.0', { environment: 'edge' });
    expect(seven.exitCode, seven.stdout).toBe(0);
    expect(await getWithHost('lab.shop.test')).toBe('lab v6');
    expect(await getWithHost('edge.shop.test')).toBe('edge v7');
    expect(await getWithHost('api.edge.shop.test')).toBe('edge v7');

    // Without host names, a second environment cannot take a port the proxy already serves.
    fixture.write('stack.yml', readFileSync(join(fixture.dir, 'stack.yml'), 'utf8').replace('    host_names: { web: [edge.shop.test, "*.edge.shop.test"] }\n', ''));
    setWeb('edge v8');
    const eight = await fixture.deploy('8.0.0', { environment: 'edge' });
    expect(eight.exitCode).not.toBe(0);
    expect(eight.stdout).toMatch(/is already served by the proxy for .*-lab web: give both services host names/u);
    expect(await getWithHost('edge.shop.test')).toBe('edge v7');
    expect(await getWithHost('lab.shop.test')).toBe('lab v6');
  });
});

// An HTTP service switched behind the host's proxy (nginx, the lab's Debian build) while a probe
// sends at least 50 requests a second: three deploys, a deploy that fails its health gate and a
// manual rollback lose no request, the failing release never answers, a 5 s request started just
// before a switch completes, and a connection held open is closed no earlier than drain_timeout.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';

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
        this.failed.push(`${(error as Error).message} at ${started}`);
      }
      await sleep(10);
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
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
  fixture?.cleanup();
  execFileSync('docker', ['-H', lab.hostDockerHost, 'rm', '-f', 'stack-deploy-proxy'], { stdio: 'ignore' });
});

function setWeb(text: string, options: { broken?: boolean } = {}): void {
  fixture.setWeb(text, options);
  fixture.write('services/web/Dockerfile', `FROM ${lab.images.busybox}\nCOPY index.html ${options.broken === true ? '/www/broken.html' : '/www/index.html'}\nCOPY slow /www/cgi-bin/slow\n`);
}

describe('switch: proxy', () => {
  test('deploys, a failing deploy and a rollback lose no request; long requests finish; drains last drain_timeout', { timeout: 600_000 }, async () => {
    setWeb('v1');
    const first = await fixture.deploy('1.0.0');
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await fixture.serving()).toBe('v1');

    const probe = new Probe(`http://127.0.0.1:${fixture.port}/`);
    try {
      setWeb('v2');
      expect((await fixture.deploy('2.0.0')).exitCode).toBe(0);

      // A 5 s request started just before the switch completes, on the release it started on.
      setWeb('v3');
      const slow = fetch(`http://127.0.0.1:${fixture.port}/cgi-bin/slow?5`).then(async (r) => ({ status: r.status, text: (await r.text()).trim() }));
      // A connection held open longer than the drain: closed no earlier than drain_timeout after the hand-over.
      const heldStarted = Date.now();
      const held = fetch(`http://127.0.0.1:${fixture.port}/cgi-bin/slow?60`).then(
        () => Date.now(),
        () => Date.now(),
      );
      await sleep(200);
      const third = await fixture.deploy('3.0.0');
      expect(third.exitCode, third.stdout).toBe(0);
      expect(await slow).toEqual({ status: 200, text: 'v2' });
      const handOver = /routes moved to the new container/u.exec(third.stdout);
      expect(handOver).not.toBeNull();
      const closedAfter = (await held) - heldStarted;
      expect(closedAfter).toBeGreaterThanOrEqual(DRAIN_S * 1_000);

      // A release that fails its health gate never answers.
      setWeb('v4', { broken: true });
      const fourth = await fixture.deploy('4.0.0');
      expect(fourth.exitCode).not.toBe(0);
      expect(fourth.outputs.result).toBe('rolled-back');
      expect(await fixture.serving()).toBe('v3');

      // A manual rollback is the same hand-over in reverse.
      const back = await fixture.deploy('2.0.0', { command: 'rollback', version: '2.0.0' });
      expect(back.exitCode, back.stdout).toBe(0);
      expect(await fixture.serving()).toBe('v2');
    } finally {
      await probe.stop();
    }
    expect(probe.sent).toBeGreaterThan(50 * 10);
    expect(probe.failed).toEqual([]);
    expect([...probe.answers].sort()).toEqual(['v1', 'v2', 'v3']);
  });
});

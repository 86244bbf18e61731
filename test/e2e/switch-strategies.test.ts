// How services are switched on the host: a worker without published ports is switched
// start-first (its new container runs next to the old one, which gets SIGTERM only once the new
// one is healthy); a new container that never becomes healthy is removed and the old one never
// stopped. Real Docker, Compose and sshd (the lab), through the bundled action.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';

let lab: Lab;
let fixture: DeployFixture;

/** The worker of `version` writes when it is ready and when it gets SIGTERM, to a file on the host. */
function worker(version: string, options: { healthy?: boolean } = {}): string {
  return `v=${version}
trap 'echo "$v term" >> /log/events; exit 0' TERM
echo "$v start" >> /log/events
sleep 1
${options.healthy === false ? '' : 'touch /tmp/ready; echo "$v ready" >> /log/events'}
while true; do sleep 1 & wait $!; done`;
}

const workerEvents = (): string[] => {
  const file = join(fixture.hostPath, 'worker-log/events');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
};

const workerContainers = (): string[] => fixture.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${fixture.project}`, '--filter', 'label=com.docker.compose.service=worker']).split('\n').filter((id) => id !== '');

beforeAll(() => {
  lab = readLab();
  fixture = new DeployFixture(lab, { workerHealth: '{ cmd: [test, -f, /tmp/ready], timeout: 8s, interval: 200ms }' });
  const repo = `${lab.registry.host}/${fixture.name}`;
  fixture.write(
    'compose.yml',
    `services:
  web:
    image: ${repo}/web
    network_mode: host
    init: true
    command: ["httpd", "-f", "-p", "127.0.0.1:${fixture.port}", "-h", "/www"]
  worker:
    image: ${repo}/worker
    init: true
    command: ["sh", "/job.sh"]
    volumes: ["./worker-log:/log"]
`,
  );
});

afterAll(() => {
  fixture?.cleanup();
});

describe('start-first', () => {
  test('the new worker is healthy before the old one gets SIGTERM; one worker runs afterwards', async () => {
    fixture.setWorker(worker('1'));
    const first = await fixture.deploy('1.0.0');
    expect(first.exitCode, first.stdout).toBe(0);
    fixture.setWorker(worker('2'));
    const second = await fixture.deploy('2.0.0');
    expect(second.exitCode, second.stdout).toBe(0);
    expect(second.stdout).toContain('started next to the running containers');
    const events = workerEvents();
    expect(events).toContain('2 ready');
    expect(events).toContain('1 term');
    expect(events.indexOf('2 ready')).toBeLessThan(events.indexOf('1 term'));
    expect(workerContainers()).toHaveLength(1);
    expect(fixture.ledger().at(-1)?.result).toBe('success');
  });

  test('a new worker that never becomes healthy is removed; the old one never stopped', async () => {
    fixture.setWorker(worker('3', { healthy: false }));
    const third = await fixture.deploy('3.0.0');
    expect(third.exitCode).not.toBe(0);
    expect(third.outputs.result).toBe('rolled-back');
    const events = workerEvents();
    expect(events).toContain('3 start');
    expect(events).not.toContain('2 term');
    const running = workerContainers();
    expect(running).toHaveLength(1);
    expect(fixture.runningImage('worker')).toBe(fixture.ledger().at(-2)?.services.find((s) => s.name === 'worker')?.to);
  });
});

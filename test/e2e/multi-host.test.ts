import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { type Lab, type LabHost, readLab } from '../lab/lab';
import { DeployFixture, removeStack } from './deploy-fixture';
import { type ActionRun, runAction } from './run-action';

/**
 * One environment on two lab hosts (network namespaces h1 and h2, each with its own sshd, Docker
 * engine and home): web on both, worker on the second. Images go through the registry both reach.
 * Deploys roll out with a canary, one host at a time.
 */

let lab: Lab;
let stack: TwoHostStack;

/** A file in the stack's directory under the deploy user's home on one lab host. */
const onHost = (host: LabHost, name: string, path = '') => join(host.home, name, path);

class TwoHostStack extends DeployFixture {
  readonly h1: LabHost;
  readonly h2: LabHost;

  constructor(lab_: Lab) {
    super(lab_);
    const [h1, h2] = lab_.hosts;
    if (h1 === undefined || h2 === undefined) throw new Error('the lab has no two extra hosts');
    this.h1 = h1;
    this.h2 = h2;
    const repo = `${lab_.registry.host}/${this.name}`;
    // web fails to start on a host where the stack's flags directory has "broken" (tests set it per host).
    this.setStart('v1', false);
    writeFileSync(
      join(this.dir, 'compose.yml'),
      `services:
  web:
    image: ${repo}/web
    network_mode: host
    init: true
    volumes: ["/home/deploy/${this.name}-flags:/flags:ro"]
    command: ["sh", "/start.sh"]
  worker:
    image: ${repo}/worker
    network_mode: host
    init: true
    command: ["sh", "/job.sh"]
`,
    );
    this.writeManifest([h1, h2]);
    for (const host of [h1, h2]) {
      mkdirSync(onHost(host, `${this.name}-flags`), { recursive: true });
      execFileSync('chown', ['-R', 'deploy:deploy', onHost(host, `${this.name}-flags`)]);
    }
  }

  /** stack.yml with the hosts in `order` (worker on h2 only), rolling one at a time, the first a canary. */
  writeManifest(order: readonly LabHost[], file = 'stack.yml'): void {
    const hostLine = (h: LabHost) => `      - { host: ${h.address}${h === this.h2 ? ', services: [web, worker]' : ', services: [web]'} }`;
    writeFileSync(
      join(this.dir, file),
      `version: 1
name: ${this.name}
registry: { host: ${this.lab.registry.host}, namespace: ${this.name} }
services:
  web:
    build: { context: services/web, network: host }
    health: { http: "http://127.0.0.1:${this.port}/", timeout: 5s, interval: 200ms }
  worker:
    build: { context: services/worker, network: host }
    health: { timeout: 6s, interval: 200ms }
hooks:
  pre_batch: [[sh, -c, 'echo "pre $STACK_DEPLOY_BATCH $STACK_DEPLOY_HOSTS" >> batches.log']]
  # With the file kill-runner, the runner dies after the first batch (the hook's parent is the
  # hook's time limit, whose parent is the action's process).
  post_batch: [[sh, -c, 'echo "post $STACK_DEPLOY_BATCH $STACK_DEPLOY_HOSTS" >> batches.log; if [ "$STACK_DEPLOY_BATCH" = 1 ] && [ -e kill-runner ]; then rm kill-runner; kill -9 "$(cut -d " " -f 4 /proc/$PPID/stat)"; fi']]
environments:
  lab:
    user: deploy
    path: /home/deploy/${this.name}
    compose: [compose.yml]
    rollout: { strategy: rolling, batch: 1, canary: true }
    hosts:
${order.map(hostLine).join('\n')}
`,
    );
  }

  /** The web image: serves `text`; its start script refuses to serve where the host has the "broken" flag (when `checksFlag`). */
  setStart(text: string, checksFlag = true): void {
    this.setWeb(text);
    writeFileSync(join(this.dir, 'services/web/start.sh'), `${checksFlag ? '[ -e /flags/broken ] && exec sleep 3600\n' : ''}exec httpd -f -p ${this.port} -h /www\n`);
    writeFileSync(join(this.dir, 'services/web/Dockerfile'), `FROM ${this.lab.images.busybox}\nCOPY index.html /www/index.html\nCOPY start.sh /start.sh\n`);
  }

  breakOn(host: LabHost, broken: boolean): void {
    const flag = onHost(host, `${this.name}-flags`, 'broken');
    if (broken) writeFileSync(flag, '');
    else rmSync(flag, { force: true });
  }

  override inputs(extra: Record<string, string> = {}): Record<string, string> {
    return { ...super.inputs(extra), 'ssh-known-hosts': this.lab.hosts.map((h) => h.knownHostsLine).join('\n'), 'registry-username': this.lab.registry.username, 'registry-password': this.lab.registry.password, 'lock-timeout': '120s', ...extra };
  }

  /** What web answers on a host right now ('' when nothing does). */
  async servingOn(host: LabHost): Promise<string> {
    try {
      const response = await fetch(`http://${host.address}:${this.port}/`, { signal: AbortSignal.timeout(3_000) });
      return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
    } catch {
      return '';
    }
  }

  /** The host's ledger: its own lines, or with `rollouts` the environment's lines too. */
  ledgerOn(host: LabHost, rollouts = false): { version: string; action: string; result: string; hosts?: Record<string, string> }[] {
    const file = onHost(host, this.name, '.stack-deploy/releases.jsonl');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { version: string; action: string; result: string; hosts?: Record<string, string> });
    return rollouts ? lines : lines.filter((l) => l.action !== 'rollout');
  }

  docker(host: LabHost, args: string[]): string {
    return execFileSync('docker', ['-H', host.dockerHost, ...args], { encoding: 'utf8' }).trim();
  }

  containers(host: LabHost, service: string): string[] {
    return this.docker(host, ['ps', '-q', '--filter', `label=com.docker.compose.project=${this.project}`, '--filter', `label=com.docker.compose.service=${service}`]).split('\n').filter((id) => id !== '');
  }

  batches(): string[] {
    const file = join(this.dir, 'batches.log');
    if (!existsSync(file)) return [];
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    rmSync(file);
    return lines;
  }

  override cleanup(): void {
    for (const host of [this.h1, this.h2]) {
      removeStack(host.dockerHost, this.name);
      rmSync(onHost(host, this.name), { recursive: true, force: true });
      rmSync(onHost(host, `${this.name}-flags`), { recursive: true, force: true });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const hostsOutput = (run: ActionRun) => JSON.parse(run.outputs.hosts ?? '{}') as Record<string, string>;

beforeAll(() => {
  lab = readLab();
  stack = new TwoHostStack(lab);
});
afterAll(() => stack.cleanup());

describe('an environment on two hosts', () => {
  let h1: LabHost;
  let h2: LabHost;
  const label = (h: LabHost) => `deploy@${h.address}:22`;

  beforeAll(() => {
    h1 = stack.h1;
    h2 = stack.h2;
  });

  test('v1: rolling with a canary, batch hooks on the runner, web on both hosts and worker on the second', async () => {
    const run = await stack.deploy('1.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.servingOn(h1)).toBe('v1');
    expect(await stack.servingOn(h2)).toBe('v1');
    expect(stack.containers(h1, 'worker')).toEqual([]);
    expect(stack.containers(h2, 'worker')).toHaveLength(1);
    expect(stack.batches()).toEqual([`pre 1 ${h1.address}`, `post 1 ${h1.address}`, `pre 2 ${h2.address}`, `post 2 ${h2.address}`]);
    expect(hostsOutput(run)).toEqual({ [label(h1)]: 'success', [label(h2)]: 'success' });
    // One ledger line per host; the summary's table has a column per host.
    expect(stack.ledgerOn(h1).map((e) => `${e.action} ${e.version} ${e.result}`)).toEqual(['deploy 1.0.0 success']);
    expect(stack.ledgerOn(h2).map((e) => `${e.action} ${e.version} ${e.result}`)).toEqual(['deploy 1.0.0 success']);
    expect(run.summary).toContain(`| Service | ${label(h1)} | ${label(h2)} |`);
    // And one line for the environment, after each host's own.
    for (const host of [h1, h2]) expect(stack.ledgerOn(host, true).at(-1)).toMatchObject({ action: 'rollout', version: '1.0.0', result: 'success', hosts: { [label(h1)]: 'success', [label(h2)]: 'success' } });
    // Every lock is freed at the end.
    for (const host of [h1, h2]) expect(existsSync(onHost(host, stack.name, '.stack-deploy/lock'))).toBe(false);
  });

  test('v2 fails its health gate on the second host: both hosts end on v1, and the run fails', async () => {
    stack.setStart('v2');
    stack.breakOn(h2, true);
    onTestFinished(() => stack.breakOn(h2, false));
    const run = await stack.deploy('2.0.0');
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result, run.stdout).toBe('rolled-back');
    expect(hostsOutput(run)).toEqual({ [label(h1)]: 'undone: success', [label(h2)]: 'rolled-back' });
    expect(await stack.servingOn(h1)).toBe('v1');
    expect(await stack.servingOn(h2)).toBe('v1');
    // h1 switched to v2, then back to its own previous images.
    expect(stack.ledgerOn(h1).slice(1).map((e) => `${e.action} ${e.version} ${e.result}`)).toEqual(['deploy 2.0.0 success', 'rollback 1.0.0 success']);
    expect(stack.ledgerOn(h2).slice(1).map((e) => `${e.action} ${e.version} ${e.result}`)).toEqual(['deploy 2.0.0 rolled-back']);
    expect(stack.batches()).toEqual([`pre 1 ${h1.address}`, `post 1 ${h1.address}`, `pre 2 ${h2.address}`]);
    for (const host of [h1, h2]) expect(existsSync(onHost(host, stack.name, '.stack-deploy/lock'))).toBe(false);
  });

  test('a release that fails on the canary never touches the second host', async () => {
    stack.breakOn(h2, false);
    stack.breakOn(h1, true);
    onTestFinished(() => stack.breakOn(h1, false));
    const before = stack.ledgerOn(h2, true).length;
    const run = await stack.deploy('2.0.1');
    expect(run.exitCode).not.toBe(0);
    expect(hostsOutput(run), run.stdout).toEqual({ [label(h1)]: 'rolled-back', [label(h2)]: 'not switched' });
    expect(stack.ledgerOn(h2, true)).toHaveLength(before);
    expect(stack.ledgerOn(h1, true).at(-1)).toMatchObject({ action: 'rollout', result: 'rolled-back', hosts: { [label(h1)]: 'rolled-back', [label(h2)]: 'not switched' } });
    expect(await stack.servingOn(h1)).toBe('v1');
    expect(await stack.servingOn(h2)).toBe('v1');
  });

  test('rollback to a version one host never ran is refused before any lock is taken', async () => {
    // 2.0.0 succeeded on h1 only (then it was switched back).
    const before = [stack.ledgerOn(h1, true).length, stack.ledgerOn(h2, true).length];
    const run = await stack.deploy('2.0.0', { command: 'rollback', version: '2.0.0' });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain(`${label(h2)}: version "2.0.0" was never deployed successfully to lab`);
    expect([stack.ledgerOn(h1, true).length, stack.ledgerOn(h2, true).length]).toEqual(before);
    expect(run.stdout).not.toContain('waiting for the deploy lock');
  });

  test('two deploys at once, their hosts listed in opposite orders: one waits for the other, no deadlock, both succeed', async () => {
    stack.writeManifest([h2, h1], 'stack-reversed.yml');
    const first = stack.start('1.0.0', { build: 'false', version: '1.0.0' });
    const second = stack.start('1.0.0', { build: 'false', version: '1.0.0', manifest: 'stack-reversed.yml' });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.exitCode, b.exitCode], `${a.stdout}\n${b.stdout}`).toEqual([0, 0]);
    expect(`${a.stdout}\n${b.stdout}`).toContain('waiting for the deploy lock');
    expect(await stack.servingOn(h1)).toBe('v1');
    expect(await stack.servingOn(h2)).toBe('v1');
    stack.batches();
  });

  test('the runner dies between batches: each host serves one release, the post step frees both locks, status names the disagreement, the next deploy brings the hosts together', async () => {
    stack.setStart('v3');
    writeFileSync(join(stack.dir, 'kill-runner'), '');
    const killed = await stack.deploy('3.0.0');
    expect(killed.exitCode).not.toBe(0);
    expect(killed.stdout).toContain(`Switch ${label(h1)} (batch 1 of 2) to 3.0.0`);
    expect(killed.stdout).not.toContain(`Switch ${label(h2)}`);
    expect(await stack.servingOn(h1)).toBe('v3');
    expect(await stack.servingOn(h2)).toBe('v1');
    for (const host of [h1, h2]) expect(existsSync(onHost(host, stack.name, '.stack-deploy/lock'))).toBe(true);

    const status = await stack.deploy('3.0.0', { command: 'status' });
    expect(status.exitCode, status.stdout).toBe(0);
    expect((JSON.parse(status.outputs.status ?? '{}') as { disagree: string[] }).disagree).toEqual([`web: 3.0.0 on ${label(h1)}, 1.0.0 on ${label(h2)}`]);
    expect(status.summary).toContain('**The hosts disagree**');

    // The runner's post step (post-if: always()) frees the locks the run held.
    const post = runAction(
      { 'ssh-private-key': readFileSync(lab.ssh.identityFile, 'utf8'), 'ssh-known-hosts': lab.hosts.map((h) => h.knownHostsLine).join('\n') },
      { cwd: stack.dir, state: { isPost: 'true', lock: killed.state.lock ?? '' } },
    );
    expect(post.exitCode, post.stdout).toBe(0);
    expect(post.stdout).toContain(`the deploy lock on ${label(h1)}, after its transaction there had ended ("success"); the lock is released`);
    expect(post.stdout).toContain(`the deploy lock on ${label(h2)}; the lock is released (nothing had been switched)`);
    for (const host of [h1, h2]) expect(existsSync(onHost(host, stack.name, '.stack-deploy/lock'))).toBe(false);

    const again = await stack.deploy('3.0.0', { build: 'false', version: '3.0.0' });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).toContain(`the hosts disagree: ${label(h1)} runs 3.0.0, ${label(h2)} runs 1.0.0`);
    expect(await stack.servingOn(h1)).toBe('v3');
    expect(await stack.servingOn(h2)).toBe('v3');
    // The environment's ledger line, on each host after its own.
    expect(stack.ledgerOn(h2, true).at(-1)).toMatchObject({ action: 'rollout', result: 'success', hosts: { [label(h1)]: 'success', [label(h2)]: 'success' } });
    stack.batches();
  });

  test('status shows both hosts', async () => {
    const run = await stack.deploy('1.0.0', { command: 'status' });
    expect(run.exitCode, run.stdout).toBe(0);
    const status = JSON.parse(run.outputs.status ?? '{}') as { disagree: string[]; hosts: { host: string; services: { service: string; version: string | null }[] }[] };
    expect(status.disagree).toEqual([]);
    expect(status.hosts.map((h) => h.host)).toEqual([label(h1), label(h2)]);
    expect(status.hosts.map((h) => h.services.map((s) => `${s.service} ${s.version ?? '—'}`))).toEqual([['web 3.0.0'], ['web 3.0.0', 'worker 3.0.0']]);
  });

  test('plan, check and unlock cover both hosts', async () => {
    const plan = await stack.deploy('3.0.0', { command: 'plan', build: 'false', version: '3.0.0' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.summary).toContain(`Rollout over 2 hosts (rolling, canary first): batch 1: ${label(h1)}; batch 2: ${label(h2)}`);
    expect(plan.summary).toContain(`| web on ${label(h1)} | 3.0.0 |`);
    expect(plan.summary).toContain(`| worker on ${label(h2)} | 3.0.0 |`);
    expect(plan.summary).not.toContain(`worker on ${label(h1)}`);

    const check = await stack.deploy('3.0.0', { command: 'check' });
    expect(check.exitCode, check.stdout).toBe(0);
    expect(check.summary).toContain(`| lab | ${label(h1)} |`);
    expect(check.summary).toContain(`| lab | ${label(h2)} |`);

    const unlock = await stack.deploy('3.0.0', { command: 'unlock' });
    expect(unlock.exitCode, unlock.stdout).toBe(0);
    expect(unlock.stdout).toContain(`${label(h1)} had no deploy lock`);
    expect(unlock.stdout).toContain(`${label(h2)} had no deploy lock`);
  });
});

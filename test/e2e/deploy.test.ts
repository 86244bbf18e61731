import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';

let lab: Lab;
const fixtures: DeployFixture[] = [];
beforeAll(() => {
  lab = readLab();
});
afterAll(() => {
  for (const fixture of fixtures) fixture.cleanup();
});

function fixture(): DeployFixture {
  const made = new DeployFixture(lab);
  fixtures.push(made);
  return made;
}

describe('command deploy, from the bundle, to the lab host', () => {
  test('v1 then v2: the host serves each in turn, the ledger has two lines', async () => {
    const stack = fixture();
    stack.setWeb('hello v1');
    const v1 = await stack.deploy('1.0.0');
    expect(v1.exitCode, v1.stdout).toBe(0);
    expect(v1.outputs).toMatchObject({ result: 'success', 'rolled-back': 'false', version: '1.0.0', services: '["web","worker"]' });
    expect(await stack.serving()).toBe('hello v1');
    stack.setWeb('hello v2');
    const v2 = await stack.deploy('2.0.0');
    expect(v2.exitCode, v2.stdout).toBe(0);
    expect(await stack.serving()).toBe('hello v2');
    const ledger = stack.ledger();
    expect(ledger.map((entry) => [entry.version, entry.result])).toEqual([
      ['1.0.0', 'success'],
      ['2.0.0', 'success'],
    ]);
    const images = JSON.parse(v2.outputs.images ?? '{}') as Record<string, string>;
    expect(ledger[1]?.services.find((s) => s.name === 'web')?.pinned).toBe(images.web);
    expect(ledger[1]?.services.find((s) => s.name === 'web')?.from).toBe(ledger[0]?.services.find((s) => s.name === 'web')?.to);
    expect(stack.runningImage('web')).toBe(ledger[1]?.services.find((s) => s.name === 'web')?.to);
    expect(v2.summary).toContain('| Service | From | To | Health |');
    expect(v2.summary).toMatch(/\| web \| [0-9a-f]{12} \| [0-9a-f]{12} \| healthy \|/u);
    expect(v2.summary).toContain('| Phase | Seconds |');
  });

  test('v3 fails its health check: rolled back, v2 serves, the rollback tag is v2, the ledger says so', async () => {
    const stack = fixture();
    stack.setWeb('v1');
    expect((await stack.deploy('1.0.0')).exitCode).toBe(0);
    stack.setWeb('v2');
    expect((await stack.deploy('2.0.0')).exitCode).toBe(0);
    const v2Image = stack.runningImage('web');
    stack.setWeb('v3', { broken: true });
    const v3 = await stack.deploy('3.0.0');
    expect(v3.exitCode).not.toBe(0);
    expect(v3.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back': 'true', version: '3.0.0' });
    expect(await stack.serving()).toBe('v2');
    expect(stack.runningImage('web')).toBe(v2Image);
    expect(stack.hostDocker(['image', 'inspect', '-f', '{{.Id}}', `${lab.registry.host}/${stack.name}/web:rollback-${stack.project}-web`])).toBe(v2Image);
    expect(v3.summary).toContain('failed: not healthy within 6s; rollback ok');
    expect(v3.stdout).toContain('rollback web ok: previous version healthy again');
    const last = stack.ledger().at(-1);
    expect(last).toMatchObject({ version: '3.0.0', result: 'rolled-back' });
    expect(last?.services.find((s) => s.name === 'web')?.to).toBe(v2Image);
    expect(stack.ledger()).toHaveLength(3);
  });

  test('v2 fails, then v3 fails: the host still serves v1', async () => {
    const stack = fixture();
    stack.setWeb('v1');
    expect((await stack.deploy('1.0.0')).exitCode).toBe(0);
    const v1Image = stack.runningImage('web');
    stack.setWeb('v2', { broken: true });
    expect((await stack.deploy('2.0.0')).outputs.result).toBe('rolled-back');
    stack.setWeb('v3', { broken: true });
    expect((await stack.deploy('3.0.0')).outputs.result).toBe('rolled-back');
    expect(await stack.serving()).toBe('v1');
    expect(stack.runningImage('web')).toBe(v1Image);
  });

  test('a first deploy that fails has nothing to roll back to: the new containers are stopped', async () => {
    const stack = fixture();
    stack.setWeb('v1', { broken: true });
    const v1 = await stack.deploy('1.0.0');
    expect(v1.exitCode).not.toBe(0);
    expect(v1.stdout).toContain('target web none: first deploy: nothing to roll back to');
    expect(v1.stdout).toContain('rollback web ok: stopped: it had no previous version');
    expect(stack.runningImage('web')).toBe('');
  });

  test('a pull that fails on the host: nothing running changed, the lock is free', async () => {
    const stack = fixture();
    stack.setWeb('v1');
    expect((await stack.deploy('1.0.0')).exitCode).toBe(0);
    const before = stack.runningImage('web');
    stack.setWeb('v2');
    // The runner can push (its own login), but the host gets no credentials and cannot pull.
    const { execFileSync } = await import('node:child_process');
    execFileSync('docker', ['login', lab.registry.host, '--username', lab.registry.username, '--password-stdin'], {
      input: lab.registry.password,
      env: { ...process.env, DOCKER_CONFIG: stack.env('x').DOCKER_CONFIG },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const v2 = await stack.deploy('2.0.0', { 'registry-password': '', 'registry-username': '' });
    expect(v2.exitCode).not.toBe(0);
    expect(v2.summary).toContain('failed to pull');
    expect(v2.summary).toContain('nothing running was changed');
    expect(await stack.serving()).toBe('v1');
    expect(stack.runningImage('web')).toBe(before);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${stack.hostPath}/.stack-deploy/lock`)).toBe(false);
    expect(stack.ledger()).toHaveLength(1);
  });
});

describe('the post step after a run that was cut short', () => {
  test('frees a deploy lock that no transaction owns, and leaves one a running transaction owns', async () => {
    const { execFileSync, spawnSync } = await import('node:child_process');
    const { existsSync, readFileSync } = await import('node:fs');
    const { runAction } = await import('./run-action');
    const stack = fixture();
    stack.setWeb('v1');
    expect((await stack.deploy('1.0.0')).exitCode).toBe(0);
    const state = `${stack.hostPath}/.stack-deploy`;
    const lock = { host: lab.ssh.host, port: lab.ssh.port, user: lab.ssh.user, lockDir: `${state}/lock`, runDir: `${state}/runs/cut-short`, runId: 'cut-short', script: `${state}/transaction.sh` };
    const asDeploy = (script: string) => execFileSync('runuser', ['-u', 'deploy', '--', 'sh', '-c', script], { encoding: 'utf8' }).trim();
    asDeploy(`mkdir -p ${lock.lockDir} ${lock.runDir} && printf cut-short > ${lock.lockDir}/run && echo 9999999999 > ${lock.lockDir}/expires`);
    const post = (cwd: string) =>
      runAction(
        { 'ssh-private-key': readFileSync(lab.ssh.identityFile, 'utf8'), 'ssh-known-hosts': lab.ssh.knownHostsLine },
        { cwd, state: { isPost: 'true', lock: JSON.stringify(lock) } },
      );

    // A transaction that still runs on the host keeps its lock.
    const sleeper = spawnSync('runuser', ['-u', 'deploy', '--', 'sh', '-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { encoding: 'utf8' }).stdout.trim();
    asDeploy(`echo ${sleeper} > ${lock.runDir}/pid`);
    const whileRunning = post(stack.dir);
    execFileSync('kill', [sleeper]);
    expect(whileRunning.exitCode).toBe(0);
    expect(whileRunning.stdout).toContain('the deploy transaction still runs on deploy@127.0.0.1:2222');
    expect(existsSync(lock.lockDir)).toBe(true);

    // Nothing owns it any more: the post step frees it.
    asDeploy(`rm -f ${lock.runDir}/pid`);
    const abandoned = post(stack.dir);
    expect(abandoned.exitCode).toBe(0);
    expect(abandoned.stdout).toContain('the lock is released (nothing had been switched)');
    expect(existsSync(lock.lockDir)).toBe(false);
    expect(await stack.serving()).toBe('v1');
  });
});

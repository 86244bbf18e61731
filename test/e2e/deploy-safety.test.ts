// Safety properties of a deploy against the lab host: the host's deploy lock (live, stale and
// contended), a dropped SSH connection during the switch, hostile values, secrets and the
// one-connection-per-deploy rule. Each scenario uses its own DeployFixture (own stack, port and
// host directory) and cleans it up.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';
import { pollFor } from './poll';
import { killIfAlive, procInfo, sshdSessionOf } from '../processes';
import { ACTION_ENTRY, type ActionRun, runAction } from './run-action';

let lab: Lab;
beforeAll(() => {
  lab = readLab();
});

/** A worker that becomes healthy only after about 4 s, so a deploy holds the lock that long. */
const SLOW_WORKER = { workerHealth: '{ cmd: [test, -f, /tmp/ready], timeout: 20s, interval: 200ms }' };
const SLOW_WORKER_SCRIPT = 'sleep 4; touch /tmp/ready; while true; do sleep 1; done';


function stateDir(fixture: DeployFixture): string {
  return join(fixture.hostPath, '.stack-deploy');
}

function lockDir(fixture: DeployFixture): string {
  return join(stateDir(fixture), 'lock');
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The run id the host's `last-run` file names ('' when none). */
function lastRun(fixture: DeployFixture): string {
  return (readText(join(stateDir(fixture), 'last-run')) ?? '').trim();
}

function deployUid(): number {
  return Number(execFileSync('id', ['-u', 'deploy'], { encoding: 'utf8' }).trim());
}

/** Makes the host's lock directory by hand, as `acquireLockCommand` does, owned by the deploy user. */
function plantLock(fixture: DeployFixture, expires: number): string {
  const lock = lockDir(fixture);
  mkdirSync(stateDir(fixture), { recursive: true });
  mkdirSync(lock);
  const owner = { run: 'other-run', actor: 'alice', url: 'https://github.com/acme/shop/actions/runs/1', started: new Date(Date.now() - 60_000).toISOString() };
  writeFileSync(join(lock, 'run'), 'other-run');
  writeFileSync(join(lock, 'owner'), `${JSON.stringify(owner)}\n`);
  writeFileSync(join(lock, 'expires'), `${expires}\n`);
  execFileSync('chown', ['-R', 'deploy:deploy', stateDir(fixture)]);
  return lock;
}

/** Everything the run showed: stdout, stderr, outputs and summary, without `::add-mask::` lines. */
function visibleText(run: ActionRun): string {
  return [run.stdout, run.stderr, JSON.stringify(run.outputs), run.summary]
    .join('\n')
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

function expectSuccess(run: ActionRun): void {
  if (run.exitCode !== 0) throw new Error(`deploy failed (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  expect(run.outputs.result).toBe('success');
}

describe('deploy lock held by a live deploy', () => {
  let fixture: DeployFixture;
  beforeAll(() => {
    fixture = new DeployFixture(lab);
  });
  afterAll(() => fixture.cleanup());

  test('the deploy waits up to lock-timeout, fails naming the holder, and changes nothing', async () => {
    fixture.setWeb('v1');
    expectSuccess(await fixture.deploy('1.0.0'));
    expect(await fixture.serving()).toBe('v1');

    const lock = plantLock(fixture, Math.floor(Date.now() / 1000) + 3600);
    fixture.setWeb('v2');
    const started = Date.now();
    const run = await fixture.deploy('2.0.0', { 'lock-timeout': '2s' });
    const seconds = (Date.now() - started) / 1000;

    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toContain('waiting for the deploy lock');
    for (const text of [run.stdout, run.summary]) {
      expect(text).toContain('another deploy holds the lock');
      expect(text).toContain('alice');
      expect(text).toContain('https://github.com/acme/shop/actions/runs/1');
      expect(text).toContain('other-run');
    }
    expect(seconds).toBeLessThan(30);
    expect(await fixture.serving()).toBe('v1');
    expect(fixture.ledger()).toHaveLength(1);
    expect(readFileSync(join(lock, 'run'), 'utf8')).toBe('other-run');
    expect(readFileSync(join(lock, 'owner'), 'utf8')).toContain('"actor":"alice"');
  });
});

describe('an expired deploy lock', () => {
  let fixture: DeployFixture;
  beforeAll(() => {
    fixture = new DeployFixture(lab);
  });
  afterAll(() => fixture.cleanup());

  test('is taken over with a warning naming the old holder, and freed after the deploy', async () => {
    fixture.setWeb('v1');
    expectSuccess(await fixture.deploy('1.0.0'));

    plantLock(fixture, Math.floor(Date.now() / 1000) - 60);
    fixture.setWeb('v2');
    const run = await fixture.deploy('2.0.0', { 'lock-timeout': '2s' });
    expectSuccess(run);
    expect(run.stdout).toMatch(/::warning::.*took over an expired deploy lock.*other-run by alice/u);
    expect(await fixture.serving()).toBe('v2');
    expect(fixture.ledger().map((entry) => entry.version)).toEqual(['1.0.0', '2.0.0']);
    expect(existsSync(lockDir(fixture))).toBe(false);
    expect(readdirSync(stateDir(fixture)).filter((name) => name.startsWith('lock'))).toEqual([]);
  });
});

/**
 * Each run gets its own DOCKER_CONFIG, as two runners would: the action logs in before its push
 * and out after it, so two runs sharing one Docker config log each other out mid-push.
 */
class SeparateRunnersFixture extends DeployFixture {
  override env(version: string): Record<string, string> {
    return { ...super.env(version), DOCKER_CONFIG: join(this.dir, `.docker-${version}`) };
  }
}

describe('two deploys at once', () => {
  let fixture: DeployFixture;
  let pending: Promise<unknown> = Promise.resolve();
  beforeAll(() => {
    fixture = new SeparateRunnersFixture(lab, SLOW_WORKER);
    fixture.setWorker(SLOW_WORKER_SCRIPT);
  });
  afterAll(async () => {
    await pending;
    fixture.cleanup();
  });

  test('exactly one wins the lock; the other fails naming the holder; one ledger line', async () => {
    fixture.setWeb('v1');
    expectSuccess(await fixture.deploy('1.0.0'));
    const before = fixture.ledger().length;
    expect(before).toBe(1);

    const both = Promise.all([fixture.start('2.0.0').done, fixture.start('3.0.0', { 'lock-timeout': '2s' }).done]);
    pending = both;
    const [a, b] = await both;
    const runs = [a, b];
    const winners = runs.filter((run) => run.exitCode === 0);
    const losers = runs.filter((run) => run.exitCode !== 0);
    expect(winners, runs.map((run) => run.stdout).join('\n-----\n')).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [winner] = winners;
    const [loser] = losers;
    if (winner === undefined || loser === undefined) throw new Error('unreachable');

    const ledger = fixture.ledger();
    expect(ledger).toHaveLength(before + 1);
    const entry = ledger.at(-1) as unknown as { run: string; version: string; result: string };
    expect(entry.result).toBe('success');
    expect(entry.version).toBe(winner.outputs.version);
    expect(loser.stdout).toContain('another deploy holds the lock');
    expect(loser.stdout).toContain(`run ${entry.run} by octocat`);
    expect(loser.outputs.result).toBe('failed');
    expect(existsSync(lockDir(fixture))).toBe(false);
    expect(await fixture.serving()).toBe('v1');
    expect(fixture.runningImage('worker')).toBe(fixture.hostDocker(['image', 'inspect', '-f', '{{.Id}}', JSON.parse(winner.outputs.images ?? '{}').worker]));
  }, 300_000);
});

describe('the SSH connection dropped during the switch', () => {
  let fixture: DeployFixture;
  let pending: Promise<unknown> = Promise.resolve();
  beforeAll(() => {
    fixture = new DeployFixture(lab, SLOW_WORKER);
    fixture.setWorker(SLOW_WORKER_SCRIPT);
  });
  afterAll(async () => {
    // A deploy still running when an assertion failed must end before its directory goes.
    await pending;
    fixture.cleanup();
  });

  test('the transaction finishes on the host; the next deploy reports how it ended', async () => {
    fixture.setWeb('v1');
    expectSuccess(await fixture.deploy('1.0.0'));
    const firstRun = lastRun(fixture);
    expect(firstRun).not.toBe('');

    fixture.setWeb('v2');
    const deploying = fixture.start('2.0.0').done;
    pending = deploying;
    let finished: ActionRun | undefined;
    void deploying.then((run) => (finished = run));
    const runId = await pollFor(
      'the new run to reach the switch',
      () => {
        if (finished !== undefined) throw new Error(`the deploy ended before the switch:\n${finished.stdout}`);
        const id = lastRun(fixture);
        if (id === '' || id === firstRun) return undefined;
        return (readText(join(stateDir(fixture), 'runs', id, 'events.jsonl')) ?? '').includes('"step":"switch"') ? id : undefined;
      },
      120_000,
    );
    const runDir = join(stateDir(fixture), 'runs', runId);
    const session = await pollFor('the sshd session streaming the events', () => {
      const pids = sshdSessionOf(join(runDir, 'events.jsonl'));
      return pids.length > 0 ? pids : undefined;
    }, 10_000);
    // Killing the privileged sshd process can end its child first.
    for (const pid of session) killIfAlive(pid);

    const run = await deploying;
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toContain('the SSH connection dropped during the switch');

    // The transaction writes its result, then frees the lock and exits: it has ended once both are done.
    const result = await pollFor('the transaction to end on the host', () => (existsSync(lockDir(fixture)) ? undefined : readText(join(runDir, 'result'))?.trim() || undefined), 60_000, 200);
    expect(result).toBe('success');
    expect(await fixture.serving()).toBe('v2');
    expect(fixture.ledger().map((entry) => entry.version)).toEqual(['1.0.0', '2.0.0']);

    fixture.setWeb('v3');
    const next = await fixture.deploy('3.0.0');
    expectSuccess(next);
    expect(next.stdout).toMatch(new RegExp(`::warning::.*the previous deploy \\(run ${runId}\\) lost its connection.*ended with "success"`, 'u'));
    expect(await fixture.serving()).toBe('v3');
  }, 300_000);
});

describe('hostile values', () => {
  let fixture: DeployFixture;
  beforeAll(() => {
    rmSync('/tmp/pwned', { force: true });
    fixture = new DeployFixture(lab);
  });
  afterAll(() => {
    fixture.cleanup();
    rmSync('/tmp/pwned', { force: true });
  });

  test('a compose path with shell syntax is refused by validate', () => {
    const manifest = readFileSync(join(fixture.dir, 'stack.yml'), 'utf8').replace('compose: [compose.yml]', `compose: ["x'; touch /tmp/pwned #.yml"]`);
    expect(manifest).toContain('touch /tmp/pwned');
    writeFileSync(join(fixture.dir, 'hostile.yml'), manifest);
    const run = runAction({ command: 'validate', manifest: 'hostile.yml' }, { cwd: fixture.dir });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toContain('is not a valid compose file');
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  // Shell-hostile but valid dotenv: compose reads each value literally.
  const hostileEnv = [`A='; touch /tmp/pwned #'`, 'B=$(touch /tmp/pwned)', 'C="quoted \\"x\\" and spaces"'];

  test('a version with shell syntax is refused before anything changes', async () => {
    const run = await fixture.deploy('1.0.0', { version: '1.0;touch /tmp/pwned', env: hostileEnv.join('\n') });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.stdout).toContain('the version "1.0;touch /tmp/pwned"');
    expect(existsSync(fixture.hostPath)).toBe(false);
    expect(execFileSync('docker', ['images', '-q', '--filter', `reference=${lab.registry.host}/${fixture.name}/*`], { encoding: 'utf8' }).trim()).toBe('');
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  test('hostile env values reach the host literally, in a private file, and run nothing', async () => {
    fixture.setWeb('v1');
    const run = await fixture.deploy('1.0.0', { env: hostileEnv.join('\n') });
    expectSuccess(run);
    expect(await fixture.serving()).toBe('v1');
    const envFile = join(stateDir(fixture), 'stack.env');
    const lines = readFileSync(envFile, 'utf8').split('\n');
    for (const line of hostileEnv) expect(lines).toContain(line);
    const stat = statSync(envFile);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(stat.uid).toBe(deployUid());
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  // Compose cannot read an unclosed quote, and then neither the switch nor a rollback could:
  // such a line is refused before anything is built or changed.
  test('an env value compose cannot read is refused before anything changes', async () => {
    expect(fixture.ledger()).toHaveLength(1);
    const envBefore = readFileSync(join(stateDir(fixture), 'stack.env'), 'utf8');
    fixture.setWeb('v2');
    const run = await fixture.deploy('2.0.0', { env: [`A='; touch /tmp/pwned #`, 'B=$(touch /tmp/pwned)', 'C="quoted \\"x\\" and spaces"'].join('\n') });
    expect(existsSync('/tmp/pwned')).toBe(false);
    expect(await fixture.serving()).toBe('v1');
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain('line 1 of the env input');
    expect(run.stdout).not.toContain('rollback-failed');
    expect(fixture.ledger()).toHaveLength(1);
    expect(readFileSync(join(stateDir(fixture), 'stack.env'), 'utf8')).toBe(envBefore);
  });

  test('no hostile value ran a command, and the live release kept serving', async () => {
    expect(existsSync('/tmp/pwned')).toBe(false);
    expect(await fixture.serving()).toBe('v1');
  });
});

describe('secrets', () => {
  let fixture: DeployFixture;
  beforeAll(() => {
    fixture = new DeployFixture(lab);
  });
  afterAll(() => fixture.cleanup());

  test('the env token and the registry password appear in no process line and no output', async () => {
    const token = `s3cr3t-${randomBytes(12).toString('hex')}`;
    const sampled = new Set<string>();
    let samples = 0;
    let busy = false;
    const sampler = setInterval(() => {
      if (busy) return;
      busy = true;
      execFile('ps', ['-eo', 'args'], { maxBuffer: 16 * 1024 * 1024, timeout: 5_000 }, (_error, stdout) => {
        busy = false;
        samples += 1;
        for (const line of String(stdout).split('\n')) sampled.add(line);
      });
    }, 50);
    let run: ActionRun;
    try {
      fixture.setWeb('v1');
      run = await fixture.deploy('1.0.0', { env: `API_TOKEN=${token}` });
    } finally {
      clearInterval(sampler);
    }
    expectSuccess(run);
    expect(samples).toBeGreaterThan(20);
    const password = lab.registry.password;
    expect([...sampled].filter((line) => line.includes(token) || line.includes(password))).toEqual([]);
    const visible = visibleText(run);
    expect(visible).not.toContain(token);
    expect(visible).not.toContain(password);
    expect(readFileSync(join(stateDir(fixture), 'stack.env'), 'utf8').split('\n')).toContain(`API_TOKEN=${token}`);
  });
});

/** Every process id in /proc with its parent. */
function processTable(): Map<number, number> {
  const table = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/u.test(name)) continue;
    const info = procInfo(Number(name));
    if (info !== undefined) table.set(Number(name), info.ppid);
  }
  return table;
}

/** The bundled action's main process started in `dir`, if it runs now. */
function actionProcessIn(dir: string): number | undefined {
  const real = realpathSync(dir);
  for (const pid of processTable().keys()) {
    const info = procInfo(pid);
    if (info === undefined || !info.args.includes(ACTION_ENTRY)) continue;
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) === real) return pid;
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

/** Local ports of the TCP connections to 127.0.0.1:`port` that `root` or its descendants hold right now. */
function clientPortsOf(root: number, port: number): number[] {
  const table = processTable();
  const tree = new Set([root]);
  for (let grew = true, rounds = 0; grew && rounds < 50; rounds += 1) {
    grew = false;
    for (const [pid, ppid] of table) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const inodes = new Set<string>();
  for (const pid of tree) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/u.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1] !== undefined) inodes.add(match[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const remote = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (readText(file) ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/u);
      const [, local = '', rem = ''] = fields;
      if (rem.endsWith(remote) && inodes.has(fields[9] ?? '')) ports.push(Number.parseInt(local.slice(local.indexOf(':') + 1), 16));
    }
  }
  return ports;
}

describe('one connection per deploy', () => {
  let fixture: DeployFixture;
  beforeAll(() => {
    fixture = new DeployFixture(lab);
  });
  afterAll(() => fixture.cleanup());

  test('sshd logs exactly one connection for a whole deploy', async () => {
    const before = statSync(lab.ssh.logFile).size;
    fixture.setWeb('v1');
    // Other users of the lab may connect meanwhile: tell this deploy's connections from theirs by
    // the client ports the action's processes hold (an SSH handshake lasts far longer than 20 ms).
    const ours = new Set<number>();
    let action: number | undefined;
    const sampler = setInterval(() => {
      action ??= actionProcessIn(fixture.dir);
      if (action !== undefined) for (const port of clientPortsOf(action, lab.ssh.port)) ours.add(port);
    }, 20);
    let run: ActionRun;
    try {
      run = await fixture.deploy('1.0.0');
    } finally {
      clearInterval(sampler);
    }
    expectSuccess(run);
    expect(action).toBeDefined();
    const connections = readFileSync(lab.ssh.logFile)
      .subarray(before)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('Connection from 127.0.0.1 '));
    const mine = connections.filter((line) => [...ours].some((port) => line.startsWith(`Connection from 127.0.0.1 port ${port} `)));
    expect(ours.size, `client ports of the action: ${[...ours].join(', ')}`).toBe(1);
    expect(mine, connections.join('\n')).toHaveLength(1);
    if (connections.length !== 1) console.warn(`sshd logged ${connections.length - 1} connection(s) of other lab users during this deploy`);
  });
});

// The host transaction killed with SIGKILL at many points spread over its phases, with its runner
// still connected (the deploy's own SSH command waits for it): sometimes its main shell alone
// (what it had started goes on by itself), sometimes its whole process group. Every killed run must
// end with one whole release serving (the new one only if it had finished), the lock free, a ledger
// line and a final event that say what happened, nothing of it left running, and the next deploy
// must succeed. Real Docker, Compose and sshd (the lab); the runner's part is the same command the
// deploy runs over SSH.
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hostPaths } from '../../src/deploy/plan';
import { acquireLockCommand, startTransactionCommand } from '../../src/deploy/remote-commands';
import { Redactor } from '../../src/exec/redact';
import { connectSsh, type SshExecutor } from '../../src/exec/ssh';
import { type Lab, readLab } from '../lab/lab';
import { killIfAlive, processes, sessionMembers } from '../processes';
import { DeployFixture } from './deploy-fixture';

interface Release {
  readonly version: string;
  readonly plan: string;
  readonly images: string;
  readonly web: string;
  readonly worker: string;
}

interface KillPoint {
  /** Kill once the run's events file has this many lines. */
  readonly afterEvents: number;
  /** …and this much later. */
  readonly delayMs: number;
  readonly target: 'main shell' | 'process group';
}

let lab: Lab;
let fixture: DeployFixture;
let executor: SshExecutor;
const releases: Release[] = [];
let cleanEvents: string[] = [];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const state = (): string => join(fixture.hostPath, '.stack-deploy');
const lastLedger = (): { run: string; result: string; version: string } => JSON.parse(read(join(state(), 'releases.jsonl')).trim().split('\n').at(-1) ?? '{}') as { run: string; result: string; version: string };

/** The release the host serves now, as a pair of image IDs; `undefined` when it is no whole release. */
function serving(): Release | undefined {
  const web = fixture.runningImage('web');
  const worker = fixture.runningImage('worker');
  return releases.find((release) => release.web === web && release.worker === worker);
}

let runs = 0;
/** Runs one transaction of `release` the way a deploy does after its upload and pull; kills it at `kill`. */
async function transaction(release: Release, kill?: KillPoint): Promise<{ runId: string; result: string; done: { status: string; message: string }; killed: boolean; pid: number }> {
  runs += 1;
  const runId = `20261201T000000Z-chaos${String(runs).padStart(3, '0')}`;
  const paths = hostPaths({ path: fixture.hostPath, runId });
  const owner = statSync(fixture.hostPath);
  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(paths.runDir, 'plan.sh'), release.plan.replace(/^RUN_ID=.*$/mu, `RUN_ID='${runId}'`), { mode: 0o600 });
  writeFileSync(paths.images, release.images, { mode: 0o600 });
  for (const file of [paths.runDir, join(paths.runDir, 'plan.sh'), paths.images]) chownSync(file, owner.uid, owner.gid);

  const lock = await executor.run(acquireLockCommand(paths.lock, runId, JSON.stringify({ run: runId, actor: 'chaos', url: '', started: new Date().toISOString() }), 900), { step: 'lock' });
  expect(lock.stdout.split('\n')[0]).toBe('acquired');

  const events = join(paths.runDir, 'events.jsonl');
  let stdout = '';
  let finished = false;
  const running = executor
    .run(startTransactionCommand(paths, runId), { step: 'switch', allowFailure: true, onOutput: (chunk, stream) => (stream === 'stdout' ? (stdout += chunk) : undefined) })
    .finally(() => (finished = true));
  let killed = false;
  let pid = 0;
  if (kill !== undefined) {
    // Bounded by count; a few ms per turn, so the kill lands close to the event it follows.
    for (let i = 0; i < 20_000 && !finished; i += 1) {
      if (read(events).split('\n').length - 1 >= kill.afterEvents) break;
      await sleep(2);
    }
    if (kill.delayMs > 0) await sleep(kill.delayMs);
    pid = Number(read(join(paths.runDir, 'pid')).trim());
    if (!finished && !existsSync(join(paths.runDir, 'result')) && pid > 0) {
      if (killIfAlive(kill.target === 'process group' ? -pid : pid)) killed = true;
    }
  }
  const outcome = await running;
  const lines = stdout.trim().split('\n').filter((line) => line.startsWith('{'));
  const done = JSON.parse(lines.at(-1) ?? '{}') as { step: string; status: string; message: string };
  expect(outcome.exitCode, `${runId}: ${outcome.stderr}`).toBe(0);
  expect(done.step).toBe('done');
  return { runId, result: read(join(paths.runDir, 'result')).trim(), done, killed, pid };
}

beforeAll(async () => {
  lab = readLab();
  // A worker whose health is one command, and quick hooks: each of the many runs takes seconds.
  fixture = new DeployFixture(lab, { workerHealth: '{ cmd: [test, -f, /job.sh], timeout: 6s, interval: 200ms }' });
  fixture.write(
    'stack.yml',
    `${read(join(fixture.dir, 'stack.yml'))}smoke:
  - name: home
    http: http://127.0.0.1:${fixture.port}/
hooks:
  pre_deploy: [[sh, -c, "true"]]
  post_deploy: [[sh, -c, "true"]]
`,
  );
  for (const version of ['1.0.0', '2.0.0']) {
    fixture.setWeb(`v${version}`);
    fixture.setWorker(`echo ${version} > /dev/null; while true; do sleep 1; done`);
    const run = await fixture.deploy(version);
    expect(run.exitCode, run.stdout).toBe(0);
    const runId = lastLedger().run;
    releases.push({
      version,
      plan: read(join(state(), 'runs', runId, 'plan.sh')),
      images: read(join(state(), 'images.yml')),
      web: fixture.runningImage('web'),
      worker: fixture.runningImage('worker'),
    });
    if (version === '2.0.0') cleanEvents = read(join(state(), 'runs', runId, 'events.jsonl')).trim().split('\n');
  }
  expect(releases[0]?.web).not.toBe(releases[1]?.web);
  executor = await connectSsh({ host: lab.ssh.host, port: lab.ssh.port, user: lab.ssh.user }, { privateKey: read(lab.ssh.identityFile), knownHosts: lab.ssh.knownHostsLine }, new Redactor());
}, 240_000);

afterAll(async () => {
  await executor?.close();
  fixture?.cleanup();
});

describe('a deploy transaction killed with SIGKILL at any point', () => {
  test('ends with one whole release serving, the lock free, the ledger and its report truthful; the next deploy succeeds', { timeout: 900_000 }, async () => {
    // After each event of a clean run (the first is written before the kill can be aimed), then
    // inside the longest step: the switch's compose up.
    const step = (name: string): number => cleanEvents.findIndex((line) => line.includes(`"step":"${name}","status":"start"`)) + 1;
    const points: KillPoint[] = [];
    for (let n = 1; n < cleanEvents.length; n += 1) points.push({ afterEvents: n, delayMs: 0, target: n % 2 === 0 ? 'process group' : 'main shell' });
    points.push({ afterEvents: step('switch'), delayMs: 150, target: 'main shell' }, { afterEvents: step('switch'), delayMs: 300, target: 'process group' });
    expect(points.length).toBeGreaterThanOrEqual(20);

    const landed: string[] = [];
    for (const point of points) {
      const before = serving();
      expect(before, 'a whole release serves before the kill').toBeDefined();
      const target = releases.find((release) => release !== before) as Release;
      const where = `${point.target} killed after event ${point.afterEvents} (${cleanEvents[point.afterEvents - 1]?.replace(/^.*"step":"([^"]*)","status":"([^"]*)".*$/u, '$1 $2')}) +${point.delayMs} ms`;
      const run = await transaction(target, point);
      if (run.killed) landed.push(where);

      // What the run says, the ledger says, and the host serves agree.
      expect(['success', 'rolled-back', 'failed'], where).toContain(run.result);
      expect(run.done.status, where).toBe(run.result);
      if (run.killed) expect(run.done.message, where).toMatch(/killed/u);
      expect(lastLedger(), where).toMatchObject({ run: run.runId, result: run.result });
      expect(serving()?.version, where).toBe(run.result === 'success' ? target.version : before?.version);
      expect(await fixture.serving(), where).toBe(`v${serving()?.version}`);
      expect(existsSync(join(state(), 'lock')), `${where}: the lock is free`).toBe(false);
      expect(processes((p) => p.cmdline.includes(run.runId)), `${where}: nothing of the run is left running`).toEqual([]);
      if (run.killed) expect(sessionMembers(run.pid), `${where}: nothing of the killed run's session is left`).toEqual([]);

      // The next deploy goes through.
      const after = serving() as Release;
      const next = await transaction(releases.find((release) => release !== after) as Release);
      expect(next.result, `${where}: the next deploy`).toBe('success');
    }
    expect(landed.length, `kills that landed before the run ended:\n${landed.join('\n')}`).toBeGreaterThanOrEqual(20);
  });
});

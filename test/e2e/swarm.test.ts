import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, type LabHost, readLab } from '../lab/lab';
import { processes } from '../processes';
import { apiWithPsqlDockerfile, DeployFixture } from './deploy-fixture';

/**
 * An environment with `engine: swarm` on the lab's single-node swarm (namespace h3, reached over
 * SSH like any host): PostgreSQL (a pinned image), an API (built; it publishes its port in
 * `mode: host`, and runs the migrations with psql) and a worker (built; Swarm's healthcheck).
 */

let lab: Lab;
let stack: SwarmStack;

interface LedgerLine {
  version: string;
  action: string;
  result: string;
  services: { name: string; to: string; pinned: string }[];
}

class SwarmStack extends DeployFixture {
  readonly manager: LabHost;
  readonly repo: string;
  readonly db: string;

  constructor(lab_: Lab) {
    super(lab_);
    this.manager = lab_.swarm;
    this.repo = `${lab_.registry.host}/${this.name}`;
    this.db = `${this.repo}/db:15`;
    this.write(
      'compose.yml',
      `services:
  db:
    image: ${this.db}
    volumes: [pgdata:/var/lib/postgresql/data]
    deploy: { endpoint_mode: dnsrr }
  api:
    image: ${this.repo}/api
    environment: { PGHOST: db, PGUSER: app, PGDATABASE: app }
    command: [httpd, -f, -p, "8080", -h, /www]
    ports: [{ target: 8080, published: ${this.port}, mode: host }]
    deploy: { update_config: { monitor: 1s } }
  worker:
    image: ${this.repo}/worker
    command: [sh, /job.sh]
    healthcheck: { test: [CMD, sh, /health.sh], interval: 1s, timeout: 2s, retries: 2 }
volumes:
  pgdata: {}
`,
    );
    this.write(
      'stack.yml',
      `version: 1
name: ${this.name}
registry: { host: ${lab_.registry.host}, namespace: ${this.name} }
services:
  db:
    image: ${this.db}
    health: { cmd: [pg_isready, -h, 127.0.0.1, -U, app], timeout: 60s, interval: 300ms }
  api:
    build: { context: api, network: host }
    health: { http: "http://127.0.0.1:${this.port}/", timeout: 30s, interval: 200ms }
  worker:
    build: { context: worker, network: host }
    health: { timeout: 30s, interval: 200ms }
backup:
  - { name: db, service: db, command: [pg_dump, -U, app, -Fc, app], retain: 3 }
migrations: { service: api, command: [sh, /migrate.sh], timeout: 1m }
environments:
  lab:
    engine: swarm
    host: ${this.manager.address}
    user: ${this.manager.user}
    path: /home/deploy/${this.name}
    compose: [compose.yml]
`,
    );
    this.write('worker/Dockerfile', `FROM ${lab_.images.busybox}\nCOPY job.sh health.sh /\n`);
    this.write('worker/job.sh', 'while true; do sleep 1; done\n');
  }

  /** api serves `text` and migrates with `sql`; worker is healthy unless `workerHealthy` is false. */
  release(text: string, sql: string, workerHealthy = true): void {
    this.write('api/www/index.html', `${text}\n`);
    this.write('api/migrate.sql', sql);
    this.write('api/migrate.sh', 'exec psql -v ON_ERROR_STOP=1 --single-transaction -f /migrate.sql\n', 0o755);
    this.write(
      'api/Dockerfile',
      apiWithPsqlDockerfile(this.lab, ['migrate.sql', 'migrate.sh']),
    );
    this.write('worker/health.sh', workerHealthy ? 'exit 0\n' : 'exit 1\n');
  }

  /** The lab's PostgreSQL, listening on the stack's network (it trusts it), pushed as this stack's db:15. */
  pushDatabaseImage(): void {
    const config = mkdtempSync(join(tmpdir(), 'swarm-docker-'));
    try {
      this.write('db/patch.sh', `f=/usr/local/bin/lab-postgres
sed -i 's/listen_addresses=127.0.0.1/listen_addresses=0.0.0.0/' "$f"
awk '/^exec setpriv/ { print "grep -q 0.0.0.0/0 \\"$PGDATA/pg_hba.conf\\" || echo \\"host all all 0.0.0.0/0 trust\\" >> \\"$PGDATA/pg_hba.conf\\"" } { print }' "$f" > /tmp/ep && cat /tmp/ep > "$f"
`);
      this.write('db/Dockerfile', `FROM ${this.lab.images.postgres}\nCOPY patch.sh /patch.sh\nRUN sh /patch.sh\n`);
      const docker = (args: string[], input?: string) => execFileSync('docker', args, { encoding: 'utf8', input, env: { ...process.env, DOCKER_CONFIG: config, DOCKER_HOST: this.lab.runnerDockerHost }, stdio: ['pipe', 'pipe', 'pipe'] });
      docker(['build', '-q', '--network', 'host', '-t', this.db, join(this.dir, 'db')]);
      docker(['login', this.lab.registry.host, '--username', this.lab.registry.username, '--password-stdin'], this.lab.registry.password);
      docker(['push', '-q', this.db]);
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  }

  override inputs(extra: Record<string, string> = {}): Record<string, string> {
    return { ...super.inputs(extra), 'ssh-known-hosts': this.manager.knownHostsLine, 'lock-timeout': '60s', ...extra };
  }

  docker(args: string[]): string {
    return execFileSync('docker', ['-H', this.manager.dockerHost, ...args], { encoding: 'utf8' }).trim();
  }

  /** The image each service of the stack is defined with (`docker service inspect`). */
  serviceImage(service: string): string {
    return this.docker(['service', 'inspect', '-f', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `${this.project}_${service}`]);
  }

  psql(sql: string): string {
    const task = this.docker(['ps', '-q', '--filter', `label=com.docker.swarm.service.name=${this.project}_db`]).split('\n')[0] ?? '';
    return this.docker(['exec', task, 'psql', '-U', 'app', '-d', 'app', '-At', '-c', sql]);
  }

  override async serving(): Promise<string> {
    try {
      const response = await fetch(`http://${this.manager.address}:${this.port}/`, { signal: AbortSignal.timeout(3_000) });
      return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
    } catch {
      return '';
    }
  }

  swarmLedger(): LedgerLine[] {
    const file = join(this.manager.home, this.name, '.stack-deploy/releases.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LedgerLine);
  }

  backups(): string[] {
    const dir = join(this.manager.home, this.name, '.stack-deploy/backups/db');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.dump')) : [];
  }

  override cleanup(): void {
    try {
      this.docker(['stack', 'rm', this.project]);
      // The stack's tasks stop before its network and volume can go.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && this.docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${this.project}`]) !== '') execFileSync('sleep', ['0.5']);
      execFileSync('sh', ['-c', 'docker -H "$1" network rm "$2_default" >/dev/null 2>&1; docker -H "$1" volume rm "$2_pgdata" >/dev/null 2>&1; true', 'sh', this.manager.dockerHost, this.project]);
    } finally {
      rmSync(join(this.manager.home, this.name), { recursive: true, force: true });
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

beforeAll(() => {
  lab = readLab();
  stack = new SwarmStack(lab);
  stack.pushDatabaseImage();
}, 300_000);
afterAll(() => stack.cleanup());

describe('engine: swarm', () => {
  const versionOf = (line: LedgerLine | undefined) => `${line?.action} ${line?.version} ${line?.result}`;
  const pinnedOf = (line: LedgerLine | undefined, service: string) => line?.services.find((s) => s.name === service)?.pinned;

  test('plan shows the update_config stack-deploy adds; v1 deploys as a stack', async () => {
    stack.release('v1', 'CREATE TABLE IF NOT EXISTS items (id serial PRIMARY KEY);\n');
    const plan = await stack.deploy('1.0.0', { command: 'plan' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.stdout).toContain(`Swarm update order stop-first (auto: publishes ${stack.port} in mode host) (added), failure_action rollback (added), monitor 1s`);
    expect(plan.stdout).toContain('Swarm update order start-first (auto: two tasks can run side by side) (added), failure_action rollback (added), monitor 10s (added)');

    const run = await stack.deploy('1.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('success');
    expect(await stack.serving()).toBe('v1');
    expect(stack.docker(['stack', 'services', '--format', '{{.Name}} {{.Replicas}}', stack.project]).split('\n').sort()).toEqual([`${stack.project}_api 1/1`, `${stack.project}_db 1/1`, `${stack.project}_worker 1/1`]);
    // The images are digests; Swarm was given the update defaults.
    const v1 = stack.swarmLedger().at(-1);
    expect(versionOf(v1)).toBe('deploy 1.0.0 success');
    expect(stack.serviceImage('api')).toBe(pinnedOf(v1, 'api'));
    expect(stack.serviceImage('api')).toMatch(/@sha256:[0-9a-f]{64}$/u);
    expect(stack.docker(['service', 'inspect', '-f', '{{.Spec.UpdateConfig.FailureAction}} {{.Spec.UpdateConfig.Order}}', `${stack.project}_worker`])).toBe('rollback start-first');
    // The first deploy has nothing to back up; the migrations ran against the database in the swarm.
    expect(run.stdout).toContain('nothing to protect');
    expect(stack.psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'")).toBe('1');
  });

  test('v2 backs up the database and migrates it, as one-off tasks, before the switch', async () => {
    stack.psql("INSERT INTO items DEFAULT VALUES; INSERT INTO items DEFAULT VALUES");
    stack.release('v2', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS name text;\n');
    const run = await stack.deploy('2.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.serving()).toBe('v2');
    expect(stack.psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'items'")).toBe('id,name');
    expect(stack.backups()).toHaveLength(1);
    const at = (text: string) => run.stdout.indexOf(text);
    expect([at('backup db ok'), at('migrations api ok'), at('switch ok')].every((i) => i >= 0), run.stdout).toBe(true);
    expect(at('backup db ok')).toBeLessThan(at('migrations api ok'));
    expect(at('migrations api ok')).toBeLessThan(at('switch ok'));
  });

  test('v3: api completes its update, worker fails its healthcheck: the run fails and the whole stack is back on v2', async () => {
    const v2 = stack.swarmLedger().at(-1);
    stack.release('v3', 'SELECT 1;\n', false);
    const run = await stack.deploy('3.0.0');
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result, run.stdout).toBe('rolled-back');
    expect(run.stdout).toMatch(/worker: rollback_completed/u);
    expect(stack.serviceImage('api')).toBe(pinnedOf(v2, 'api'));
    expect(stack.serviceImage('worker')).toBe(pinnedOf(v2, 'worker'));
    expect(versionOf(stack.swarmLedger().at(-1))).toBe('deploy 3.0.0 rolled-back');
    expect(await stack.serving()).toBe('v2');
  });

  test('a release of worker alone leaves api at the digest it runs', async () => {
    const v2 = stack.swarmLedger().filter((l) => l.version === '2.0.0').at(-1);
    stack.release('v2', 'SELECT 1;\n');
    stack.write('worker/job.sh', 'while true; do sleep 2; done\n');
    const run = await stack.deploy('2.1.0', { services: 'worker' });
    expect(run.exitCode, run.stdout).toBe(0);
    const released = stack.swarmLedger().at(-1);
    expect(versionOf(released)).toBe('deploy 2.1.0 success');
    expect(stack.serviceImage('api')).toBe(pinnedOf(v2, 'api'));
    expect(stack.serviceImage('worker')).toBe(pinnedOf(released, 'worker'));
    expect(pinnedOf(released, 'worker')).not.toBe(pinnedOf(v2, 'worker'));
    expect(await stack.serving()).toBe('v2');
  });

  test('promotion with build: false deploys 1.0.0 again from the registry', async () => {
    const run = await stack.deploy('1.0.0', { build: 'false', version: '1.0.0' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.serving()).toBe('v1');
    expect(stack.serviceImage('api')).toBe(pinnedOf(stack.swarmLedger().find((l) => l.version === '1.0.0'), 'api'));
  });

  test('rollback takes each service back to the image it ran before, status shows what runs, logs points at docker service logs', async () => {
    const run = await stack.deploy('1.0.0', { command: 'rollback' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.serving()).toBe('v2');
    // api ran 2.0.0 before the promotion, worker 2.1.0.
    expect(versionOf(stack.swarmLedger().at(-1))).toBe('rollback previous success');
    expect(stack.serviceImage('api')).toBe(pinnedOf(stack.swarmLedger().find((l) => l.version === '2.0.0'), 'api'));
    expect(stack.serviceImage('worker')).toBe(pinnedOf(stack.swarmLedger().find((l) => l.version === '2.1.0'), 'worker'));

    const status = await stack.deploy('1.0.0', { command: 'status' });
    expect(status.exitCode, status.stdout).toBe(0);
    const parsed = JSON.parse(status.outputs.status ?? '{}') as { services: { service: string; version: string }[]; ledger: { version: string }[] };
    expect(parsed.services.find((s) => s.service === 'api')?.version).toBe('2.0.0');
    expect(parsed.ledger[0]?.version).toBe('previous');

    // logs reads Compose containers: refused, with what to run on the manager instead.
    const logs = await stack.deploy('1.0.0', { command: 'logs' });
    expect(logs.exitCode).not.toBe(0);
    expect(logs.stdout).toContain(`use docker service logs ${stack.project}_<service>`);
  });

  test('the transaction killed while Swarm converges: the previous release comes back, the lock is freed, the run says so', async () => {
    const api = stack.serviceImage('api');
    const worker = stack.serviceImage('worker');
    stack.release('v4', 'SELECT 1;\n');
    const state = join(stack.manager.home, stack.name, '.stack-deploy');
    const lastRun = join(state, 'last-run');
    const before = existsSync(lastRun) ? readFileSync(lastRun, 'utf8') : '';
    const deploy = stack.start('4.0.0');
    // The worker's update waits out its 10 s monitor: kill the transaction once it waits for Swarm.
    let killed: string[] = [];
    for (let i = 0; i < 1200 && killed.length === 0; i += 1) {
      const run = existsSync(lastRun) ? readFileSync(lastRun, 'utf8').trim() : '';
      const events = run === '' || `${run}\n` === before ? '' : join(state, 'runs', run, 'events.jsonl');
      if (events !== '' && existsSync(events) && readFileSync(events, 'utf8').includes('"step":"converge","status":"start"')) {
        // The transaction itself (its pid file), not the subshells it forks.
        const pid = readFileSync(join(state, 'runs', run, 'pid'), 'utf8').trim();
        killed = processes((p) => p.pid === pid && p.cmdline.includes('transaction.sh'));
        if (killed.length > 0) process.kill(Number(pid), 'SIGKILL');
      }
      if (killed.length === 0) await sleep(100);
    }
    expect(killed).toHaveLength(1);
    const run = await deploy.done;
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result, run.stdout).toBe('rolled-back');
    expect(run.stdout).toContain('the transaction was killed after its switch had started; the previous release was brought back');
    expect(stack.serviceImage('api')).toBe(api);
    expect(stack.serviceImage('worker')).toBe(worker);
    expect(versionOf(stack.swarmLedger().at(-1))).toBe('deploy 4.0.0 rolled-back');
    expect(existsSync(join(state, 'lock'))).toBe(false);
    expect(await stack.serving()).toBe('v2');
  });
});

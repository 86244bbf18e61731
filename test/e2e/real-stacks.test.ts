import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { apiWithPsqlDockerfile, DeployFixture } from './deploy-fixture';

/**
 * A real stack: `api` (built; migrations create a database and a table in real PostgreSQL),
 * `worker-a` and `worker-b` (api's image with other commands), `web` (built), `postgres` (pinned
 * in stack.yml at a tag in the lab registry, which needs credentials) and `queue` (only in the
 * compose file, pinned there, in the same registry).
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let lab: Lab;
let stack: RealStack;

/** Pushes a runner-engine image to the lab registry under `ref`, logged in with a private config. */
function push(image: string, ref: string): void {
  const config = mkdtempSync(join(tmpdir(), 'real-stack-docker-'));
  try {
    const env = { ...process.env, DOCKER_CONFIG: config };
    execFileSync('docker', ['login', lab.registry.host, '--username', lab.registry.username, '--password-stdin'], { input: lab.registry.password, env, stdio: ['pipe', 'ignore', 'pipe'] });
    execFileSync('docker', ['tag', image, ref], { env });
    execFileSync('docker', ['push', '-q', ref], { env, stdio: 'ignore' });
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}

class RealStack extends DeployFixture {
  readonly repo = `${this.lab.registry.host}/${this.name}`;
  readonly pgPort = 10_000 + Math.floor(Math.random() * 8_000); // below the ephemeral range and the bench's 18xxx
  readonly apiPort = this.port + 1;

  /** api's image: busybox httpd serving `text`, psql, the migration and the workers' script. */
  setApi(text: string, migration: string, worker = 'while sleep 1; do :; done'): void {
    this.write('api/www/index.html', `${text}\n`);
    this.write('api/migrate.sql', migration);
    this.write(
      'api/migrate.sh',
      `set -e
psql -v ON_ERROR_STOP=1 -d app -tAc "SELECT 1 FROM pg_database WHERE datname = 'shop'" | grep -q 1 || psql -v ON_ERROR_STOP=1 -d app -c 'CREATE DATABASE shop'
exec psql -v ON_ERROR_STOP=1 --single-transaction -d shop -f /migrate.sql
`,
    );
    this.write('api/worker.sh', `${worker}\n`);
    this.write(
      'api/Dockerfile',
      apiWithPsqlDockerfile(this.lab, ['migrate.sql', 'migrate.sh', 'worker.sh']),
    );
  }

  /** stack.yml with postgres pinned at `postgresTag`. */
  manifest(postgresTag: string): void {
    this.write(
      'stack.yml',
      `version: 1
name: ${this.name}
registry: { host: ${this.lab.registry.host}, namespace: ${this.name} }
services:
  api:
    build: { context: api, network: host }
    health: { http: "http://127.0.0.1:${this.apiPort}/", timeout: 10s, interval: 200ms }
  worker-a:
    image_from: api
    health: { timeout: 5s, interval: 200ms }
  worker-b:
    image: ${this.repo}/api
    health: { timeout: 5s, interval: 200ms }
  web:
    build: { context: services/web, network: host }
    health: { http: "http://127.0.0.1:${this.port}/", timeout: 6s, interval: 200ms }
  postgres:
    image: ${this.repo}/postgres:${postgresTag}
    health: { cmd: [pg_isready, -h, 127.0.0.1, -U, app], timeout: 60s, interval: 300ms }
environments:
${this.labEnvironment()}backup:
  - name: db
    service: postgres
    command: [pg_dump, -U, app, -Fc, shop]
migrations:
  service: api
  command: [sh, /migrate.sh]
  timeout: 1m
`,
    );
  }

  compose(): void {
    const pg = `PGHOST: 127.0.0.1, PGPORT: "${this.pgPort}", PGUSER: app`;
    this.write(
      'compose.yml',
      `services:
  postgres:
    image: ${this.repo}/postgres:15
    network_mode: host
    init: true
    environment: { PGPORT: "${this.pgPort}" }
    volumes: ["./pgdata:/var/lib/postgresql/data"]
  queue:
    image: ${this.repo}/queue:1.0
    network_mode: host
    init: true
    command: ["sh", "-c", "while sleep 1; do :; done"]
  api:
    image: ${this.repo}/api
    network_mode: host
    init: true
    depends_on: [postgres, queue]
    environment: { ${pg} }
    command: ["httpd", "-f", "-p", "127.0.0.1:${this.apiPort}", "-h", "/www"]
  worker-a:
    image: ${this.repo}/api
    network_mode: host
    init: true
    command: ["sh", "/worker.sh"]
  worker-b:
    image: ${this.repo}/api
    network_mode: host
    init: true
    command: ["sh", "/worker.sh"]
  web:
    image: ${this.repo}/web
    network_mode: host
    init: true
    command: ["httpd", "-f", "-p", "127.0.0.1:${this.port}", "-h", "/www"]
`,
    );
  }

  container(service: string): string {
    return this.hostDocker(['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${this.project}`, '--filter', `label=com.docker.compose.service=${service}`]).split('\n')[0] ?? '';
  }

  /** Container ID and start time: equal before and after means it was left alone. */
  identity(service: string): string {
    const id = this.container(service);
    return id === '' ? '' : `${id} ${this.hostDocker(['inspect', '-f', '{{.State.StartedAt}}', id])}`;
  }

  psql(sql: string, db = 'shop'): string {
    return this.hostDocker(['exec', this.container('postgres'), 'psql', '-U', 'app', '-d', db, '-At', '-c', sql]);
  }

  backups(): string[] {
    const dir = join(this.hostPath, '.stack-deploy/backups/db');
    try {
      return execFileSync('ls', [dir], { encoding: 'utf8' }).trim().split('\n').filter((f) => f !== '').map((f) => join(dir, f));
    } catch {
      return [];
    }
  }
}

beforeAll(() => {
  lab = readLab();
  stack = new RealStack(lab);
  push(lab.images.postgres, `${stack.repo}/postgres:15`);
  // The same PostgreSQL under a second tag, as a new image (a new digest): a pin change.
  const context = mkdtempSync(join(tmpdir(), 'real-stack-pg-'));
  writeFileSync(join(context, 'Dockerfile'), `FROM ${lab.images.postgres}\nLABEL org.example.patch="15-b"\n`);
  execFileSync('docker', ['build', '-q', '-t', `${stack.repo}/postgres:15-b`, context], { stdio: 'ignore' });
  rmSync(context, { recursive: true, force: true });
  push(`${stack.repo}/postgres:15-b`, `${stack.repo}/postgres:15-b`);
  push(lab.images.busybox, `${stack.repo}/queue:1.0`);
  stack.compose();
  stack.manifest('15');
}, 300_000);

afterAll(() => {
  stack.cleanup();
});

describe('a stack with a database, a queue and workers that share the api image', () => {
  const identities: Record<string, string> = {};
  const apiImage = () => stack.runningImage('api');

  test('the first deploy from an empty host starts postgres and the queue, migrates, and skips the backup', async () => {
    stack.setApi('api v1', 'CREATE TABLE IF NOT EXISTS items (id serial PRIMARY KEY, name text);\n');
    stack.setWeb('web v1');
    const run = await stack.deploy('1.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('backup db skipped');
    expect(run.stdout.indexOf('infrastructure postgres ok')).toBeLessThan(run.stdout.indexOf('migrations api ok'));
    expect(stack.psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'items'")).toBe('id,name');
    expect(await fetch(`http://127.0.0.1:${stack.apiPort}/`).then((r) => r.text())).toBe('api v1\n');
    // The workers run exactly api's image.
    expect(stack.runningImage('worker-a')).toBe(apiImage());
    expect(stack.runningImage('worker-b')).toBe(apiImage());
    // Infrastructure is pinned to the digest its tag had, and the ledger records it.
    const entry = stack.ledger().at(-1);
    const postgres = entry?.services.find((s) => s.name === 'postgres');
    expect(postgres?.pinned).toMatch(new RegExp(`^${stack.repo}/postgres@sha256:[0-9a-f]{64}$`, 'u'));
    expect(entry?.services.find((s) => s.name === 'queue')?.pinned).toMatch(/\/queue@sha256:/u);
    stack.psql("INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 25) g");
    identities.postgres = stack.identity('postgres');
    identities.queue = stack.identity('queue');
    expect(identities.postgres).not.toBe('');
    expect(identities.queue).not.toBe('');
  });

  test('the second release adds a migration after a backup that restores with the same rows; infrastructure is left alone', async () => {
    stack.setApi('api v2', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS price integer;\n');
    const run = await stack.deploy('2.0.0');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(stack.psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'items'")).toBe('id,name,price');
    const [file] = stack.backups();
    expect(file).toBeDefined();
    expect(run.stdout.indexOf('backup db ok')).toBeLessThan(run.stdout.indexOf('migrations api ok'));
    stack.psql('CREATE DATABASE scratch', 'app');
    execFileSync('docker', ['-H', lab.hostDockerHost, 'exec', '-i', stack.container('postgres'), 'pg_restore', '-U', 'app', '-d', 'scratch', '--no-owner'], { input: readFileSync(file ?? '') });
    expect(stack.psql('SELECT count(*) FROM items', 'scratch')).toBe('25');
    expect(stack.identity('postgres')).toBe(identities.postgres);
    expect(stack.identity('queue')).toBe(identities.queue);
  });

  test('a third release whose worker exits 1 rolls api and both workers back to release two; infrastructure untouched', async () => {
    const two = apiImage();
    stack.setApi('api v3', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS price integer;\n', 'exit 1');
    const run = await stack.deploy('3.0.0');
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(apiImage()).toBe(two);
    expect(stack.runningImage('worker-a')).toBe(two);
    expect(stack.runningImage('worker-b')).toBe(two);
    expect(await fetch(`http://127.0.0.1:${stack.apiPort}/`).then((r) => r.text())).toBe('api v2\n');
    expect(stack.identity('postgres')).toBe(identities.postgres);
    expect(stack.identity('queue')).toBe(identities.queue);
  });

  test('api-v4.0.0 releases api and the workers that share its image, nothing else', async () => {
    stack.setApi('api v4', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS price integer;\n');
    const web = stack.runningImage('web');
    const run = await stack.deploy('4.0.0', {}, { GITHUB_REF: 'refs/tags/api-v4.0.0' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.outputs.services ?? '[]')).toEqual(['api', 'worker-a', 'worker-b']);
    expect(stack.runningImage('web')).toBe(web);
    expect(stack.runningImage('worker-a')).toBe(apiImage());
    expect(stack.identity('postgres')).toBe(identities.postgres);
    expect(stack.identity('queue')).toBe(identities.queue);
  });

  test('a new pin restarts postgres once, before the application; a later failure leaves it at the new pin and says so', async () => {
    const four = apiImage();
    stack.manifest('15-b');
    stack.setApi('api v5', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS price integer;\n', 'exit 1');
    // The database switches stop-first, as auto chooses for it: its old container is gone before
    // the new one starts, never two at once.
    const plan = await stack.deploy('5.0.0', { command: 'plan' }, { GITHUB_REF: 'refs/tags/api-v5.0.0' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(plan.stdout).toMatch(/^postgres \(pinned .*; switch: stop-first \(auto: pinned /mu);
    const deploying = stack.deploy('5.0.0', {}, { GITHUB_REF: 'refs/tags/api-v5.0.0' });
    let finished = false;
    void deploying.finally(() => (finished = true));
    let most = 0;
    // Bounded: the deploy itself ends within its own deadlines; at most 10 minutes of polling.
    for (let i = 0; i < 6_000 && !finished; i += 1) {
      const ids = stack.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${stack.project}`, '--filter', 'label=com.docker.compose.service=postgres']);
      most = Math.max(most, ids === '' ? 0 : ids.split('\n').length);
      await sleep(100);
    }
    const run = await deploying;
    expect(most).toBe(1);
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.stdout.indexOf('infrastructure postgres ok')).toBeGreaterThan(-1);
    expect(run.stdout.indexOf('infrastructure postgres ok')).toBeLessThan(run.stdout.indexOf('switch start'));
    expect(run.summary).toContain('infrastructure switched to its new pin stays there');
    expect(apiImage()).toBe(four);
    const restarted = stack.identity('postgres');
    expect(restarted).not.toBe(identities.postgres);
    expect(stack.identity('queue')).toBe(identities.queue);
    const postgres = stack.ledger().at(-1)?.services.find((s) => s.name === 'postgres');
    expect(postgres?.from).toMatch(/^sha256:/u);
    expect(postgres?.to).toMatch(/^sha256:/u);
    expect(postgres?.to).not.toBe(postgres?.from);
    expect(stack.hostDocker(['inspect', '-f', '{{.Config.Image}}', stack.container('postgres')])).toMatch(/\/postgres@sha256:/u);
    expect(stack.hostDocker(['inspect', '-f', '{{index .Config.Labels "org.example.patch"}}', stack.container('postgres')])).toBe('15-b');
    // The data survived the restart.
    expect(stack.psql('SELECT count(*) FROM items')).toBe('25');

    // The same pin again: postgres is left alone.
    stack.setApi('api v6', 'ALTER TABLE items ADD COLUMN IF NOT EXISTS price integer;\n');
    const again = await stack.deploy('6.0.0', {}, { GITHUB_REF: 'refs/tags/api-v6.0.0' });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(stack.identity('postgres')).toBe(restarted);
  });

  test('a new pin that fails its health gate goes back to its previous image, and nothing else changes', async () => {
    // A "PostgreSQL" that exits at once.
    push(lab.images.busybox, `${stack.repo}/postgres:broken`);
    const before = { api: apiImage(), postgres: stack.runningImage('postgres'), queue: stack.identity('queue') };
    stack.manifest('broken');
    const run = await stack.deploy('7.0.0', {}, { GITHUB_REF: 'refs/tags/api-v7.0.0' });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('it is back on its previous image and nothing else changed');
    expect(run.stdout).not.toContain('migrations api ok');
    expect(stack.runningImage('postgres')).toBe(before.postgres);
    expect(stack.hostDocker(['inspect', '-f', '{{index .Config.Labels "org.example.patch"}}', stack.container('postgres')])).toBe('15-b');
    expect(apiImage()).toBe(before.api);
    expect(stack.identity('queue')).toBe(before.queue);
    expect(stack.psql('SELECT count(*) FROM items')).toBe('25');
    stack.manifest('15-b');
  });

  test('status lists the infrastructure with its pin, digest and health', async () => {
    const run = await stack.deploy('6.0.0', { command: 'status' });
    expect(run.exitCode, run.stdout).toBe(0);
    const status = JSON.parse(run.outputs.status ?? '{}') as { services: { service: string; kind: string; pin: string | null; digest: string; health: string }[] };
    const postgres = status.services.find((s) => s.service === 'postgres');
    expect(postgres).toMatchObject({ kind: 'infrastructure', pin: `${stack.repo}/postgres:15-b`, health: 'running' });
    expect(postgres?.digest).toMatch(/^sha256:[0-9a-f]{64}$/u);
    expect(status.services.find((s) => s.service === 'queue')).toMatchObject({ kind: 'infrastructure', pin: `${stack.repo}/queue:1.0` });
    expect(status.services.find((s) => s.service === 'worker-a')).toMatchObject({ kind: 'application', pin: null });
    expect(run.stdout).not.toContain('moved upstream');

    // The tag moves in the registry: status says so, and the host keeps what it resolved.
    push(lab.images.busybox, `${stack.repo}/postgres:15-b`);
    const moved = await stack.deploy('6.0.0', { command: 'status' });
    expect(moved.stdout).toContain(`postgres: ${stack.repo}/postgres:15-b moved upstream to sha256:`);
    expect(stack.identity('postgres')).not.toBe('');
  });
});

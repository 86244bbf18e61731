import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { apiWithPsqlDockerfile, DeployFixture } from './deploy-fixture';

/**
 * Hooks, backups, migrations and smoke checks, run by the host-side transaction. Stacks use the
 * lab's PostgreSQL/SQLite image as it is (loaded into the host engine once, not built per
 * version) and small busybox images built per version.
 */

let lab: Lab;
const fixtures: DeployFixture[] = [];

function hostHas(lab_: Lab, image: string): string {
  try {
    return execFileSync('docker', ['-H', lab_.hostDockerHost, 'image', 'inspect', '-f', '{{.Id}}', image], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The lab's Debian images exist in the runner engine; the stacks run them on the host as they are. */
function loadIntoHost(lab_: Lab, images: string[]): void {
  for (const image of images) {
    const id = execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', image], { encoding: 'utf8' }).trim();
    if (hostHas(lab_, image) === id) continue;
    const known = images.find((other) => hostHas(lab_, other) === id);
    if (known !== undefined) execFileSync('docker', ['-H', lab_.hostDockerHost, 'tag', known, image]);
    else execFileSync('sh', ['-c', 'docker image save "$1" | docker -H "$2" image load -q', 'sh', image, lab_.hostDockerHost], { stdio: 'ignore', timeout: 240_000 });
  }
}

beforeAll(() => {
  lab = readLab();
  loadIntoHost(lab, [lab.images.postgres, lab.images.sqlite]);
}, 300_000);
afterAll(() => {
  for (const fixture of fixtures) fixture.cleanup();
});

/** A DeployFixture whose compose file and stack.yml the test writes. */
class DataStack extends DeployFixture {
  readonly repo: string;
  constructor(lab_: Lab) {
    super(lab_);
    this.repo = `${lab_.registry.host}/${this.name}`;
    fixtures.push(this);
  }

  /** stack.yml: `services` and then top-level sections, with the lab environment. */
  stack(services: string, sections: string): void {
    this.write(
      'stack.yml',
      `version: 1
name: ${this.name}
registry: { host: ${this.lab.registry.host}, namespace: ${this.name} }
services:
${services}
environments:
${this.labEnvironment()}${sections}`,
    );
  }

  hostFile(path: string): string {
    const file = join(this.hostPath, path);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  backups(name: string): string[] {
    const dir = join(this.hostPath, '.stack-deploy/backups', name);
    return existsSync(dir) ? readdirSync(dir).sort().map((file) => join(dir, file)) : [];
  }

  container(service: string): string {
    return this.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${this.project}`, '--filter', `label=com.docker.compose.service=${service}`]).split('\n')[0] ?? '';
  }
}

const WEB_SERVICE = (port: number, repo: string, extra = '') => `  web:
    image: ${repo}/web
    network_mode: host
    init: true
    command: ["httpd", "-f", "-p", "127.0.0.1:${port}", "-h", "/www"]
${extra}`;

const WEB_MANIFEST = (port: number) => `  web:
    build: { context: services/web, network: host }
    health: { http: "http://127.0.0.1:${port}/", timeout: 6s, interval: 200ms }`;

describe('PostgreSQL: backup, migrations, restore', () => {
  let stack: DataStack;
  const pgPort = 10_000 + Math.floor(Math.random() * 8_000); // below the ephemeral range and the bench's 18xxx
  const psql = (sql: string, db = 'app') => stack.hostDocker(['exec', stack.container('db'), 'psql', '-U', 'app', '-d', db, '-At', '-c', sql]);
  const columns = (table: string) => psql(`SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = '${table}'`);

  /** The api image: busybox httpd serving `text`, with psql and /migrate.sql. */
  function setApi(text: string, migration: string): void {
    stack.write('api/www/index.html', `${text}\n`);
    stack.write('api/migrate.sql', migration);
    stack.write('api/migrate.sh', 'exec psql -v ON_ERROR_STOP=1 --single-transaction -f /migrate.sql\n', 0o755);
    stack.write(
      'api/Dockerfile',
      apiWithPsqlDockerfile(lab, ['migrate.sql', 'migrate.sh']),
    );
  }

  function manifest(withMigrations: boolean): void {
    stack.stack(
      `  db:
    health: { cmd: [pg_isready, -h, 127.0.0.1, -U, app], timeout: 60s, interval: 300ms }
  api:
    build: { context: api, network: host }
    health: { http: "http://127.0.0.1:${stack.port}/", timeout: 10s, interval: 200ms }`,
      withMigrations
        ? `backup:
  - name: db
    service: db
    command: [pg_dump, -U, app, -Fc, app]
    retain: 3
migrations:
  service: api
  command: [sh, /migrate.sh]
  timeout: 1m
smoke:
  - name: home
    http: http://127.0.0.1:${stack.port}/
    expect: { status: 200, body_contains: ok }
`
        : '',
    );
  }

  beforeAll(() => {
    stack = new DataStack(lab);
    stack.write(
      'compose.yml',
      `services:
  db:
    image: ${lab.images.postgres}
    network_mode: host
    init: true
    environment: { PGPORT: "${pgPort}" }
    volumes: ["./pgdata:/var/lib/postgresql/data"]
  api:
    image: ${stack.repo}/api
    network_mode: host
    init: true
    environment: { PGHOST: 127.0.0.1, PGPORT: "${pgPort}", PGUSER: app, PGDATABASE: app }
    command: ["httpd", "-f", "-p", "127.0.0.1:${stack.port}", "-h", "/www"]
`,
    );
  });

  test('v1, then v2 migrates: schema changed, API serves, the pg_dump backup restores', async () => {
    setApi('ok v1', '');
    manifest(false);
    const v1 = await stack.deploy('1.0.0');
    expect(v1.exitCode, v1.stdout).toBe(0);
    // v1's data: a table with rows.
    psql("CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 25) g");
    expect(psql('SELECT count(*) FROM items')).toBe('25');

    setApi('ok v2', 'CREATE TABLE tags (id serial PRIMARY KEY, label text);\nALTER TABLE items ADD COLUMN price integer;\n');
    manifest(true);
    const v2 = await stack.deploy('2.0.0');
    expect(v2.exitCode, v2.stdout).toBe(0);
    expect(columns('items')).toBe('id,name,price');
    expect(columns('tags')).toBe('id,label');
    expect(await stack.serving()).toBe('ok v2');

    const files = stack.backups('db');
    expect(files).toHaveLength(1);
    const file = files[0] ?? '';
    expect(file).toMatch(/\/db-[0-9TZ]+-[0-9a-f]{6}\.dump$/u);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(v2.summary).toContain(file);
    expect(v2.summary).toContain('Migrations ran in a one-off api container.');
    expect(v2.summary).toMatch(/\| home \| passed \|/u);
    expect(v2.stdout.indexOf('backup db ok')).toBeLessThan(v2.stdout.indexOf('migrations api ok'));
    expect(v2.stdout.indexOf('migrations api ok')).toBeLessThan(v2.stdout.indexOf('switch ok'));

    // Restore into a scratch database: the data as it was before the migration.
    psql('CREATE DATABASE scratch');
    execFileSync('docker', ['-H', lab.hostDockerHost, 'exec', '-i', stack.container('db'), 'pg_restore', '-U', 'app', '-d', 'scratch', '--no-owner'], { input: readFileSync(file) });
    expect(psql('SELECT count(*) FROM items', 'scratch')).toBe('25');
    expect(psql("SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'items'", 'scratch')).toBe('id,name');
  });

  test('v3 has bad SQL: the run fails, the schema is unchanged, v2 serves, the backup path is reported', async () => {
    setApi('ok v3', 'ALTER TABLE items ADD COLUMN color text;\nSELEC broken;\n');
    const v3 = await stack.deploy('3.0.0');
    expect(v3.exitCode).not.toBe(0);
    expect(v3.outputs.result).toBe('failed');
    expect(columns('items')).toBe('id,name,price');
    expect(await stack.serving()).toBe('ok v2');
    const files = stack.backups('db');
    expect(files).toHaveLength(2);
    const newest = files.at(-1) ?? '';
    expect(v3.summary).toContain(`Migrations failed: exited with`);
    expect(v3.summary).toContain(newest);
    expect(v3.summary).toContain('nothing running was changed');
    expect(v3.summary).toContain('syntax error');
    expect(stack.ledger().at(-1)).toMatchObject({ version: '3.0.0', result: 'failed' });
  });
});

describe('SQLite backup and retention', () => {
  test('integrity_check ok; retain 2 keeps exactly the 2 newest', async () => {
    const stack = new DataStack(lab);
    stack.write(
      'compose.yml',
      `services:
${WEB_SERVICE(stack.port, stack.repo)}  errors:
    image: ${lab.images.sqlite}
    network_mode: host
    init: true
    volumes: ["./errdata:/data"]
    command: ["sh", "-c", "sqlite3 /data/errors.db 'CREATE TABLE IF NOT EXISTS e (x); INSERT INTO e VALUES (1);' && exec sleep 100000"]
`,
    );
    stack.stack(
      `${WEB_MANIFEST(stack.port)}
  errors:
    health: { timeout: 6s, interval: 200ms }`,
      `backup:
  - name: errors
    service: errors
    sqlite: /data/errors.db
    retain: 2
`,
    );
    const taken: string[] = [];
    for (const version of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) {
      stack.setWeb(`v${version}`);
      const run = await stack.deploy(version);
      expect(run.exitCode, run.stdout).toBe(0);
      if (version === '1.0.0') expect(run.stdout).toContain('backup errors skipped');
      else taken.push(stack.backups('errors').at(-1) ?? '');
    }
    const files = stack.backups('errors');
    expect(files).toEqual(taken.slice(-2));
    for (const file of files) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const check = execFileSync('docker', ['run', '--rm', '--network', 'none', '-v', `${file}:/b.sqlite:ro`, lab.images.sqlite, 'sqlite3', '/b.sqlite', 'PRAGMA integrity_check;', 'SELECT count(*) FROM e;'], { encoding: 'utf8' }).trim();
      expect(check.split('\n')[0]).toBe('ok');
    }
  });
});

describe('smoke checks and hooks', () => {
  test('hooks run in order with the release in their environment; a wrong body and a failing script roll back', async () => {
    const stack = new DataStack(lab);
    stack.write('compose.yml', `services:\n${WEB_SERVICE(stack.port, stack.repo)}`);
    stack.write('scripts/hook.sh', '#!/bin/sh\necho "$1 $STACK_DEPLOY_VERSION $STACK_DEPLOY_ENVIRONMENT $STACK_DEPLOY_PHASE $STACK_DEPLOY_SERVICES" >> hooks.log\n', 0o755);
    const manifest = (body: string) =>
      stack.stack(
        WEB_MANIFEST(stack.port),
        `backup:
  - name: marker
    service: web
    command: [sh, -c, "echo backup-data"]
smoke:
  - name: home
    http: http://127.0.0.1:${stack.port}/
    expect: { status: 200, body_contains: ${body} }
  - name: suite
    run: [./scripts/smoke.sh, fast]
    timeout: 20s
hooks:
  pre_deploy: [[./scripts/hook.sh, pre]]
  post_deploy: [[./scripts/hook.sh, post]]
`,
      );
    stack.write('scripts/smoke.sh', '#!/bin/sh\n[ "$1" = fast ] && [ -n "$STACK_DEPLOY_RUN_ID" ]\n', 0o755);
    manifest('serves');
    stack.setWeb('v1 serves');
    const v1 = await stack.deploy('1.0.0');
    expect(v1.exitCode, v1.stdout).toBe(0);
    stack.setWeb('v2 serves');
    const v2 = await stack.deploy('2.0.0');
    expect(v2.exitCode, v2.stdout).toBe(0);
    expect(stack.hostFile('hooks.log')).toBe('pre 1.0.0 lab pre_deploy web\npost 1.0.0 lab post_deploy web\npre 2.0.0 lab pre_deploy web\npost 2.0.0 lab post_deploy web\n');
    const order = ['hook pre_deploy 1 ok', 'backup marker ok', 'switch ok', 'health web ok', 'smoke home ok', 'smoke suite ok', 'hook post_deploy 1 ok', 'done success'].map((line) => v2.stdout.indexOf(line));
    expect(order.every((at) => at >= 0), v2.stdout).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(v2.summary).toMatch(/\| suite \| passed \|/u);
    expect(statSync(join(stack.hostPath, 'scripts/hook.sh')).mode & 0o100).toBe(0o100);

    // A body without the expected text: rolled back to v2.
    manifest('nowhere-to-be-found');
    stack.setWeb('v3 serves');
    const v3 = await stack.deploy('3.0.0');
    expect(v3.exitCode).not.toBe(0);
    expect(v3.outputs.result).toBe('rolled-back');
    expect(v3.summary).toContain('nowhere-to-be-found');
    expect(await stack.serving()).toBe('v2 serves');

    // A failing smoke script: rolled back, its output shown.
    manifest('serves');
    stack.write('scripts/smoke.sh', '#!/bin/sh\necho "checkout flow broken"\nexit 3\n', 0o755);
    stack.setWeb('v4 serves');
    const v4 = await stack.deploy('4.0.0');
    expect(v4.exitCode).not.toBe(0);
    expect(v4.outputs.result).toBe('rolled-back');
    expect(v4.summary).toContain('smoke check suite: exited with 3');
    expect(v4.summary).toContain('checkout flow broken');
    expect(await stack.serving()).toBe('v2 serves');
    // Pre hooks ran for v3 and v4, post hooks did not.
    expect(stack.hostFile('hooks.log').split('\n').slice(4)).toEqual(['pre 3.0.0 lab pre_deploy web', 'pre 4.0.0 lab pre_deploy web', '']);
  });
});

describe('a failing backup', () => {
  test('aborts before migrations: nothing changed, no partial file; a later migration + failed health warns', async () => {
    const stack = new DataStack(lab);
    stack.write('compose.yml', `services:\n${WEB_SERVICE(stack.port, stack.repo, '    volumes: ["./data:/data"]\n')}`);
    const manifest = (backupCommand: string) =>
      stack.stack(
        WEB_MANIFEST(stack.port),
        `backup:
  - name: files
    service: web
    command: [sh, -c, "${backupCommand}"]
migrations:
  service: web
  command: [sh, -c, "echo migrated > /data/migrated"]
  timeout: 30s
`,
      );
    stack.stack(WEB_MANIFEST(stack.port), '');
    stack.setWeb('v1');
    expect((await stack.deploy('1.0.0')).exitCode).toBe(0);

    manifest('echo partial; echo dump failed >&2; exit 1');
    stack.setWeb('v2');
    const v2 = await stack.deploy('2.0.0');
    expect(v2.exitCode).not.toBe(0);
    expect(v2.outputs.result).toBe('failed');
    expect(v2.summary).toContain('backup files (web): exited with 1');
    expect(v2.summary).toContain('dump failed');
    expect(existsSync(join(stack.hostPath, 'data/migrated'))).toBe(false);
    expect(v2.stdout).not.toContain('migrations web');
    expect(stack.backups('files')).toEqual([]);
    expect(await stack.serving()).toBe('v1');

    // The backup works and the migration runs, but v3 is unhealthy: rolled back, schema warning.
    manifest('echo dump');
    stack.setWeb('v3', { broken: true });
    const v3 = await stack.deploy('3.0.0');
    expect(v3.outputs.result).toBe('rolled-back');
    expect(existsSync(join(stack.hostPath, 'data/migrated'))).toBe(true);
    const backup = stack.backups('files').at(-1) ?? '';
    expect(backup).not.toBe('');
    expect(v3.summary).toContain('stays migrated');
    expect(v3.summary).toContain(backup);
    expect(await stack.serving()).toBe('v1');
  });
});

import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { backupsTaken, hostScripts, NO_DATA_STEPS, planDataSteps } from '../../../src/deploy/data-steps';
import type { DeployPlan, PlanDataSteps } from '../../../src/deploy/plan';
import { renderPlanScript } from '../../../src/deploy/render';
import { parseManifest } from '../../../src/manifest';

const HOSTILE = `'; touch /tmp/pwned # $(id) \`id\` "q" \\ end`;

const steps: PlanDataSteps = {
  backups: [
    { name: 'db', service: 'postgres', kind: 'command', argv: ['pg_dump', '-U', 'app', '-Fc', HOSTILE], retain: 7 },
    { name: 'errors', service: 'error-tracker', kind: 'sqlite', file: '/data/errors $(id).db', retain: 3 },
  ],
  migrations: { service: 'api', argv: ['./api', 'migrate', 'up'], timeoutMs: 300_000 },
  smoke: [
    { name: 'home', kind: 'http', url: 'http://127.0.0.1:8080/?a=1&b=$(id)', status: 200, bodyContains: `ok "quoted" 'single'`, timeoutMs: 30_000 },
    { name: 'suite', kind: 'run', argv: ['./scripts/smoke.sh', HOSTILE], timeoutMs: 1_500 },
  ],
  preDeploy: [['./scripts/notify.sh', 'start']],
  postDeploy: [['./scripts/notify.sh', 'done'], ['curl', '-fsS', 'http://127.0.0.1/']],
};

const plan: DeployPlan = {
  runId: '20261127T120000Z-abc123',
  environment: 'production',
  version: '1.2.3',
  project: 'shop',
  path: '/opt/shop',
  flavor: 'v2',
  composeFiles: ['compose.yml'],
  services: [{ name: 'api', rollbackRef: 'ghcr.io/acme/api:rollback-shop-production-api', health: { kind: 'auto' }, timeoutMs: 60_000, intervalMs: 1_000 }],
  actor: 'octocat',
  runUrl: '',
  leaseSeconds: 900,
  startedAt: new Date('2026-11-27T12:00:00Z'),
  action: 'deploy',
  steps,
};

/** Sources plan.sh in a real shell and prints the named variables, NUL-separated. */
function sourced(script: string, names: string[]): string[] {
  const program = `${script}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`;
  return execFileSync('sh', ['-c', program], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

function argvOf(script: string, name: string): string[] {
  return execFileSync('sh', ['-c', `${script}\neval "set -- $${name}"\nprintf '%s\\0' "$@"`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('plan.sh for hooks, backups, migrations and smoke checks', () => {
  test('counts and values read back exactly, hostile ones included', () => {
    const script = renderPlanScript(plan);
    expect(
      sourced(script, ['ACTION', 'VERSION', 'ENVIRONMENT', 'BACKUPS_DIR', 'BACKUP_COUNT', 'BACKUP_0_KIND', 'BACKUP_1_FILE', 'BACKUP_1_RETAIN', 'BACKUP_TIMEOUT_S', 'MIGRATE_SERVICE', 'MIGRATE_TIMEOUT_S', 'SMOKE_COUNT', 'SMOKE_0_URL', 'SMOKE_0_STATUS', 'SMOKE_0_BODY', 'SMOKE_1_TIMEOUT_S', 'PRE_HOOK_COUNT', 'POST_HOOK_COUNT', 'HOOK_TIMEOUT_S', 'BACKUPS_DIR_MIN_FREE']),
    ).toEqual(['deploy', '1.2.3', 'production', '/opt/shop/.stack-deploy/backups', '2', 'command', '/data/errors $(id).db', '3', '1800', 'api', '300', '2', 'http://127.0.0.1:8080/?a=1&b=$(id)', '200', `ok "quoted" 'single'`, '2', '1', '2', '300', String(100 * 1024 * 1024)]);
    expect(argvOf(script, 'BACKUP_0_CMD')).toEqual(['pg_dump', '-U', 'app', '-Fc', HOSTILE]);
    expect(argvOf(script, 'MIGRATE_CMD')).toEqual(['./api', 'migrate', 'up']);
    expect(argvOf(script, 'SMOKE_1_CMD')).toEqual(['./scripts/smoke.sh', HOSTILE]);
    expect(argvOf(script, 'POST_HOOK_1')).toEqual(['curl', '-fsS', 'http://127.0.0.1/']);
  });

  test('without these sections every count is 0 and there are no migrations', () => {
    const script = renderPlanScript({ ...plan, steps: undefined });
    expect(sourced(script, ['BACKUP_COUNT', 'MIGRATE_SERVICE', 'MIGRATE_CMD', 'SMOKE_COUNT', 'PRE_HOOK_COUNT', 'POST_HOOK_COUNT'])).toEqual(['0', '', '', '0', '0', '0']);
    expect(renderPlanScript({ ...plan, steps: NO_DATA_STEPS })).toBe(script);
  });
});

describe('planDataSteps', () => {
  test('maps the manifest sections, defaults applied', () => {
    const parsed = parseManifest(
      `version: 1
name: shop
services: { api: {}, postgres: {}, tracker: {} }
environments: { prod: { host: example.com, user: deploy, path: /opt/shop, compose: compose.yml } }
backup:
  - { name: db, service: postgres, command: [pg_dump, -Fc, app] }
  - { name: errors, service: tracker, sqlite: /data/errors.db, retain: 2 }
migrations: { service: api, command: [./api, migrate, up] }
smoke:
  - { name: home, http: "http://127.0.0.1:8080/", expect: { body_contains: ok } }
  - { name: suite, run: [./scripts/smoke.sh], timeout: 2m }
hooks: { pre_deploy: [[./scripts/notify.sh, start]] }
`,
      'stack.yml',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed));
    expect(planDataSteps(parsed.manifest)).toEqual({
      backups: [
        { name: 'db', service: 'postgres', kind: 'command', argv: ['pg_dump', '-Fc', 'app'], retain: 7 },
        { name: 'errors', service: 'tracker', kind: 'sqlite', file: '/data/errors.db', retain: 2 },
      ],
      migrations: { service: 'api', argv: ['./api', 'migrate', 'up'], timeoutMs: 300_000 },
      smoke: [
        { name: 'home', kind: 'http', url: 'http://127.0.0.1:8080/', status: 200, bodyContains: 'ok', timeoutMs: 30_000 },
        { name: 'suite', kind: 'run', argv: ['./scripts/smoke.sh'], timeoutMs: 120_000 },
      ],
      preDeploy: [['./scripts/notify.sh', 'start']],
      postDeploy: [],
    });
  });
});

describe('hostScripts', () => {
  test('relative paths of smoke `run:` and hook programs, once each; command names and absolute paths stay', () => {
    expect(hostScripts(steps)).toEqual(['scripts/smoke.sh', 'scripts/notify.sh']);
    expect(hostScripts({ ...NO_DATA_STEPS, preDeploy: [['/usr/bin/logger', 'x'], ['tools/ping'], ['echo', './not-a-program']] })).toEqual(['tools/ping']);
  });
});

describe('backupsTaken', () => {
  test('reads name, path and size from the backup ok events', () => {
    const event = (status: string, service: string, message: string) => ({ t: 1, step: 'backup', status, service, message });
    expect(
      backupsTaken([event('start', 'db', 'postgres'), event('ok', 'db', '/opt/shop/.stack-deploy/backups/db/db-1.dump (2048 bytes)'), event('skipped', 'errors', 'not running'), event('pruned', 'db', '/x')]),
    ).toEqual([{ name: 'db', path: '/opt/shop/.stack-deploy/backups/db/db-1.dump', bytes: 2048 }]);
  });
});

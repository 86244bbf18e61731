import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { DeployPlan } from '../../../src/deploy/plan';
import { checkEnvText, renderEnvFile, renderImagesOverride, renderPlanScript } from '../../../src/deploy/render';

const HOSTILE = `'; touch /tmp/pwned # $(id) \`id\` "q" \\ end`;

const plan: DeployPlan = {
  runId: '20261127T120000Z-abc123',
  environment: 'production',
  version: '1.2.3',
  project: 'shop',
  path: '/opt/shop',
  flavor: 'v2',
  composeFiles: ['deploy/compose.yml', 'deploy/prod.yml'],
  services: [
    { name: 'api', rollbackRef: 'ghcr.io/acme/api:rollback-shop-production-api', pinned: `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, health: { kind: 'http', url: 'http://127.0.0.1:8080/health?x=1&y=$(id)' }, timeoutMs: 60_000, intervalMs: 1_000 },
    { name: 'worker', rollbackRef: 'stack-deploy/shop-worker:rollback-shop-production-worker', health: { kind: 'cmd', argv: ['sh', '-c', HOSTILE] }, timeoutMs: 5_000, intervalMs: 500 },
  ],
  actor: `mallory"; rm -rf / #`,
  runUrl: 'https://github.com/acme/shop/actions/runs/1',
  leaseSeconds: 900,
  startedAt: new Date('2026-11-27T12:00:00Z'),
  action: 'deploy',
};

/** Sources plan.sh in a real shell and prints the named variables, NUL-separated. */
function sourced(script: string, names: string[]): string[] {
  const program = `${script}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}`;
  return execFileSync('sh', ['-c', program], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('renderPlanScript', () => {
  test('a shell reads back exactly the values, hostile ones included', () => {
    const values = sourced(renderPlanScript(plan), ['RUN_ID', 'DEPLOY_PATH', 'STATE_DIR', 'COMPOSE_FILES', 'SERVICES', 'SVC_0_URL', 'SVC_1_PINNED', 'SVC_1_HEALTH', 'SVC_1_TIMEOUT_MS', 'LEDGER_HEAD']);
    expect(values).toEqual([
      plan.runId,
      '/opt/shop',
      '/opt/shop/.stack-deploy',
      'deploy/compose.yml deploy/prod.yml',
      'api worker',
      'http://127.0.0.1:8080/health?x=1&y=$(id)',
      '',
      'cmd',
      '5000',
      '"time":"2026-11-27T12:00:00.000Z","actor":"mallory\\"; rm -rf / #","run_url":"https://github.com/acme/shop/actions/runs/1","environment":"production","version":"1.2.3","action":"deploy"',
    ]);
    expect(JSON.parse(`{${values[9] ?? ''}}`)).toMatchObject({ actor: plan.actor });
  });

  test('a cmd health check is an argv the script gets back with eval set --', () => {
    const script = `${renderPlanScript(plan)}\neval "set -- $SVC_1_CMD"\nprintf '%s\\0' "$@"`;
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1)).toEqual(['sh', '-c', HOSTILE]);
  });
});

describe('how each service is switched', () => {
  test('as planned; empty (as the last deploy did) when the plan does not say, and for infrastructure', () => {
    const planned: DeployPlan = {
      ...plan,
      services: [{ ...plan.services[0]!, switch: 'stop-first' }, { ...plan.services[1]!, switch: 'start-first' }, { ...plan.services[0]!, name: 'web', switch: undefined }],
      infrastructure: [{ name: 'db', image: 'postgres:15.6', health: { kind: 'auto' }, timeoutMs: 1_000, intervalMs: 100 }],
    };
    expect(sourced(renderPlanScript(planned), ['SVC_0_SWITCH', 'SVC_1_SWITCH', 'SVC_2_SWITCH', 'SVC_3_SWITCH'])).toEqual(['stop-first', 'start-first', '', '']);
  });
});

describe('a service behind the host proxy', () => {
  const proxied: DeployPlan = {
    ...plan,
    proxyImage: 'nginx:1.27-alpine',
    composeServices: ['api', 'worker', 'db'],
    services: [
      { ...plan.services[0]!, switch: 'proxy', routes: [{ hostIp: '127.0.0.1', published: '8080', target: '80' }, { hostIp: '*', published: '8443', target: '443' }], drainSeconds: 45, directUrl: 'http://__IP__:80/health', hostNames: ['shop.example.com', '*.shop.example.com'] },
      { ...plan.services[1]!, pinned: undefined, switch: 'proxy', routes: [{ hostIp: '*', published: '9000', target: '9000' }] },
    ],
  };

  test('the host gets its routes, drain timeout, direct health URL and the proxy image', () => {
    expect(sourced(renderPlanScript(proxied), ['SVC_0_SWITCH', 'SVC_0_ROUTES', 'SVC_0_DRAIN_S', 'SVC_0_DIRECT_URL', 'SVC_0_REPLICAS', 'PROXY_IMAGE', 'SVC_0_HOST_NAMES', 'SVC_1_HOST_NAMES', 'COMPOSE_SERVICES'])).toEqual([
      'proxy',
      '127.0.0.1/8080/80 */8443/443',
      '45',
      'http://__IP__:80/health',
      '1',
      'nginx:1.27-alpine',
      'shop.example.com *.shop.example.com',
      '',
      'api worker db',
    ]);
  });
});

describe('renderImagesOverride', () => {
  test('pins only the services that have a new image', () => {
    expect(renderImagesOverride(plan)).toBe(
      `# Written by stack-deploy for run ${plan.runId}: the images of version 1.2.3.\nservices:\n  api:\n    image: ghcr.io/acme/api@sha256:${'a'.repeat(64)}\n`,
    );
  });
});

describe('the env file', () => {
  test('the input, then what the release knows about itself', () => {
    expect(renderEnvFile('A=1\n\n# note\nB="two words"\n', plan)).toBe(
      'A=1\n# note\nB="two words"\nSTACK_DEPLOY_VERSION=1.2.3\nSTACK_DEPLOY_ENVIRONMENT=production\nBUILD_VERSION=1.2.3\nSTACK_DEPLOY_ENV_FILE=/opt/shop/.stack-deploy/stack.env\n',
    );
  });

  test.each([
    ['A=1\nB=$(id)\nC=\'x y\'\nD="a \\"b\\" c"\nexport E=5\nF=\'closed\' # comment', undefined],
    ['A=1\nnot a line', 'line 2 of the env input is not NAME=value'],
    ["A='unclosed", 'line 1 of the env input opens a quote it does not close'],
    ['A=1\nB="unclosed \\"', 'line 2 of the env input opens a quote it does not close'],
    ['1A=x', 'line 1 of the env input is not NAME=value'],
  ])('%j', (text, error) => {
    if (error === undefined) expect(() => checkEnvText(text)).not.toThrow();
    else expect(() => checkEnvText(text)).toThrow(error);
  });

  test('a refused line is never echoed', () => {
    try {
      checkEnvText('TOKEN=\'s3cr3t');
    } catch (caught) {
      expect(JSON.stringify(caught) + String(caught)).not.toContain('s3cr3t');
      return;
    }
    throw new Error('expected a refusal');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { DeployService } from '../../../src/deploy/plan';
import { renderPlanScript } from '../../../src/deploy/render';
import { runTransaction, testPlan } from './transaction-harness';

// The real transaction.sh through a real sh, with a fake docker (and curl) on PATH: what it asks
// Docker for, whatever the number of services.

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'transaction-calls-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const RUN_ID = '20261201T120000Z-abc123';

function service(name: string, health: DeployService['health'] = { kind: 'auto' }): DeployService {
  return { name, rollbackRef: `acme/${name}:rollback-shop-production-${name}`, pinned: `acme/${name}@sha256:${'a'.repeat(64)}`, health, timeoutMs: 3_000, intervalMs: 10 };
}

/** A deploy of `services` to a host that runs each (with a last good release, so each is tagged). */
function deploy(services: DeployService[], runId = RUN_ID) {
  writeFileSync(join(root, 'services'), services.map((s) => s.name).join('\n'));
  const good = join(root, 'app', '.stack-deploy', 'good');
  mkdirSync(good, { recursive: true });
  for (const s of services) writeFileSync(join(good, s.name), `sha256:${s.name}\n`);
  return runTransaction(root, renderPlanScript(testPlan(root, runId, { services })), runId);
}

describe('the docker calls of a deploy', { timeout: 60_000 }, () => {
  test('do not grow with the number of services: one ps, inspect and image inspect for all, the tags at once', () => {
    const count = (calls: string[]) => ({
      ps: calls.filter((c) => c.startsWith('ps ')).length,
      inspect: calls.filter((c) => c.startsWith('inspect ')).length,
      imageInspect: calls.filter((c) => c.startsWith('image inspect ')).length,
      compose: calls.filter((c) => c.startsWith('compose ')).length,
    });
    const one = deploy([service('s1')]);
    expect(one.events.at(-1)).toMatchObject({ step: 'done', status: 'success' });
    const oneCalls = one.calls;
    rmSync(join(root, 'calls'));
    const six = deploy(['s1', 's2', 's3', 's4', 's5', 's6'].map((name) => service(name)), '20261201T120100Z-def456');
    expect(six.events.at(-1)).toMatchObject({ step: 'done', status: 'success' });
    expect(count(six.calls)).toEqual(count(oneCalls));
    // One docker image inspect names every image a service may come back to.
    expect(six.calls.filter((c) => c.startsWith('image inspect ')).at(0)).toContain('sha256:s6');
    // Each service's rollback tag, to its last good release.
    expect(six.calls.filter((c) => c.startsWith('tag ')).sort()).toEqual(['s1', 's2', 's3', 's4', 's5', 's6'].map((name) => `tag sha256:${name} acme/${name}:rollback-shop-production-${name}`));
    // Each service healthy, once, and the ledger written once.
    expect(six.events.filter((e) => e.step === 'health' && e.status === 'ok').map((e) => e.service).sort()).toEqual(['s1', 's2', 's3', 's4', 's5', 's6']);
  });

  test('a health command that fails with any status is "not yet", not a failure: it passes once it succeeds', () => {
    writeFileSync(join(root, 'exec-fails'), '3');
    const run = deploy([service('db', { kind: 'cmd', argv: ['pg_isready'] })]);
    expect(run.events.at(-1)).toMatchObject({ step: 'done', status: 'success' });
    expect(run.calls.filter((c) => c.startsWith('exec ')).length).toBeGreaterThanOrEqual(4);
  });

  test('the health probes of the services run at the same time', () => {
    // Each probe waits (at most 1.5 s) for the other service's probe to be running: probes run one
    // after the other never see each other, and the deploy would roll back.
    mkdirSync(join(root, 'bin'), { recursive: true });
    writeFileSync(
      join(root, 'bin', 'curl'),
      `#!/bin/sh
eval "url=\\\${$#}"
me=\${url##*/} other=a
[ "$me" = a ] && other=b
: > "$FAKE_DIR/probe-$me"
i=0
while [ "$i" -lt 30 ]; do
  [ -e "$FAKE_DIR/probe-$other" ] && exit 0
  sleep 0.05
  i=$((i + 1))
done
rm -f "$FAKE_DIR/probe-$me"
exit 7
`,
      { mode: 0o755 },
    );
    const run = deploy([service('sa', { kind: 'http', url: 'http://127.0.0.1:1/a' }), service('sb', { kind: 'http', url: 'http://127.0.0.1:1/b' })]);
    expect(run.events.at(-1)).toMatchObject({ step: 'done', status: 'success' });
  });
});

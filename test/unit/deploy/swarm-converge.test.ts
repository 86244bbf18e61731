import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AWKS, awkBin, transactionFunctions } from './transaction-harness';

// swarm_converge of transaction.sh through a real sh and each awk a host may have, against a
// docker that answers a scripted sequence of Swarm states: poll N reads services.N and tasks.N
// (the last one given, once they run out).

/** `docker service inspect` lines (see service()) and `docker stack ps` lines (task image state), poll by poll. */
interface Poll {
  readonly services: readonly string[];
  readonly tasks: readonly string[];
}

const FAKE = `#!/bin/sh
latest() { i=$(cat "$FAKE/n"); while [ "$i" -gt 1 ] && [ ! -f "$FAKE/$1.$i" ]; do i=$((i - 1)); done; cat "$FAKE/$1.$i"; }
case "$1 $2" in
  "service ls") n=$(( $(cat "$FAKE/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$FAKE/n"; echo s1 ;;
  "service inspect") case "$4" in *Message*) echo "rollback_completed: update rolled back due to failure or early termination of task x" ;; *) latest services ;; esac ;;
  "stack ps") latest tasks ;;
esac
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'swarm-converge-'));
  writeFileSync(join(dir, 'docker'), FAKE);
  chmodSync(join(dir, 'docker'), 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000;
/** A `docker service inspect` line: name, image, update state and its start, tasks wanted, when the service was last updated (ns; default: long ago). */
const service = (name: string, image: string, state: string, options: { started?: number; wanted?: number; updatedNs?: bigint } = {}) =>
  [`shop_${name}`, image, state, String(options.started ?? (state === 'none' ? 0 : NOW)), String(options.wanted ?? 1), String(options.updatedNs ?? 1_000_000_000_000_000_000n)].join(' ');
const api = (image: string, state: string, started = NOW, wanted = 1) => service('api', image, state, { started, wanted });

/** Runs swarm_converge with SINCE = NOW; prints its status, the polls it made and CONVERGE_REASON. */
function converge(awk: string, polls: readonly Poll[], convergeSeconds = 30): { status: string; polls: number; reason: string } {
  polls.forEach((poll, i) => {
    writeFileSync(join(dir, `services.${i + 1}`), poll.services.map((l) => `${l}\n`).join(''));
    writeFileSync(join(dir, `tasks.${i + 1}`), poll.tasks.map((l) => `${l}\n`).join(''));
  });
  const script = `PROJECT=shop CONVERGE_S=${convergeSeconds}\n${transactionFunctions('now_ms', 'swarm_state', 'swarm_converge')}swarm_converge ${NOW}; printf '%s|%s|%s' "$?" "$(cat "$FAKE/n")" "\${CONVERGE_REASON:-}"`;
  const result = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, FAKE: dir, PATH: `${awk}:${dir}:${process.env.PATH ?? ''}` }, timeout: 20_000 });
  const [status = '', count = '0', reason = ''] = result.stdout.split('|');
  return { status, polls: Number(count), reason };
}

describe.each(AWKS)('swarm_converge under %s', (_name, program) => {
  const awk = awkBin(program[0]);
  test.skipIf(awk === undefined)('waits while the update runs, then succeeds once every task runs the new image', () => {
    const result = converge(awk ?? '', [
      { services: [api('r/api@sha256:new', 'updating')], tasks: ['shop_api.1 r/api@sha256:old Running'] },
      { services: [api('r/api@sha256:new', 'updating')], tasks: ['shop_api.1 r/api@sha256:new Running'] },
      {
        services: [api('r/api@sha256:new', 'completed'), service('db', 'pg@sha256:1', 'none'), service('agent', 'a@sha256:1', 'none', { wanted: -1 }), service('off', 'o@sha256:1', 'none', { wanted: 0 }), service('job', 'j@sha256:1', 'none', { wanted: -2 })],
        tasks: ['shop_api.1 r/api@sha256:new Running', 'shop_db.1 pg@sha256:1 Running', 'shop_agent.node1 a@sha256:1 Running'],
      },
    ]);
    expect(result).toEqual({ status: '0', polls: 3, reason: '' });
  });

  test.skipIf(awk === undefined)('an update Swarm rolled back is a failure, once nothing is still moving; the others that completed do not hide it', () => {
    const worker = (state: string) => service('worker', 'r/worker@sha256:old', state);
    const result = converge(awk ?? '', [
      { services: [api('r/api@sha256:new', 'completed'), worker('rollback_started')], tasks: ['shop_api.1 r/api@sha256:new Running', 'shop_worker.1 r/worker@sha256:new Starting'] },
      { services: [api('r/api@sha256:new', 'completed'), worker('rollback_completed')], tasks: ['shop_api.1 r/api@sha256:new Running', 'shop_worker.1 r/worker@sha256:old Running'] },
    ]);
    expect(result.status).toBe('1');
    expect(result.polls).toBe(2);
    expect(result.reason).toBe('worker: rollback_completed: update rolled back due to failure or early termination of task x');
  });

  test.skipIf(awk === undefined)('a rollback from an earlier run, of a service this deploy leaves alone, is not a failure', () => {
    const result = converge(awk ?? '', [{ services: [api('r/api@sha256:new', 'completed'), service('worker', 'r/worker@sha256:old', 'rollback_completed', { started: NOW - 3600 })], tasks: ['shop_api.1 r/api@sha256:new Running', 'shop_worker.1 r/worker@sha256:old Running'] }]);
    expect(result).toEqual({ status: '0', polls: 1, reason: '' });
  });

  test.skipIf(awk === undefined)('a service just updated, whose old task runs the same image, is waited for until Swarm has begun and ended its update', () => {
    const justNow = BigInt(Date.now()) * 1_000_000n;
    const changed = (state: string) => service('api', 'r/api@sha256:same', state, { updatedNs: justNow });
    const tasks = ['shop_api.1 r/api@sha256:same Running'];
    const result = converge(awk ?? '', [{ services: [changed('none')], tasks }, { services: [changed('updating')], tasks }, { services: [changed('completed')], tasks }]);
    expect(result).toEqual({ status: '0', polls: 3, reason: '' });
  });

  test.skipIf(awk === undefined)('a service just updated that Swarm does not update (nothing changed) is settled after the grace of a second', () => {
    const result = converge(awk ?? '', [{ services: [service('api', 'r/api@sha256:same', 'none', { updatedNs: BigInt(Date.now()) * 1_000_000n })], tasks: ['shop_api.1 r/api@sha256:same Running'] }]);
    expect(result.status).toBe('0');
    // Polls every 0.5 s: settled at the third or fourth, never at the first.
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(result.polls).toBeLessThanOrEqual(4);
  });

  test.skipIf(awk === undefined)('docker failing is not converging: it is retried, and fails at the deadline', () => {
    writeFileSync(join(dir, 'docker'), '#!/bin/sh\n[ "$1 $2" = "service ls" ] && { n=$(( $(cat "$FAKE/n" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$FAKE/n"; }\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n');
    const result = converge(awk ?? '', [], 1);
    expect(result.status).toBe('1');
    expect(result.reason).toBe('Swarm did not converge within 1s: (docker service ls/inspect or docker stack ps failed)');
    expect(result.polls).toBeGreaterThanOrEqual(2);
  });

  test.skipIf(awk === undefined)('a paused update fails at once', () => {
    const result = converge(awk ?? '', [{ services: [api('r/api@sha256:new', 'paused')], tasks: ['shop_api.1 r/api@sha256:old Running'] }]);
    expect(result.status).toBe('1');
    expect(result.polls).toBe(1);
  });

  test.skipIf(awk === undefined)('a stack that does not converge fails at the deadline, saying where each service is', () => {
    const result = converge(awk ?? '', [{ services: [api('r/api@sha256:new', 'updating', NOW, 2)], tasks: ['shop_api.1 r/api@sha256:new Running', 'shop_api.2 r/api@sha256:new Preparing'] }], 1);
    expect(result.status).toBe('1');
    expect(result.reason).toBe('Swarm did not converge within 1s: api updating 1/2;');
    expect(result.polls).toBeGreaterThanOrEqual(2);
    expect(result.polls).toBeLessThanOrEqual(4);
  });
});

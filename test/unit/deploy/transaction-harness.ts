import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRANSACTION_SCRIPT } from '../../../src/deploy/host/scripts.generated';
import type { DeployPlan } from '../../../src/deploy/plan';

/** The text of the named shell functions of transaction.sh, to source in a test's own `sh`. */
export function transactionFunctions(...names: string[]): string {
  return names
    .map((name) => {
      const start = TRANSACTION_SCRIPT.indexOf(`\n${name}() {`);
      if (start < 0) throw new Error(`transaction.sh has no function ${name}`);
      // A one-line function (`name() { …; }`) ends with its line.
      const lineEnd = TRANSACTION_SCRIPT.indexOf('\n', start + 1);
      if (TRANSACTION_SCRIPT.slice(start + 1, lineEnd).endsWith('; }')) return TRANSACTION_SCRIPT.slice(start + 1, lineEnd + 1);
      const end = TRANSACTION_SCRIPT.indexOf('\n}\n', start);
      return TRANSACTION_SCRIPT.slice(start + 1, end + 3);
    })
    .join('');
}

/** The awks a host may have; a test is skipped for one this machine lacks. */
export const AWKS = [
  ['mawk', ['mawk']],
  ['gawk', ['gawk']],
  ['busybox awk', ['busybox', 'awk']],
] as const;

function which(program: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'which', program], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** A directory whose `awk` is `program` (busybox runs its awk applet when called as `awk`). */
export function awkBin(program: string): string | undefined {
  const path = which(program);
  if (path === undefined) return undefined;
  const bin = mkdtempSync(join(tmpdir(), 'awk-'));
  mkdirSync(join(bin, 'bin'));
  symlinkSync(path, join(bin, 'bin', 'awk'));
  return join(bin, 'bin');
}

/**
 * A fake `docker` for running the real transaction.sh: every call is appended to `$FAKE_DIR/calls`;
 * `ps` finds one running container per service ("c-<service>") unless `$FAKE_DIR/down` exists,
 * every container is running and healthy and runs "sha256:<service>"; `compose up` fails when
 * `$FAKE_DIR/up-fails` exists, and takes 30 s once when `$FAKE_DIR/up-sleeps` exists; `pull` takes a second when `$FAKE_DIR/pull-sleeps` exists; `image inspect` finds every image unless
 * `$FAKE_DIR/no-images` exists.
 */
export const FAKE_DOCKER = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DIR/calls"
case "$1" in
  compose)
    case " $* " in
      *" version "*) echo 2.26.1 ;;
      *" up --help "*) echo '      --pull string' ;;
      *" up "*)
        [ -e "$FAKE_DIR/up-sleeps" ] && rm -f "$FAKE_DIR/up-sleeps" && sleep 30
        [ -e "$FAKE_DIR/up-fails" ] && { echo 'compose up failed' >&2; exit 1; } ;;
    esac ;;
  ps)
    [ -e "$FAKE_DIR/down" ] && exit 0
    case " $* " in
      *label=com.docker.compose.service=*)
        for a in "$@"; do case "$a" in label=com.docker.compose.service=*) echo "c-\${a#label=com.docker.compose.service=}" ;; esac; done ;;
      # The project's containers: one per service the harness runs (FAKE_DIR/services, else api).
      *) for s in $(cat "$FAKE_DIR/services" 2>/dev/null || echo api); do echo "c-$s"; done ;;
    esac ;;
  inspect)
    case "$3" in
      *Config.Labels*) shift 3; for c in "$@"; do echo "\${c#c-} $c sha256:\${c#c-} running 0 none "; done ;;
      *State.Status*) echo 'running 0 none' ;;
      *State.Running*) echo true ;;
      *'.Image'*) echo "sha256:\${4#c-}" ;;
    esac ;;
  login) cat > /dev/null ;;
  pull) [ -e "$FAKE_DIR/pull-sleeps" ] && sleep 1 ;;
  image)
    [ -e "$FAKE_DIR/no-images" ] && exit 1
    # image inspect -f FORMAT REF...: a digest reference names an image the host has (its RepoDigests).
    case "$4" in
      *RepoTags*) shift 4; for i in "$@"; do case "$i" in sha256:*) echo "$i " ;; esac; done ;;
      *RepoDigests*) shift 4; for i in "$@"; do case "$i" in *@sha256:*) echo "$i " ;; esac; done ;;
    esac
    exit 0 ;;
  tag) exit 0 ;;
  # exec: fails with 2 (as pg_isready while the server starts) as many times as FAKE_DIR/exec-fails says.
  exec)
    left=$(cat "$FAKE_DIR/exec-fails" 2>/dev/null || echo 0)
    if [ "$left" -gt 0 ]; then echo "$((left - 1))" > "$FAKE_DIR/exec-fails"; exit 2; fi ;;
  info) echo "$FAKE_DIR/docker-root" ;;
  version) echo 24.0.7 ;;
esac
exit 0
`;

export interface TransactionRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly events: { step: string; status: string; service: string; message: string }[];
  readonly calls: string[];
}

/** Runs transaction.sh (with `plan` as plan.sh) through a real sh, with FAKE_DOCKER first on PATH. */
/** Lays out the host's state for a run that holds the lock; returns the run directory. */
export function prepareTransaction(root: string, planScript: string, runId: string): string {
  const state = join(root, 'app', '.stack-deploy');
  const runDir = join(state, 'runs', runId);
  mkdirSync(runDir, { recursive: true });
  mkdirSync(join(state, 'lock'), { recursive: true });
  writeFileSync(join(state, 'lock', 'run'), runId);
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
  writeFileSync(join(state, 'transaction.sh'), TRANSACTION_SCRIPT);
  writeFileSync(join(runDir, 'plan.sh'), planScript);
  return runDir;
}

export function runTransaction(root: string, planScript: string, runId: string, options: { umask?: string } = {}): TransactionRun {
  const state = join(root, 'app', '.stack-deploy');
  const runDir = prepareTransaction(root, planScript, runId);
  const result = spawnSync('sh', ['-c', `umask ${options.umask ?? '022'}; exec sh "$1" "$2"`, 'run', join(state, 'transaction.sh'), runDir], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`, FAKE_DIR: root },
    timeout: 30_000,
  });
  const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  return {
    status: result.status,
    stderr: result.stderr,
    events: read(join(runDir, 'events.jsonl')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as TransactionRun['events'][number]),
    calls: read(join(root, 'calls')).split('\n').filter((line) => line !== ''),
  };
}

/** PATH and FAKE_DIR for a host program run with FAKE_DOCKER (written to `root`/bin). */
export function fakeDockerEnv(root: string): NodeJS.ProcessEnv {
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
  return { ...process.env, PATH: `${join(root, 'bin')}:${process.env.PATH ?? ''}`, FAKE_DIR: root };
}

/** A one-service deploy plan (api, health "auto", 2 s timeout) for the transaction under `root/app`. */
export function testPlan(root: string, runId: string, overrides: Partial<DeployPlan> = {}): DeployPlan {
  return {
    runId,
    environment: 'production',
    version: '1.2.3',
    project: 'shop-production',
    path: join(root, 'app'),
    flavor: 'v2',
    composeFiles: ['compose.yml'],
    services: [{ name: 'api', rollbackRef: 'acme/api:rollback-shop-production-api', pinned: `acme/api@sha256:${'a'.repeat(64)}`, health: { kind: 'auto' }, timeoutMs: 2_000, intervalMs: 10 }],
    actor: 'octocat',
    runUrl: '',
    leaseSeconds: 900,
    startedAt: new Date('2026-12-01T12:00:00Z'),
    action: 'deploy',
    ...overrides,
  };
}

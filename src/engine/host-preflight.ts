import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import { hostPaths } from '../deploy/plan';
import { type PreflightLock, preflightCommand, releaseLockCommand } from '../deploy/remote-commands';
import type { LockAttempt } from './lock';
import type { Manifest } from '../manifest';

export interface Preflight {
  readonly docker: string;
  readonly compose: { readonly flavor: 'v2' | 'v1'; readonly version: string };
  readonly freeBytes: number;
  readonly httpProbe: 'curl' | 'wget' | 'none';
  /** The Compose project the environment runs as on this host. */
  readonly project: string;
  readonly lastRun?: PreviousRun;
  /** The version of the last successful deploy or rollback the ledger records ('' when none). */
  readonly lastVersion: string;
  /** `docker compose up` knows `--pull` (undefined: not known, the transaction asks Compose). */
  readonly composeUpPull?: boolean;
  /** How taking the lock went, when the preflight was asked to take it. */
  readonly lock?: LockAttempt;
}

/** The host's last deploy or rollback transaction, as the preflight found it. */
export interface PreviousRun {
  readonly id: string;
  /** What it wrote as its result; empty while it runs, or when it died without one. */
  readonly result: string;
  /** It had not written its result yet and its process was alive. */
  readonly running: boolean;
  /** A runner saw it to its end, or an earlier preflight already reported it. */
  readonly reported: boolean;
}

/**
 * Whether `services` (default: every service) or, for a deploy, a smoke check probe over HTTP,
 * so that the host needs curl or wget.
 */
export function needsHttpProbe(manifest: Manifest, services: readonly string[] = Object.keys(manifest.services), smoke = true): boolean {
  return services.some((name) => manifest.services[name]?.health?.http !== undefined) || (smoke && (manifest.smoke ?? []).some((check) => 'http' in check));
}

/** Free space below this on the deploy path or Docker's data root fails the preflight: pulls and backups need room. */
export const MIN_FREE_BYTES = 500 * 1024 * 1024;

/** What each tool the preflight reports missing lacks; the transaction uses every one. */
const MISSING_TOOL: Readonly<Record<string, string>> = {
  date: '`date +%s%3N` does not print milliseconds (GNU date)',
  tail: '`tail` has no --pid option (GNU tail)',
  timeout: '`timeout` has no -k/--kill-after option (GNU timeout)',
  flock: '`flock` is not installed (util-linux)',
};

/**
 * One round trip: Docker, Compose, free space, the deploy directory, the previous run, and with
 * `lock` the deploy lock taken last (see `acquireLock` for a lock another run holds). Changes
 * nothing running; with `readOnly` (check) it changes nothing at all. A host that fails a check
 * after its lock was taken gets its lock back (one more round trip, on that failure only).
 */
export async function runPreflight(
  executor: Executor,
  path: string,
  needsHttpProbe: boolean,
  project: { name: string; legacy?: string } = { name: '' },
  options: { readonly readOnly?: boolean; readonly lock?: PreflightLock } = {},
): Promise<Preflight> {
  const paths = hostPaths({ path, runId: '' });
  const result = await executor.run(preflightCommand(paths, project.name, project.legacy, options.readOnly === true, options.lock), { step: 'preflight' });
  const facts = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) facts.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const lock = options.lock === undefined ? undefined : lockAttemptOf(executor, facts);
  try {
    return checkFacts(executor, path, needsHttpProbe, project, facts, lock);
  } catch (error) {
    if (options.lock !== undefined && (lock?.verdict === 'acquired' || lock?.verdict === 'taken-over')) {
      await executor.run(releaseLockCommand(paths.lock, options.lock.runId), { step: 'unlock', allowFailure: true }).catch(() => undefined);
    }
    throw error;
  }
}

/** The lock lines of the preflight's output; a lock that could not be taken at all throws. */
function lockAttemptOf(executor: Executor, facts: ReadonlyMap<string, string>): LockAttempt | undefined {
  const verdict = facts.get('lock');
  if (verdict === undefined) return undefined;
  if (verdict === 'acquired' || verdict === 'taken-over' || verdict === 'held') return { verdict, holder: facts.get('lock_owner') ?? '' };
  throw new StackDeployError(`the deploy lock cannot be taken: ${facts.get('lock_error') || 'the lock program failed'}`, {
    host: executor.host,
    step: 'lock',
    hint: 'check that the deploy user can write the deploy directory, and that flock (util-linux) is installed on the host',
  });
}

function checkFacts(executor: Executor, path: string, needsHttpProbe: boolean, project: { name: string }, facts: ReadonlyMap<string, string>, lock: LockAttempt | undefined): Preflight {
  const where = { host: executor.host, step: 'preflight' };
  const docker = facts.get('docker') ?? '';
  if (docker === '') {
    throw new StackDeployError('the Docker engine is not reachable on the host', {
      ...where,
      hint: 'install Docker on the host and add the SSH user to the "docker" group',
    });
  }
  const [flavor, version = ''] = (facts.get('compose') ?? 'none').split(' ');
  if (flavor !== 'v2' && flavor !== 'v1') {
    throw new StackDeployError('Docker Compose is not installed on the host', { ...where, hint: 'install the Compose v2 plugin ("docker compose") on the host' });
  }
  if (facts.get('path') !== 'ok') {
    throw new StackDeployError(`the deploy directory ${path} cannot be created or written by the SSH user`, {
      ...where,
      hint: `create it on the host and give the deploy user write access (sudo install -d -o USER ${path})`,
    });
  }
  const freeBytes = Number(facts.get('free_kb') ?? '0') * 1024;
  if (freeBytes < MIN_FREE_BYTES) {
    throw new StackDeployError(`only ${Math.round(freeBytes / 1024 / 1024)} MiB are free on the host under ${path}`, {
      ...where,
      hint: 'free disk space on the host (docker image prune removes unused images; stack-deploy never removes rollback images)',
    });
  }
  const dockerRoot = facts.get('docker_root') ?? '';
  const dockerFree = facts.get('docker_free_kb') ?? '';
  if (dockerRoot !== '' && dockerFree !== '' && Number(dockerFree) * 1024 < MIN_FREE_BYTES) {
    throw new StackDeployError(`only ${Math.round((Number(dockerFree) * 1024) / 1024 / 1024)} MiB are free on the host under Docker's data root ${dockerRoot}`, {
      ...where,
      hint: 'free disk space there (docker image prune removes unused images; stack-deploy never removes rollback images): pulls and new containers need it',
    });
  }
  const httpProbe = (facts.get('http_probe') ?? 'none') as Preflight['httpProbe'];
  if (needsHttpProbe && httpProbe === 'none') {
    throw new StackDeployError('an http health check needs curl or wget on the host, and neither is installed', { ...where, hint: 'install curl on the host' });
  }
  if (facts.get('setsid') !== 'yes') {
    throw new StackDeployError('setsid is not installed on the host', { ...where, hint: 'install util-linux on the host' });
  }
  const missing = (facts.get('missing_tools') ?? '').split(' ').filter((tool) => tool !== '');
  if (missing.length > 0) {
    throw new StackDeployError(`the host's ${missing.map((tool) => MISSING_TOOL[tool] ?? tool).join(', ')}`, {
      ...where,
      hint: 'install GNU coreutils and util-linux on the host (busybox versions of these tools lack these options)',
    });
  }
  const lastId = facts.get('last_run');
  const lastResult = facts.get('last_result') ?? '';
  return {
    docker,
    compose: { flavor, version },
    freeBytes,
    httpProbe,
    project: facts.get('project') || project.name,
    lastVersion: facts.get('last_version') ?? '',
    composeUpPull: facts.has('compose_up_pull') ? facts.get('compose_up_pull') === 'yes' : undefined,
    lock,
    lastRun:
      lastId === undefined
        ? undefined
        : {
            id: lastId,
            result: lastResult,
            // Writing its result is the transaction's last act before it frees the lock and exits: with
            // a result it has ended, even while its process still shows (a process that outlived its
            // parent stays until the system's init collects it, and `kill -0` finds it until then).
            running: facts.get('last_running') === 'yes' && lastResult === '',
            reported: facts.get('last_reported') === 'yes',
          },
  };
}

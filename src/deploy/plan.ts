/** Everything the host-side transaction needs, decided on the runner before anything changes. */
export interface DeployService {
  readonly name: string;
  /** `repo:rollback-<project>-<service>`: the image the service rolls back to, tagged on the host. */
  readonly rollbackRef: string;
  /** `repo@sha256:…` the service switches to; undefined when its image is not built here. */
  readonly pinned?: string;
  readonly health: { readonly kind: 'http'; readonly url: string } | { readonly kind: 'cmd'; readonly argv: readonly string[] } | { readonly kind: 'auto' };
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /**
   * How its containers are replaced: `stop-first` (Compose recreates it: the old one stops, then
   * the new one starts) or `start-first` (the new one starts next to the old one, which stops once
   * the new one is healthy). Default `stop-first`.
   */
  readonly switch?: 'stop-first' | 'start-first' | 'proxy';
  /** start-first and proxy: how many containers it runs. Default 1. */
  readonly replicas?: number;
  /** proxy: the ports the host's proxy publishes for it, and where each goes in the container. */
  readonly routes?: readonly ProxyRoute[];
  /** proxy: how long an old container keeps the connections it has after the routes moved. */
  readonly drainSeconds?: number;
  /** proxy: its health URL aimed at a container itself, `__IP__` for the container's address. */
  readonly directUrl?: string;
  /** proxy: the host names it answers for (the request's Host); none: every name. */
  readonly hostNames?: readonly string[];
}

/** A port the host's proxy publishes for a service: `hostIp` `*` is every address. */
export interface ProxyRoute {
  readonly hostIp: string;
  readonly published: string;
  readonly target: string;
}

/** An infrastructure service (pinned or compose-only): switched only when its pin or definition changes. */
export interface DeployInfrastructure {
  readonly name: string;
  /** The pin as written (`postgres:15.6`); the host resolves it to a digest once. */
  readonly image: string;
  readonly health: DeployService['health'];
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** A backup taken on the host before migrations and the switch (see transaction.sh). */
export type PlanBackup =
  | { readonly name: string; readonly service: string; readonly kind: 'command'; readonly argv: readonly string[]; readonly retain: number }
  | { readonly name: string; readonly service: string; readonly kind: 'sqlite'; readonly file: string; readonly retain: number };

/** A smoke check run on the host after every service is healthy. */
export type PlanSmokeCheck =
  | { readonly name: string; readonly kind: 'http'; readonly url: string; readonly status: number; readonly bodyContains?: string; readonly timeoutMs: number }
  | { readonly name: string; readonly kind: 'run'; readonly argv: readonly string[]; readonly timeoutMs: number };

/** The data-safety steps of a deploy; all empty for rollbacks and stacks without them. */
export interface PlanDataSteps {
  readonly backups: readonly PlanBackup[];
  readonly migrations?: { readonly service: string; readonly argv: readonly string[]; readonly timeoutMs: number };
  readonly smoke: readonly PlanSmokeCheck[];
  readonly preDeploy: readonly (readonly string[])[];
  readonly postDeploy: readonly (readonly string[])[];
}

/** The host proxy's directory, under the SSH user's home: one per host, outside every environment's path. */
export const PROXY_DIR_IN_HOME = '.stack-deploy-proxy';

export const BACKUP_TIMEOUT_MS = 30 * 60_000;
export const HOOK_TIMEOUT_MS = 5 * 60_000;
/**
 * Deadlines of the phases that wait on the network or on Docker. The upload's is well under the
 * lease the lock is taken with (nothing renews it then); the pull renews the lease itself.
 */
export const UPLOAD_TIMEOUT_MS = 5 * 60_000;
export const PULL_TIMEOUT_MS = 30 * 60_000;
/** Each `docker compose` call of the transaction (up, stop, logs); it stops containers within their grace periods. */
export const COMPOSE_TIMEOUT_MS = 10 * 60_000;
/** Free space a backup needs at least: twice the previous backup's size, and never under this. */
export const BACKUP_MIN_FREE_BYTES = 100 * 1024 * 1024;

export interface DeployPlan {
  readonly runId: string;
  readonly environment: string;
  readonly version: string;
  readonly project: string;
  /** Absolute directory on the host. */
  readonly path: string;
  readonly flavor: 'v2' | 'v1';
  /** The user's compose files, relative to `path` (and to the directory of stack.yml). */
  readonly composeFiles: readonly string[];
  readonly services: readonly DeployService[];
  /** The image the host's proxy is started with, when a service is switched `proxy`. */
  readonly proxyImage?: string;
  /**
   * Every service the environment's compose files define (deploys; none for rollbacks, which read
   * no compose file): a service no longer among them leaves the host's memory of switches and the proxy.
   */
  readonly composeServices?: readonly string[];
  /** Pinned and compose-only services the environment runs (none for rollbacks). */
  readonly infrastructure?: readonly DeployInfrastructure[];
  readonly actor: string;
  readonly runUrl: string;
  readonly leaseSeconds: number;
  readonly startedAt: Date;
  /** What the ledger calls this run. */
  readonly action: 'deploy' | 'rollback';
  /** Hooks, backups, migrations and smoke checks (deploys only); absent means none. */
  readonly steps?: PlanDataSteps;
  /**
   * The transaction leaves the lock to the runner when it ends (an environment on several hosts:
   * each host stays locked until every host is done, or was switched back).
   */
  readonly keepLock?: boolean;
  /** `swarm`: `docker stack deploy` on a Swarm manager (default `compose`). */
  readonly engine?: 'compose' | 'swarm';
  /**
   * Swarm deploys: each service's whole `deploy.update_config` (the compose files' keys, then
   * stack-deploy's defaults). A rollback reads no compose files: the host keeps the last deploy's.
   */
  readonly swarmUpdates?: readonly { readonly name: string; readonly config: Readonly<Record<string, unknown>> }[];
  /** Swarm: how long the stack may take to converge after a stack deploy. */
  readonly convergeSeconds?: number;
  /** `docker compose up` on the host knows `--pull` (the preflight found out); undefined: the transaction asks Compose. */
  readonly composeUpPull?: boolean;
}

/**
 * Where things live on the host, all under the environment's `path`: the one place that names
 * them. Programs sent to the host receive these paths as arguments, never spelled in their text.
 * Entries of one run (`runDir`, `runPins`, `incoming`, `dockerConfig`) are those of `runId`.
 */
export function hostPaths(plan: Pick<DeployPlan, 'path' | 'runId'>) {
  const state = `${plan.path}/.stack-deploy`;
  const runs = `${state}/runs`;
  const runDir = `${runs}/${plan.runId}`;
  const dockerConfigPrefix = `${state}/docker-config.`;
  const incomingPrefix = `${state}/incoming.`;
  return {
    /** The environment's directory: the compose files, and the files the stack's steps run. */
    root: plan.path,
    state,
    lock: `${state}/lock`,
    envFile: `${state}/stack.env`,
    images: `${state}/images.yml`,
    /** Swarm: each service's update_config, and the default network attachable (for the migrations). */
    swarm: `${state}/swarm.yml`,
    /** Swarm: the env file as shell assignments, for `${VAR}` in the compose files of `docker stack deploy`. */
    envScript: `${state}/stack.env.sh`,
    script: `${state}/transaction.sh`,
    /** Every run's directory, named by its id. */
    runs,
    runDir,
    /** Written by the pull phase: `service<TAB>ref` per infrastructure service, for the transaction. */
    runPins: `${runDir}/pins`,
    /** The id of the last run whose transaction was started. */
    lastRun: `${state}/last-run`,
    ledger: `${state}/releases.jsonl`,
    backups: `${state}/backups`,
    /** Per infrastructure service: its pin's text and the digest it was resolved to. */
    pins: `${state}/pins`,
    /** Per service: the image of its last good release (written by the transaction). */
    good: `${state}/good`,
    /** The run's uploaded files, staged here before each is moved into place. */
    incoming: `${incomingPrefix}${plan.runId}`,
    /** What every run's staging directory starts with: the preflight sweeps those that killed uploads left. */
    incomingPrefix,
    /** The private Docker config (registry logins) of the run's pulls. */
    dockerConfig: `${dockerConfigPrefix}${plan.runId}`,
    /** What every run's Docker config starts with: the preflight sweeps those that killed pulls left. */
    dockerConfigPrefix,
  };
}

export type HostPaths = ReturnType<typeof hostPaths>;

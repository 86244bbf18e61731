import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ServiceBuild } from '../build/plan';
import { formatBytes } from '../build/size';
import { type DeployPlan, type DeployService, HOOK_TIMEOUT_MS, hostPaths, type PlanDataSteps, type ProxyRoute, PULL_TIMEOUT_MS, UPLOAD_TIMEOUT_MS } from '../deploy/plan';
import { backupsTaken, hostScripts, NO_DATA_STEPS, planDataSteps } from '../deploy/data-steps';
import { realPathInside } from '../deploy/local-files';
import { describeEvent, EventStream, outcomeOf, type TransactionEvent } from '../deploy/events';
import { TRANSACTION_SCRIPT } from '../deploy/host/scripts.generated';
import { inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { endRolloutCommand, handOverLockCommand, LOGINS_ENTRY, renewLeaseCommand, readRunCommand, releaseLockCommand, startTransactionCommand, uploadAndPullCommand } from '../deploy/remote-commands';
import { checkEnvText, renderEnvFile, renderEnvScript, renderImagesOverride, renderPlanScript, renderSwarmOverride } from '../deploy/render';
import { createTar } from '../deploy/tar-writer';
import { describeError, StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import { parseDotenv } from '../compose/dotenv';
import type { ComposeModel } from '../compose/model';
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_REGISTRY_HOST, type Manifest, rollbackTag, serviceKind, swarmUpdateOf, switchStrategyOf, urlPort } from '../manifest';
import { DEFAULT_PROXY_IMAGE } from '../manifest/schema';
import { dockerTagFor } from '../release/select';
import { RegistryClient } from '../registry/client';
import { parseImageRef } from '../registry/image-ref';
import { buildAndPublish, registryClientFor } from './build';
import { openConnection } from './connect';
import type { RunContext } from './context';
import { type HostTarget, hostLabel, onHost, onHostError, projectCandidates, type ResolvedEnvironment, resolveEnvironment, runsService } from './environment';
import { needsHttpProbe, type PreviousRun, runPreflight } from './host-preflight';
import { acquireLock, lockTaken } from './lock';
import type { RunResult, RunStatus } from './result';
import { credentialsFor } from './settings';
import type { SummaryTable } from './summary';
import { planRelease, servicesInEnvironment } from './release-plan';
import { healthOf, infrastructureOf, type InfrastructureService, isApplicationService } from './stack-roles';
import { rollbackImages, type TargetImage } from './release-images';
import { batchesOf, rolloutOf } from './rollout';
import { loadAndReport } from './validate';

const LEASE_SECONDS = 15 * 60;

/** Times each phase of the run, for the summary. */
export class PhaseTimer {
  readonly phases: [string, number][] = [];
  constructor(private readonly now: () => number) {}

  async time<T>(phase: string, work: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      return await work();
    } finally {
      this.phases.push([phase, this.now() - started]);
    }
  }
}

/**
 * Frees this run's lock after a failure before the switch. Freeing it can fail too (the connection
 * that just broke, say): that is a warning, and the original error is the one the run reports.
 */
async function releaseLockAfterFailure(context: RunContext, executor: Executor, lockDir: string, runId: string, host: string): Promise<void> {
  try {
    await executor.run(releaseLockCommand(lockDir, runId), { step: 'unlock', allowFailure: true });
    context.cleanup.lockSettled(host);
  } catch (error) {
    context.reporter.warning(
      `could not free the deploy lock on ${executor.host} (${error instanceof Error ? error.message : String(error)}). It expires by itself within ${LEASE_SECONDS / 60} minutes, or run the unlock command`,
    );
  }
}

/**
 * Swarm: how long a stack deploy may take to converge: the longest health timeout of its
 * services, plus two minutes for Swarm's own update, monitor window and rollback.
 */
function convergeSeconds(manifest: Manifest, names: readonly string[]): number {
  return Math.ceil(Math.max(0, ...names.map((name) => healthOf(manifest, name).timeoutMs)) / 1000) + 120;
}

function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/gu, '').replace(/\.\d+Z$/u, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export type { TargetImage } from './release-images';

export function rollbackRepository(manifest: Manifest, service: string, targets: readonly TargetImage[]): string {
  return targets.find((t) => t.service === service)?.image ?? `stack-deploy/${manifest.name}-${service}`;
}

function deployServices(manifest: Manifest, names: readonly string[], targets: readonly TargetImage[], project: string, switches: ReadonlyMap<string, HostSwitch>): DeployService[] {
  return names.map((name) => ({
    name,
    rollbackRef: `${rollbackRepository(manifest, name, targets)}:${rollbackTag(project, name)}`,
    pinned: targets.find((b) => b.service === name)?.pinned,
    ...healthOf(manifest, name),
    // Not known without the compose files (a rollback): the host switches it as the last deploy did.
    ...switches.get(name),
  }));
}

/** Compose hides a service's published ports with `!reset` from v2.24 on. */
export function composeCanReset(compose: { readonly flavor: string; readonly version: string }): boolean {
  const [major = 0, minor = 0] = compose.version.split('.').map((part) => Number.parseInt(part, 10));
  return compose.flavor === 'v2' && (major > 2 || (major === 2 && minor >= 24));
}

/** How the host replaces a service's containers, and what its proxy needs for it. */
type HostSwitch = Pick<DeployService, 'switch' | 'replicas' | 'routes' | 'drainSeconds' | 'directUrl' | 'hostNames'>;

/** The name the host's proxy image is pulled and resolved under, with the infrastructure pins. */
export const PROXY_PIN = 'stack-deploy-proxy';

/** A health URL that reaches a published port, aimed at the container itself (`__IP__`) instead. */
export function directUrl(url: string, routes: readonly ProxyRoute[]): string | undefined {
  const port = urlPort(url);
  const route = routes.find((r) => r.published === port);
  if (port === undefined || route === undefined) return undefined;
  const parsed = new URL(url);
  return `${parsed.protocol}//__IP__:${route.target}${parsed.pathname}${parsed.search}`;
}

/**
 * Each service's switch on the host, from its strategy (stack.yml and the environment's compose
 * files). Without the compose files (a rollback reads none) none: the host switches each service
 * as the last deploy did.
 */
function hostSwitches(manifest: Manifest, environment: string, compose: ComposeModel | undefined, names: readonly string[], owner: string | undefined): Map<string, HostSwitch> {
  const switches = new Map<string, HostSwitch>();
  if (compose === undefined) return switches;
  for (const name of names) {
    const decision = switchStrategyOf(manifest, compose, name, owner);
    if (decision.strategy !== 'proxy') {
      switches.set(name, { switch: decision.strategy });
      continue;
    }
    const definition = compose.all.find((s) => s.name === name);
    const routes = (definition?.ports ?? [])
      .filter((port) => port.published !== undefined && /^\d+$/u.test(port.published) && port.protocol === 'tcp')
      .map((port) => ({ hostIp: port.hostIp ?? '*', published: port.published ?? '', target: port.target }));
    const health = healthOf(manifest, name).health;
    switches.set(name, {
      switch: 'proxy',
      routes,
      drainSeconds: Math.ceil((decision.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS) / 1000),
      directUrl: health.kind === 'http' ? directUrl(health.url, routes) : undefined,
      hostNames: manifest.environments[environment]?.host_names?.[name] ?? [],
    });
  }
  return switches;
}

/** The run's files for the host, and its registry logins (`LOGINS_ENTRY`: the host keeps them out of the deploy path). */
async function uploadArchive(context: RunContext, plan: DeployPlan, manifestDir: string, logins: string): Promise<Buffer> {
  const paths = hostPaths(plan);
  const relative = (abs: string) => abs.slice(plan.path.length + 1);
  const files = [];
  for (const file of plan.composeFiles) {
    const local = await realPathInside(manifestDir, file, `the compose file ${file}`);
    let content: string;
    try {
      content = await readFile(local, 'utf8');
    } catch {
      throw new StackDeployError(`the compose file ${file} cannot be read`, { step: 'upload', hint: `environments.${plan.environment}.compose names it relative to the directory of stack.yml (${manifestDir})` });
    }
    files.push({ path: file, content, mode: 0o600 });
  }
  // Scripts that smoke checks and hooks run on the host, with their local mode (executable bits).
  for (const script of hostScripts(plan.steps ?? NO_DATA_STEPS)) {
    const where = { step: 'upload' as const, hint: 'smoke `run:` and hook programs that are paths name files relative to the directory of stack.yml, inside it' };
    if (script.split('/').includes('..')) throw new StackDeployError(`the script ${script} leaves the directory of stack.yml`, where);
    const local = await realPathInside(manifestDir, script, `the script ${script}`);
    let content: Buffer;
    let mode: number;
    try {
      [content, mode] = await Promise.all([readFile(local), stat(local).then((info) => info.mode & 0o777)]);
    } catch {
      throw new StackDeployError(`the script ${script} (run by a smoke check or hook) cannot be read`, { ...where, hint: `${where.hint} (${manifestDir})` });
    }
    files.push({ path: script, content, mode });
  }
  const envFile = renderEnvFile(context.settings.envFile, plan);
  const envScript = plan.engine === 'swarm' ? renderEnvScript(envFile) : undefined;
  const left = envScript?.left ?? [];
  if (left.length > 0) context.reporter.warning(`${left.join(', ')} from the env input ${left.length === 1 ? 'is' : 'are'} not given to docker stack deploy for \${VAR} in the compose files: ${left.length === 1 ? 'it names' : 'they name'} a setting of the shell or docker client that runs it (env_file: still passes ${left.length === 1 ? 'it' : 'them'} to the containers)`);
  files.push(
    { path: relative(paths.images), content: renderImagesOverride(plan), mode: 0o600 },
    { path: relative(paths.envFile), content: envFile, mode: 0o600 },
    ...(envScript === undefined ? [] : [{ path: relative(paths.envScript), content: envScript.script, mode: 0o600 }]),
    ...(plan.swarmUpdates === undefined ? [] : [{ path: relative(paths.swarm), content: renderSwarmOverride(plan), mode: 0o600 }]),
    { path: relative(paths.script), content: TRANSACTION_SCRIPT, mode: 0o600 },
    { path: `${relative(paths.runDir)}/plan.sh`, content: renderPlanScript(plan), mode: 0o600 },
    { path: LOGINS_ENTRY, content: logins, mode: 0o600 },
  );
  return createTar(files, plan.startedAt);
}

/**
 * `registry<TAB>user<TAB>password` lines for the registries of `refs` that are the stack's own
 * (where its images are pushed): the deploy's credentials never go to another registry.
 */
function registryLogins(context: RunContext, refs: readonly string[], ownRegistries: readonly string[]): string {
  const registries = [...new Set(refs.map((ref) => parseImageRef(ref).registry))].filter((registry) => ownRegistries.includes(registry));
  return registries
    .flatMap((registry) => {
      const credentials = credentialsFor(registry, context.settings);
      return credentials === undefined ? [] : [`${registry}\t${credentials.username}\t${credentials.password}\n`];
    })
    .join('');
}

/** How an earlier run ended on the host, as its events say. */
async function previousOutcome(executor: Executor, path: string, run: PreviousRun): Promise<string> {
  const events = new EventStream(() => undefined);
  events.push((await executor.run(readRunCommand(hostPaths({ path, runId: run.id }).runDir), { step: 'preflight' })).stdout);
  events.end();
  const outcome = outcomeOf(events.events);
  return outcome === undefined ? 'ended without a result (the host may have restarted)' : `ended with "${outcome.result}": ${outcome.message}`;
}

/**
 * Reports the host's previous run when no runner saw it end (its connection dropped). A run
 * still running is reported once this run holds the lock, that is once it has ended: see
 * `reportRunThatHeldTheLock`.
 */
async function reportPreviousRun(context: RunContext, executor: Executor, path: string, last: PreviousRun | undefined): Promise<void> {
  if (last === undefined || last.reported || last.running) return;
  context.reporter.warning(`the previous deploy (run ${last.id}) lost its connection before it finished; on the host it ${await previousOutcome(executor, path, last)}`);
}

/** After the lock: how the run that was still running when this one started ended. */
async function reportRunThatHeldTheLock(context: RunContext, executor: Executor, path: string, last: PreviousRun | undefined): Promise<void> {
  if (last === undefined || last.reported || !last.running) return;
  const how = await previousOutcome(executor, path, last);
  const message = `the previous deploy (run ${last.id}) was still running on the host when this run started; it ${how}`;
  if (how.startsWith('ended with "success"')) context.reporter.info(message);
  else context.reporter.warning(message);
}

/** One row per service; a service that shares a built image is labelled with it, an infrastructure service with its pin. */
function serviceTable(services: readonly { name: string; label?: string }[], events: readonly TransactionEvent[]): SummaryTable {
  const short = (image: string) => (image.startsWith('sha256:') ? image.slice(7, 19) : image === '' ? '—' : image);
  return {
    header: ['Service', 'From', 'To', 'Health'],
    rows: services.map((service) => {
      const of = (step: string) => events.findLast((e) => e.step === step && e.service === service.name);
      const health = of('health') ?? of('infrastructure');
      const rollback = of('rollback');
      const healthText = health === undefined ? 'not checked' : health.status === 'ok' ? 'healthy' : `${health.status}: ${health.message}`;
      return [service.label ?? service.name, short(of('record')?.message ?? ''), short(of('final')?.message ?? ''), rollback === undefined ? healthText : `${healthText}; rollback ${rollback.status}`];
    }),
  };
}

/** What the summary says about backups, migrations, smoke checks and hooks (nothing when none ran). */
function dataSummary(events: readonly TransactionEvent[]): { lines: string[]; tables: SummaryTable[] } {
  const lines: string[] = [];
  const tables: SummaryTable[] = [];
  const backups = events.filter((e) => e.step === 'backup' && e.status !== 'start' && e.status !== 'pruned');
  if (backups.length > 0) {
    const taken = backupsTaken(events);
    tables.push({
      header: ['Backup', 'File', 'Size'],
      rows: backups.map((e) => {
        const file = taken.find((t) => t.name === e.service && e.status === 'ok');
        return file === undefined ? [e.service, `${e.status}: ${e.message}`, '—'] : [e.service, file.path, formatBytes(file.bytes)];
      }),
    });
    if (taken.length > 0) lines.push(`Backups taken: ${taken.map((t) => `${t.name} → ${t.path} (${formatBytes(t.bytes)})`).join(', ')}.`);
  }
  const migrations = events.findLast((e) => e.step === 'migrations' && e.status !== 'start');
  const migrationsStarted = events.some((e) => e.step === 'migrations');
  if (migrations !== undefined) lines.push(migrations.status === 'ok' ? `Migrations ran in a one-off ${migrations.service} container.` : `Migrations failed: ${migrations.message}.`);
  else if (migrationsStarted) lines.push('Migrations started but did not report an end.');
  for (const warning of events.filter((e) => e.step === 'warning')) lines.push(`**Warning:** ${warning.message}.`);
  const smoke = events.filter((e) => e.step === 'smoke' && e.status !== 'start');
  if (smoke.length > 0) tables.push({ header: ['Smoke check', 'Result'], rows: smoke.map((e) => [e.service, e.status === 'ok' ? 'passed' : `${e.status}: ${e.message}`]) });
  const hooks = events.filter((e) => e.step === 'hook' && e.status !== 'start');
  if (hooks.length > 0) tables.push({ header: ['Hook', 'Result'], rows: hooks.map((e) => [e.service, e.status === 'ok' ? 'ok' : `${e.status}: ${e.message}`]) });
  return { lines, tables };
}

export interface SwitchRequest {
  readonly manifest: Manifest;
  readonly manifestDir: string;
  readonly environment: ResolvedEnvironment;
  /** The services to switch, in manifest order. */
  readonly names: readonly string[];
  readonly version: string;
  /** What the run is, in titles: "deploy" or "rollback". */
  readonly kind: 'deploy' | 'rollback';
  readonly timer: PhaseTimer;
  /** Known before connecting (built or promoted images)… */
  readonly targets?: readonly TargetImage[];
  /** Pinned and compose-only services the environment runs (deploys only): switched when their pin changes. */
  readonly infrastructure?: readonly InfrastructureService[];
  /** How each service is switched on the host (deploys; a rollback leaves it to the host: as the last deploy did). */
  readonly switches?: ReadonlyMap<string, HostSwitch>;
  /** Every service the environment's compose files define (deploys): the host forgets how others were switched. */
  readonly composeServices?: readonly string[];
  /** Swarm deploys: each service's whole update_config (a rollback keeps the host's). */
  readonly swarmUpdates?: DeployPlan['swarmUpdates'];
  /** …or decided on each host before the lock is taken (rollbacks). */
  readonly resolveTargets?: (executor: Executor, project: string, names: readonly string[]) => Promise<{ version: string; targets: TargetImage[] }>;
}

/** One host of the run, as it goes through the phases. */
interface HostRun {
  readonly target: HostTarget;
  /** `user@host:port`. */
  readonly label: string;
  readonly executor: Executor;
  /** The application services and infrastructure of the request this host runs. */
  readonly names: readonly string[];
  readonly infrastructure: readonly InfrastructureService[];
  readonly stream: EventStream;
  project: string;
  version: string;
  targets: readonly TargetImage[];
  plan?: DeployPlan;
  /** The run id that holds this host's lock for this run (it changes when an undo takes it over). */
  lockOwner?: string;
  /** The lock is this run's and must be freed by the runner (not by a transaction). */
  lockHeld: boolean;
  /** Its transaction was started (then it owns the switch). */
  started: boolean;
  /** How its transaction ended: its result, or why it has none. */
  result?: string;
  message?: string;
  /** Set when the host was switched back after another host failed. */
  undo?: { readonly result: string; readonly message: string; readonly events: readonly TransactionEvent[] };
}

/** Runs `work` on every host at once; the first error (by host order) is thrown once all settled. */
async function onEveryHost<T>(runs: readonly HostRun[], several: boolean, work: (run: HostRun) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(runs.map((run) => work(run)));
  const failed = settled.findIndex((s) => s.status === 'rejected');
  if (failed >= 0) {
    const run = runs[failed];
    const rejected = settled[failed] as PromiseRejectedResult;
    throw run === undefined || !several ? rejected.reason : onHostError(run.label, rejected.reason);
  }
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}


/**
 * Connects to each host of the environment that runs a service of the request (at once), checks
 * them, takes their locks one by one in a fixed order, uploads and pulls on each, then switches
 * them in batches (`rollout`). A host that fails ends with its previous release (its transaction
 * rolls back); every host switched before it is then switched back to its own previous images,
 * and the run fails. Returns the run's result.
 */
export async function switchEnvironment(context: RunContext, request: SwitchRequest): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const { manifest, environment, names, timer } = request;
  const infrastructure = request.kind === 'deploy' ? (request.infrastructure ?? []) : [];
  const several = environment.hosts.length > 1;
  const involved = environment.hosts.filter((h) => [...names, ...infrastructure.map((s) => s.name)].some((name) => runsService(h, name)));
  if (involved.length === 0) {
    throw new StackDeployError(`no host of environment ${environment.name} runs ${names.join(', ')}`, { step: 'select', hint: `environments.${environment.name}.hosts[].services says which services each host runs` });
  }
  const { path } = environment.config;
  const startedAt = new Date(clock.now());
  const runId = newRunId(startedAt);
  const paths = hostPaths({ path, runId });
  const newStream = (label: string) =>
    new EventStream(
      (event) => reporter.info(`${several ? `${label}: ` : ''}${describeEvent(event)}`),
      (line) => reporter.warning(`${several ? `the transaction on ${label}` : "the host's transaction"} wrote a progress line that is not an event, so it is left out of this report: ${line}`),
    );
  const connectTitle = involved.map(hostLabel).join(', ');
  const connected = await timer.time('connect', () =>
    reporter.group(`Connect to ${connectTitle}`, async () => {
      const settled = await Promise.allSettled(involved.map((target) => openConnection(context, onHost(environment, target))));
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure !== undefined) {
        await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close().catch(() => undefined) : undefined)));
        throw failure.reason;
      }
      return settled.map((s) => (s as PromiseFulfilledResult<Executor>).value);
    }),
  );
  const runs: HostRun[] = involved.map((target, i) => {
    const executor = connected[i] as Executor;
    return {
      target,
      label: hostLabel(target),
      executor,
      names: names.filter((name) => runsService(target, name)),
      infrastructure: infrastructure.filter((s) => runsService(target, s.name)),
      stream: newStream(hostLabel(target)),
      project: '',
      version: request.version,
      targets: (request.targets ?? []).filter((t) => runsService(target, t.service)),
      lockHeld: false,
      started: false,
    };
  });
  const freeLocks = async () => {
    for (const run of runs.filter((r) => r.lockHeld && r.lockOwner !== undefined)) {
      await releaseLockAfterFailure(context, run.executor, paths.lock, run.lockOwner ?? runId, run.label);
      run.lockHeld = false;
    }
  };
  const dataHosts = dataStepHosts(manifest, involved);
  const owner = { run: runId, actor: settings.actor ?? 'unknown', url: settings.runUrl ?? '', started: startedAt.toISOString() };
  const lockTakenOn = (run: HostRun) => {
    run.lockHeld = true;
    run.lockOwner = runId;
    context.cleanup.lockTaken({ host: run.target.host, port: run.target.port, user: run.target.user, lockDir: paths.lock, runDir: paths.runDir, runId, script: paths.script });
  };
  try {
    try {
      const candidates = projectCandidates(manifest, environment.name);
      // The lock is taken in the preflight's round trip, on every host at once.
      const lock = { runId, owner: JSON.stringify(owner), leaseSeconds: LEASE_SECONDS };
      const preflights = await timer.time('preflight', () =>
        onEveryHost(runs, several, async (run) => {
          const needsHttp = needsHttpProbe(manifest, [...run.names, ...run.infrastructure.map((s) => s.name)], request.kind === 'deploy');
          const preflight = await runPreflight(run.executor, path, needsHttp, candidates, { lock });
          if (preflight.lock !== undefined && preflight.lock.verdict !== 'held') lockTakenOn(run);
          run.project = preflight.project;
          if (preflight.project !== candidates.name) {
            reporter.warning(
              `${several ? `${run.label}: ` : ''}environment ${environment.name} keeps running as the Compose project "${preflight.project}", as deployed before each environment had a project of its own: a new project would start on new, empty named volumes. Set environments.${environment.name}.project: ${preflight.project} in stack.yml to keep it and silence this warning`,
            );
          }
          reporter.info(`${several ? run.label : run.executor.host}: Docker ${preflight.docker}, compose ${preflight.compose.flavor} ${preflight.compose.version}, ${formatBytes(preflight.freeBytes)} free`);
          const proxied = run.names.filter((name) => request.switches?.get(name)?.switch === 'proxy');
          if (proxied.length > 0 && !composeCanReset(preflight.compose)) {
            throw new StackDeployError(`${proxied.join(', ')} ${proxied.length === 1 ? 'is' : 'are'} switched behind the host's proxy, which needs Docker Compose v2.24 or later on the host (it has ${preflight.compose.flavor} ${preflight.compose.version})`, {
              host: run.executor.host,
              step: 'preflight',
              hint: `upgrade Docker Compose on the host (the proxy hides the services' published ports with \`!reset\`), or set services.<name>.switch: start-first or stop-first`,
            });
          }
          await reportPreviousRun(context, run.executor, path, preflight.lastRun);
          if (request.resolveTargets !== undefined) {
            const resolved = await request.resolveTargets(run.executor, run.project, run.names);
            run.version = resolved.version;
            run.targets = resolved.targets;
          }
          run.plan = {
            runId,
            environment: environment.name,
            version: run.version,
            project: run.project,
            path,
            flavor: preflight.compose.flavor,
            composeFiles: environment.config.compose,
            services: deployServices(manifest, run.names, run.targets, run.project, request.switches ?? new Map()),
            proxyImage: proxied.length > 0 ? (manifest.proxy?.image ?? DEFAULT_PROXY_IMAGE) : undefined,
            composeServices: request.composeServices,
            infrastructure: run.infrastructure.map(({ name, image, health, timeoutMs, intervalMs }) => ({ name, image, health, timeoutMs, intervalMs })),
            actor: settings.actor ?? 'unknown',
            runUrl: settings.runUrl ?? '',
            leaseSeconds: LEASE_SECONDS,
            startedAt,
            action: request.kind,
            // Hooks, backups, migrations and smoke checks belong to deploys; a rollback runs none.
            steps: request.kind === 'deploy' ? hostDataSteps(planDataSteps(manifest), dataHosts, run.target) : NO_DATA_STEPS,
            keepLock: several,
            engine: environment.config.engine ?? 'compose',
            swarmUpdates: request.swarmUpdates,
            convergeSeconds: convergeSeconds(manifest, [...run.names, ...run.infrastructure.map((i) => i.name)]),
            composeUpPull: preflight.composeUpPull,
          };
          return preflight;
        }),
      );
      const lastVersions = new Set(preflights.map((p) => p.lastVersion));
      if (several && lastVersions.size > 1) {
        reporter.warning(
          `the hosts disagree: ${runs.map((run, i) => `${run.label} runs ${preflights[i]?.lastVersion || 'nothing deployed yet'}`).join(', ')} (a run that did not finish on every host, or a host added since); this ${request.kind} brings every host to ${request.version}`,
        );
      }
      for (const [i, run] of runs.entries()) {
        const attempt = preflights[i]?.lock;
        if (attempt !== undefined && run.lockHeld) lockTaken(attempt, run.label, reporter);
      }
      if (runs.some((run) => !run.lockHeld)) {
        const first = new Map(runs.map((run, i) => [run, preflights[i]?.lock]));
        // Another run holds a lock: with several hosts, the locks this run took go back first, and
        // are then taken one host at a time, in one order for every run (by user@host:port), so
        // that two runs over the same hosts never hold one lock each while waiting for the other's.
        if (several) {
          await freeLocks();
          first.clear();
        }
        await timer.time('lock', async () => {
          for (const run of [...runs].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))) {
            if (run.lockHeld) continue;
            await acquireLock(run.executor, { lockDir: paths.lock, owner, leaseSeconds: LEASE_SECONDS, timeoutMs: settings.lockTimeoutMs, first: first.get(run) }, clock, reporter);
            lockTakenOn(run);
          }
        });
      }
      await Promise.all(runs.map((run, i) => reportRunThatHeldTheLock(context, run.executor, path, preflights[i]?.lastRun)));
      await onEveryHost(runs, several, (run) => uploadAndPull(context, request, run, run.plan as DeployPlan, timer));
    } catch (error) {
      await freeLocks();
      throw error instanceof StackDeployError ? new StackDeployError(`${error.message}; nothing running was changed`, error.context) : error;
    }
    const versions = [...new Set(runs.map((r) => r.version))];
    const version = versions.length === 1 ? (versions[0] ?? request.version) : request.version;
    if (!several) {
      await switchInBatches(context, request, runs, version, several, paths.lock);
      return switchResult(context, request, runs, version, several, undefined);
    }
    // From here every host's lock is the run's until endRollout (or freeLocks, whatever happens).
    try {
      const failure = await switchInBatches(context, request, runs, version, several, paths.lock);
      if (failure !== undefined) await undoSwitchedHosts(context, request, runs, failure.batch);
      const result = switchResult(context, request, runs, version, several, failure);
      await endRollout(context, runs, paths, {
        time: startedAt.toISOString(),
        actor: settings.actor ?? 'unknown',
        run_url: settings.runUrl ?? '',
        environment: environment.name,
        version,
        action: 'rollout',
        run: runId,
        result: result.status,
        of: request.kind,
        hosts: Object.fromEntries(runs.map((run) => [run.label, hostOutcome(run)])),
      });
      return result;
    } finally {
      await freeLocks();
    }
  } finally {
    await Promise.all(runs.map((run) => run.executor.close()));
  }
}

/** How a host's part of the run ended, in the `hosts` output and the environment's ledger line. */
function hostOutcome(run: HostRun): string {
  return run.undo === undefined ? (run.result ?? 'not switched') : `undone: ${run.undo.result}`;
}

/**
 * Writes the environment's ledger line (every host's outcome) on each host whose transaction ran
 * and whose lock the run still holds, and frees that lock in the same round trip. A host that was
 * not switched keeps its ledger as it was (freeLocks frees its lock).
 */
async function endRollout(context: RunContext, runs: HostRun[], paths: { readonly lock: string; readonly ledger: string }, line: Record<string, unknown>): Promise<void> {
  await Promise.all(
    runs
      .filter((run) => run.started && run.lockHeld && run.lockOwner !== undefined)
      .map(async (run) => {
        try {
          await run.executor.run(endRolloutCommand(paths, run.lockOwner ?? '', JSON.stringify(line)), { step: 'unlock' });
          run.lockHeld = false;
          context.cleanup.lockSettled(run.label);
        } catch (error) {
          context.reporter.warning(`${run.label}: could not write the environment's ledger line and free the lock (${error instanceof Error ? error.message : String(error)}); freeing the lock`);
        }
      }),
  );
}

/** The first host (in stack.yml's order) that runs each service: where its backups and migrations run. */
function dataStepHosts(manifest: Manifest, hosts: readonly HostTarget[]): ReadonlyMap<string, HostTarget> {
  const first = new Map<string, HostTarget>();
  const services = [...(manifest.backup ?? []).map((b) => b.service), ...(manifest.migrations === undefined ? [] : [manifest.migrations.service])];
  for (const service of services) {
    const host = hosts.find((h) => runsService(h, service));
    if (host !== undefined) first.set(service, host);
  }
  return first;
}

/** A host's share of the data steps: backups and migrations once, on the first host running their service; smoke checks and hooks on every host. */
function hostDataSteps(steps: PlanDataSteps, first: ReadonlyMap<string, HostTarget>, host: HostTarget): PlanDataSteps {
  return {
    ...steps,
    backups: steps.backups.filter((b) => first.get(b.service) === host),
    migrations: steps.migrations !== undefined && first.get(steps.migrations.service) === host ? steps.migrations : undefined,
  };
}

/** Uploads a host's files and pulls its images (with the run's registry logins). */
async function uploadAndPull(context: RunContext, request: SwitchRequest, run: HostRun, plan: DeployPlan, timer: PhaseTimer): Promise<void> {
  const { reporter } = context;
  const several = request.environment.hosts.length > 1;
  const { manifest } = request;
  const paths = hostPaths(plan);
  const refs = [...new Set(run.targets.map((t) => t.pinned))];
  const infrastructure = plan.infrastructure ?? [];
  const pins = [...infrastructure.map((s) => ({ service: s.name, image: s.image })), ...(plan.proxyImage === undefined ? [] : [{ service: PROXY_PIN, image: plan.proxyImage }])];
  const logins = registryLogins(context, [...refs, ...pins.map((p) => p.image)], [manifest.registry?.host ?? DEFAULT_REGISTRY_HOST, ...refs.map((ref) => parseImageRef(ref).registry)]);
  const archive = await uploadArchive(context, plan, request.manifestDir, logins);
  await timer.time('upload and pull', () =>
    reporter.group(`Upload the run's files and pull new images on ${several ? run.label : 'the host'}`, () =>
      run.executor.run(uploadAndPullCommand(paths, archive, plan.runId, refs, pins, LEASE_SECONDS), {
        step: 'pull',
        timeoutMs: UPLOAD_TIMEOUT_MS + PULL_TIMEOUT_MS,
        onOutput: (chunk) => reporter.info(chunk.trimEnd()),
      }),
    ),
  );
}

/** Runs a host's transaction, streaming its events; records how it ended. */
async function runTransaction(context: RunContext, run: HostRun, plan: DeployPlan, stream: EventStream, several: boolean): Promise<void> {
  const paths = hostPaths(plan);
  try {
    await run.executor.run(startTransactionCommand(paths, plan.runId, plan.keepLock === true, LEASE_SECONDS), {
      step: 'switch',
      onOutput: (chunk, which) => {
        if (which === 'stdout') stream.push(chunk);
      },
    });
    stream.end();
    const outcome = outcomeOf(stream.events);
    run.result = outcome?.result ?? 'failed';
    run.message = outcome?.message ?? 'no result';
  } catch (error) {
    stream.end();
    if (error instanceof StackDeployError && error.context.exitCode === 255) {
      throw new StackDeployError(`${several ? `${run.label}: ` : ''}the SSH connection dropped during the switch; the transaction goes on on the host and ends with the new version or the previous one`, {
        ...error.context,
        hint: 'the next deploy (or the status command) reports how it ended',
      });
    }
    throw error;
  }
}

/** Runs the batch hooks (`hooks.pre_batch`, `hooks.post_batch`) on the runner; throws on the first failure. */
async function runBatchHooks(context: RunContext, request: SwitchRequest, which: 'pre_batch' | 'post_batch', batch: readonly HostRun[], index: number, version: string): Promise<void> {
  const hooks = request.manifest.hooks?.[which] ?? [];
  for (const argv of hooks) {
    const env = { STACK_DEPLOY_HOSTS: batch.map((r) => r.target.host).join(' '), STACK_DEPLOY_BATCH: String(index + 1), STACK_DEPLOY_ENVIRONMENT: request.environment.name, STACK_DEPLOY_VERSION: version };
    context.reporter.info(`hooks.${which} for ${env.STACK_DEPLOY_HOSTS}: ${argv.join(' ')}`);
    const result = await context.local.run({ argv }, { cwd: request.manifestDir, env, allowFailure: true, timeoutMs: HOOK_TIMEOUT_MS, step: 'hook', onOutput: (chunk) => context.reporter.info(chunk.trimEnd()) });
    if (result.exitCode !== 0) {
      throw new StackDeployError(`hooks.${which} ${argv.join(' ')} failed (exit ${result.exitCode}) for ${env.STACK_DEPLOY_HOSTS}`, { step: 'hook', hint: 'fix the hook, or run it by hand, then deploy again' });
    }
  }
}

/** Where and why a rollout over several hosts stopped. */
interface RolloutFailure {
  /** Index of the batch that failed. */
  readonly batch: number;
  /** A failed batch hook or lease renewal (a host's own failure is in its run). */
  readonly hook?: string;
}

/**
 * Switches the hosts batch by batch (`rollout`); the first batch with a failed host (or batch
 * hook) stops the rollout, and is returned. One host: its transaction, as it always was (it frees
 * its lock; an error is thrown).
 */
async function switchInBatches(context: RunContext, request: SwitchRequest, runs: HostRun[], version: string, several: boolean, lockDir: string): Promise<RolloutFailure | undefined> {
  const { reporter, cleanup } = context;
  if (!several) {
    const run = runs[0] as HostRun;
    run.started = true;
    run.lockHeld = false; // from here the host's transaction owns the lock and frees it when it ends
    await request.timer.time('switch', () => reporter.group(`Switch ${request.names.join(', ')} to ${version}`, () => runTransaction(context, run, run.plan as DeployPlan, run.stream, false)));
    cleanup.lockSettled();
    return undefined;
  }
  const batches = batchesOf(runs.length, rolloutOf(request.environment.config)).map((batch) => batch.flatMap((i) => (runs[i] === undefined ? [] : [runs[i]])));
  const hookFailed = (index: number, error: unknown): RolloutFailure => {
    const hook = error instanceof Error ? error.message : String(error);
    reporter.error(hook);
    return { batch: index, hook };
  };
  for (const [index, batch] of batches.entries()) {
    try {
      // Every lock the run holds lives a lease from now, however long the batches before took (the
      // first batch follows the pulls, which renew it as they go).
      if (index > 0) await renewLeases(runs, lockDir);
      await runBatchHooks(context, request, 'pre_batch', batch, index, version);
    } catch (error) {
      return hookFailed(index, error);
    }
    const title = `Switch ${batch.map((r) => r.label).join(', ')}${batches.length > 1 ? ` (batch ${index + 1} of ${batches.length})` : ''} to ${version}`;
    await request.timer.time('switch', () =>
      reporter.group(title, () =>
        Promise.all(
          batch.map(async (run) => {
            run.started = true;
            try {
              await runTransaction(context, run, run.plan as DeployPlan, run.stream, true);
            } catch (error) {
              run.result = 'unknown';
              run.message = error instanceof Error ? error.message : String(error);
              reporter.error(run.message);
            }
          }),
        ),
      ),
    );
    if (batch.some((run) => run.result !== 'success')) return { batch: index };
    try {
      await runBatchHooks(context, request, 'post_batch', batch, index, version);
    } catch (error) {
      return hookFailed(index, error);
    }
  }
  return undefined;
}

/** Renews the lease of every lock the run holds (a rollout keeps them past its transactions). */
async function renewLeases(runs: readonly HostRun[], lockDir: string): Promise<void> {
  await Promise.all(
    runs
      .filter((run) => run.lockHeld && run.lockOwner !== undefined)
      .map((run) => run.executor.run(renewLeaseCommand(lockDir, run.lockOwner ?? '', LEASE_SECONDS), { step: 'lock' }).catch((error: unknown) => Promise.reject(onHostError(run.label, error)))),
  );
}

/**
 * After a failed batch: every host whose transaction succeeded (earlier batches, and the failed
 * batch's others) is switched back to its own previous images (its rollback images), under the
 * lock it still holds for this run. Hosts whose transaction failed have rolled back themselves.
 */
async function undoSwitchedHosts(context: RunContext, request: SwitchRequest, runs: HostRun[], failedAt: number): Promise<void> {
  const { reporter } = context;
  const switched = runs.filter((run) => run.result === 'success');
  if (switched.length === 0) return;
  reporter.warning(`the rollout stopped at batch ${failedAt + 1}: switching ${switched.map((r) => r.label).join(', ')} back to the previous release`);
  await Promise.all(
    switched.map(async (run) => {
      const plan = run.plan as DeployPlan;
      const undoId = `${plan.runId}-undo`;
      const paths = hostPaths({ path: plan.path, runId: undoId });
      const stream = new EventStream(
        (event) => reporter.info(`${run.label} (undo): ${describeEvent(event)}`),
        () => undefined,
      );
      try {
        const applications = run.names.filter((name) => isApplicationService(request.manifest, name, context.settings.repositoryOwner));
        if (applications.length === 0) {
          // As on a single host after a failed switch: infrastructure that passed its gate keeps its new pin.
          run.undo = { result: 'success', message: 'only infrastructure, which keeps its new pin', events: [] };
          return;
        }
        const repos = applications.map((name) => ({ name, repo: rollbackRepository(request.manifest, name, run.targets) }));
        const state = parseHostState((await run.executor.run(inspectHostCommand(paths, { name: run.project }, repos), { step: 'undo' })).stdout, applications);
        const previous = rollbackImages(state, repos);
        await run.executor.run(handOverLockCommand(paths.lock, run.lockOwner ?? plan.runId, undoId), { step: 'undo' });
        run.lockOwner = undoId;
        context.cleanup.lockTaken({ host: run.target.host, port: run.target.port, user: run.target.user, lockDir: paths.lock, runDir: paths.runDir, runId: undoId, script: paths.script });
        const undoPlan: DeployPlan = {
          ...plan,
          runId: undoId,
          version: previous.version,
          services: deployServices(request.manifest, applications, previous.targets, run.project, new Map()),
          infrastructure: [],
          proxyImage: undefined,
          composeServices: undefined,
          action: 'rollback',
          steps: NO_DATA_STEPS,
        };
        await uploadAndPull(context, request, { ...run, targets: previous.targets }, undoPlan, request.timer);
        const undoRun: HostRun = { ...run, result: undefined, message: undefined };
        await runTransaction(context, undoRun, undoPlan, stream, true);
        run.undo = { result: undoRun.result ?? 'failed', message: undoRun.message ?? '', events: stream.events };
      } catch (error) {
        const message = error instanceof StackDeployError ? describeError(error).replace(/\n\s*/gu, '; ') : String(error);
        run.undo = { result: 'failed', message, events: stream.events };
      }
      if (run.undo.result !== 'success') reporter.error(`${run.label}: switching back to the previous release failed: ${run.undo.message}`);
    }),
  );
}

/** The run's result from every host's outcome. */
function switchResult(context: RunContext, request: SwitchRequest, runs: readonly HostRun[], version: string, several: boolean, failure: RolloutFailure | undefined): RunResult {
  const { reporter, settings } = context;
  const { manifest, environment, names } = request;
  const verb = request.kind === 'rollback' ? 'rollback' : 'deploy';
  const all = failure === undefined && runs.every((run) => run.result === 'success');
  const events = runs.flatMap((run) => run.stream.events);
  let status: RunStatus;
  let why: string;
  let result: string;
  if (!several) {
    const run = runs[0];
    result = run?.result ?? 'failed';
    why = run?.message ?? 'no result';
    status = result === 'success' ? 'success' : result === 'rolled-back' ? 'rolled-back' : 'failed';
  } else if (all) {
    result = 'success';
    why = '';
    status = 'success';
  } else {
    const failed = runs.filter((run) => run.result !== undefined && run.result !== 'success');
    why = [...failed.map((run) => `${run.label}: ${run.message ?? run.result ?? ''}`), ...(failure?.hook === undefined ? [] : [failure.hook])].join('; ') || 'no result';
    const restored = runs.every((run) => run.result === 'rolled-back' || run.result === 'failed' || (run.result === undefined && !run.started) || run.undo?.result === 'success');
    result = restored && runs.some((run) => run.result === 'rolled-back' || run.undo !== undefined) ? 'rolled-back' : restored ? 'failed' : 'rollback-failed';
    status = result === 'rolled-back' ? 'rolled-back' : 'failed';
  }
  const logs = events.filter((e) => (e.step === 'logs' || e.step === 'output') && e.message.trim() !== '');
  const lines: string[] = [];
  if (status === 'success') lines.push(`${names.join(', ')} now ${names.length === 1 ? 'runs' : 'run'} ${version} on ${environment.name}${several ? ` (${runs.length} hosts)` : ''}.`);
  else lines.push(`The ${verb} of ${version} to ${environment.name} failed: ${why}.`);
  if (status === 'rolled-back') lines.push(several ? 'Every host that had switched was switched back to its previous version.' : 'Every changed service was switched back to its previous version, which is healthy.');
  if (result === 'rollback-failed') lines.push('**The rollback did not finish cleanly: check the host.**');
  if (several) {
    for (const run of runs.filter((r) => !r.started)) lines.push(`${run.label} was not switched.`);
  }
  const data = dataSummary(events);
  lines.push(...data.lines);
  for (const warning of events.filter((e) => e.step === 'warning')) reporter.warning(warning.message);
  const details = logs.length > 0 ? logs.map((e) => `${e.step === 'logs' ? 'last log lines' : 'last output lines'} of ${e.service}:\n${e.message}`).join('\n\n') : undefined;
  if (status !== 'success') reporter.error(`${verb} of ${version} to ${environment.name}: ${result}: ${why}${details === undefined ? '' : `\n${details}`}`);
  const targets = runs.flatMap((run) => run.targets);
  const labelled = (run: HostRun) => [
    ...(run.plan?.services ?? []).map(({ name }) => {
      const kind = serviceKind(manifest, name, settings.repositoryOwner);
      return { name, label: kind.kind === 'shared' ? `${name} (shares ${kind.builder})` : name };
    }),
    ...(run.plan?.infrastructure ?? []).map(({ name, image }) => ({ name, label: `${name} (pinned ${image})` })),
  ];
  const first = runs[0];
  const serviceTables = several ? [hostServiceTable(runs, labelled)] : first === undefined ? [] : [serviceTable(labelled(first), first.stream.events)];
  return {
    status,
    outputs: {
      version,
      services: JSON.stringify(names),
      images: JSON.stringify(Object.fromEntries(targets.map((t) => [t.service, t.pinned]))),
      sizes: JSON.stringify(Object.fromEntries(targets.flatMap((t) => (t.bytes === undefined ? [] : [[t.service, t.bytes]])))),
      ...(several ? { hosts: JSON.stringify(Object.fromEntries(runs.map((run) => [run.label, hostOutcome(run)]))) } : {}),
    },
    summary: {
      title: `stack-deploy: ${environment.name} ${status === 'success' ? 'runs' : status === 'rolled-back' ? 'rolled back from' : `failed to ${verb} to`} ${version}`,
      lines,
      tables: [...serviceTables, ...data.tables, { header: ['Phase', 'Seconds'], rows: request.timer.phases.map(([phase, ms]) => [phase, (ms / 1000).toFixed(1)]) }],
      details,
    },
  };
}

/** One row per service, one column per host: what each host runs now, and how it got there. */
function hostServiceTable(runs: readonly HostRun[], labelled: (run: HostRun) => { name: string; label: string }[]): SummaryTable {
  const services = new Map<string, string>();
  for (const run of runs) for (const s of labelled(run)) if (!services.has(s.name)) services.set(s.name, s.label);
  const cell = (run: HostRun, service: string): string => {
    if (!labelled(run).some((s) => s.name === service)) return '—';
    if (!run.started) return 'not switched';
    const table = serviceTable([{ name: service }], run.stream.events).rows[0] ?? [];
    const [, from = '', to = '', health = ''] = table;
    const undo = run.undo === undefined ? '' : `; switched back: ${run.undo.result === 'success' ? serviceTable([{ name: service }], run.undo.events).rows[0]?.[2] ?? 'ok' : run.undo.message}`;
    return `${from} → ${to} (${health})${undo}`;
  };
  return { header: ['Service', ...runs.map((r) => r.label)], rows: [...services].map(([name, label]) => [label, ...runs.map((run) => cell(run, name))]) };
}

/** Images of `version` already in the registry (promotion without a rebuild). */
export async function promotedImages(context: RunContext, builds: readonly ServiceBuild[], versionTag: string): Promise<TargetImage[]> {
  const clients = new Map<string, RegistryClient>();
  const found = await Promise.all(
    builds.map(async (build) => {
      const { registry, repository } = parseImageRef(build.image);
      const manifest = await registryClientFor(context, registry, clients).manifest(repository, versionTag);
      return { build, digest: manifest?.digest };
    }),
  );
  const missing = found.filter((f) => f.digest === undefined).map((f) => `${f.build.image}:${versionTag}`);
  if (missing.length > 0) {
    throw new StackDeployError(`${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the registry`, {
      step: 'select',
      hint: `build and push version ${versionTag} first (command: build), or deploy with build: 'true'`,
    });
  }
  return found.map(({ build, digest }) => ({ service: build.service, image: build.image, pinned: `${build.image}@${digest ?? ''}` }));
}

/** `deploy`: build and push (or promote existing images), then switch the environment's host. */
export async function deploy(context: RunContext): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const timer = new PhaseTimer(() => clock.now());
  checkEnvText(settings.envFile);
  // The env file the host gets: the compose files' required variables are checked against it now.
  const variables = new Map([...parseDotenv(settings.envFile ?? ''), ['STACK_DEPLOY_VERSION', settings.version ?? 'release'], ['BUILD_VERSION', settings.version ?? 'release']]);
  if (settings.environment !== undefined) variables.set('STACK_DEPLOY_ENVIRONMENT', settings.environment);
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid', variables);
  if (!loaded.ok) return loaded.result;
  const manifest = loaded.manifest;
  const manifestDir = dirname(resolve(settings.manifest));
  const environment = resolveEnvironment(manifest, settings.environment);
  await context.onEnvironment?.(environment.name);
  const infrastructure = infrastructureOf(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
  if (!settings.build && settings.version === undefined) {
    throw new StackDeployError('build is "false" but no version says which images to deploy', {
      step: 'select',
      hint: 'set the input "version" to a version already in the registry (promotion), or leave build on',
    });
  }
  const buildPlan = planRelease(settings, manifest, new Date(clock.now()));
  const names = servicesInEnvironment(buildPlan, manifest, environment.name, settings.repositoryOwner);
  const builds = buildPlan.builds.filter((b) => names.includes(b.service));
  const versionTag = dockerTagFor(buildPlan.version);
  let targets: TargetImage[] = [];
  if (builds.length > 0) {
    targets = settings.build
      ? (await timer.time('build', () => buildAndPublish(context, builds, versionTag))).map((b) => ({ service: b.service, image: b.image, pinned: b.pinned ?? '', bytes: b.bytes }))
      : await timer.time('resolve', () => reporter.group(`Find ${versionTag} in the registry`, () => promotedImages(context, builds, versionTag)));
  }
  // A service that shares a built image runs exactly that image.
  targets = [...targets, ...names.flatMap((name) => {
    const kind = serviceKind(manifest, name, settings.repositoryOwner);
    const builder = kind.kind === 'shared' ? targets.find((t) => t.service === kind.builder) : undefined;
    return builder === undefined ? [] : [{ ...builder, service: name, bytes: undefined }];
  })];
  const model = loaded.compose[environment.name];
  const swarm = environment.config.engine === 'swarm';
  // Under Swarm, Swarm replaces the tasks (each service's update_config): no host switch, no proxy.
  const switches = swarm ? new Map<string, HostSwitch>() : hostSwitches(manifest, environment.name, model, names, settings.repositoryOwner);
  const composeServices = model?.all.map((s) => s.name);
  const swarmUpdates = swarm ? (composeServices ?? []).map((name) => ({ name, config: swarmUpdateOf(manifest, model, name).config })) : undefined;
  return switchEnvironment(context, { manifest, manifestDir, environment, names, version: buildPlan.version, kind: 'deploy', timer, targets, infrastructure, switches, composeServices, swarmUpdates });
}

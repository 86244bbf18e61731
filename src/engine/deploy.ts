import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ServiceBuild } from '../build/plan';
import { formatBytes } from '../build/size';
import { type DeployPlan, type DeployService, hostPaths, type ProxyRoute, PULL_TIMEOUT_MS, UPLOAD_TIMEOUT_MS } from '../deploy/plan';
import { backupsTaken, hostScripts, NO_DATA_STEPS, planDataSteps } from '../deploy/data-steps';
import { realPathInside } from '../deploy/local-files';
import { describeEvent, EventStream, outcomeOf, type TransactionEvent } from '../deploy/events';
import { TRANSACTION_SCRIPT } from '../deploy/host/scripts.generated';
import { pullImagesCommand, readRunCommand, releaseLockCommand, startTransactionCommand, uploadFilesCommand } from '../deploy/remote-commands';
import { checkEnvText, renderEnvFile, renderImagesOverride, renderPlanScript } from '../deploy/render';
import { createTar } from '../deploy/tar-writer';
import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import { parseDotenv } from '../compose/dotenv';
import type { ComposeModel } from '../compose/model';
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_REGISTRY_HOST, type Manifest, rollbackTag, serviceKind, switchStrategyOf, urlPort } from '../manifest';
import { DEFAULT_PROXY_IMAGE } from '../manifest/schema';
import { dockerTagFor } from '../release/select';
import { RegistryClient } from '../registry/client';
import { parseImageRef } from '../registry/image-ref';
import { buildAndPublish, registryClientFor } from './build';
import { openConnection } from './connect';
import type { RunContext } from './context';
import { projectCandidates, type ResolvedEnvironment, resolveEnvironment } from './environment';
import { needsHttpProbe, type PreviousRun, runPreflight } from './host-preflight';
import { acquireLock } from './lock';
import type { RunResult, RunStatus } from './result';
import { credentialsFor } from './settings';
import type { SummaryTable } from './summary';
import { planRelease, servicesInEnvironment } from './release-plan';
import { healthOf, infrastructureOf, type InfrastructureService } from './stack-roles';
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
async function releaseLockAfterFailure(context: RunContext, executor: Executor, lockDir: string, runId: string): Promise<void> {
  try {
    await executor.run(releaseLockCommand(lockDir, runId), { step: 'unlock', allowFailure: true });
    context.cleanup.lockSettled();
  } catch (error) {
    context.reporter.warning(
      `could not free the deploy lock on ${executor.host} (${error instanceof Error ? error.message : String(error)}). It expires by itself within ${LEASE_SECONDS / 60} minutes, or run the unlock command`,
    );
  }
}

function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/gu, '').replace(/\.\d+Z$/u, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** The image a service switches to: built now, promoted from the registry, or rolled back to. */
export interface TargetImage {
  readonly service: string;
  /** Repository without tag. */
  readonly image: string;
  /** `repo@sha256:…`. */
  readonly pinned: string;
  readonly bytes?: number;
}

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

async function uploadArchive(context: RunContext, plan: DeployPlan, manifestDir: string): Promise<Buffer> {
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
  files.push(
    { path: relative(paths.images), content: renderImagesOverride(plan), mode: 0o600 },
    { path: relative(paths.envFile), content: renderEnvFile(context.settings.envFile, plan), mode: 0o600 },
    { path: relative(paths.script), content: TRANSACTION_SCRIPT, mode: 0o600 },
    { path: `${relative(paths.runDir)}/plan.sh`, content: renderPlanScript(plan), mode: 0o600 },
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
  /** …or decided on the host before the lock is taken (rollbacks). */
  readonly resolveTargets?: (executor: Executor, project: string) => Promise<{ version: string; targets: TargetImage[] }>;
}

/**
 * Connects once, checks the host, takes the lock, uploads, pulls every target image, and runs
 * the host-side transaction, streaming its events. Returns the run's result.
 */
export async function switchEnvironment(context: RunContext, request: SwitchRequest): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const { manifest, environment, names, timer } = request;
  const infrastructure = request.kind === 'deploy' ? (request.infrastructure ?? []) : [];
  const proxied = names.filter((name) => request.switches?.get(name)?.switch === 'proxy');
  const { host, port, user, path } = environment.config;
  const startedAt = new Date(clock.now());
  const runId = newRunId(startedAt);
  const paths = hostPaths({ path, runId });
  let version = request.version;
  let targets: readonly TargetImage[] = request.targets ?? [];
  const executor = await timer.time('connect', () => reporter.group(`Connect to ${user}@${host}:${port}`, () => openConnection(context, environment)));
  const stream = new EventStream(
    (event) => reporter.info(describeEvent(event)),
    (line) => reporter.warning(`the host's transaction wrote a progress line that is not an event, so it is left out of this report: ${line}`),
  );
  let plan: DeployPlan;
  try {
    const needsHttp = needsHttpProbe(manifest, [...names, ...infrastructure.map((s) => s.name)], request.kind === 'deploy');
    const candidates = projectCandidates(manifest, environment.name);
    const preflight = await timer.time('preflight', () => runPreflight(executor, path, needsHttp, candidates));
    const project = preflight.project;
    if (project !== candidates.name) {
      reporter.warning(
        `environment ${environment.name} keeps running as the Compose project "${project}", as deployed before each environment had a project of its own: a new project would start on new, empty named volumes. Set environments.${environment.name}.project: ${project} in stack.yml to keep it and silence this warning`,
      );
    }
    reporter.info(`${executor.host}: Docker ${preflight.docker}, compose ${preflight.compose.flavor} ${preflight.compose.version}, ${formatBytes(preflight.freeBytes)} free`);
    if (proxied.length > 0 && !composeCanReset(preflight.compose)) {
      throw new StackDeployError(`${proxied.join(', ')} ${proxied.length === 1 ? 'is' : 'are'} switched behind the host's proxy, which needs Docker Compose v2.24 or later on the host (it has ${preflight.compose.flavor} ${preflight.compose.version})`, {
        host: executor.host,
        step: 'preflight',
        hint: `upgrade Docker Compose on the host (the proxy hides the services' published ports with \`!reset\`), or set services.<name>.switch: start-first or stop-first`,
      });
    }
    await reportPreviousRun(context, executor, path, preflight.lastRun);
    if (request.resolveTargets !== undefined) {
      const resolved = await request.resolveTargets(executor, project);
      version = resolved.version;
      targets = resolved.targets;
    }
    plan = {
      runId,
      environment: environment.name,
      version,
      project,
      path,
      flavor: preflight.compose.flavor,
      composeFiles: environment.config.compose,
      services: deployServices(manifest, names, targets, project, request.switches ?? new Map()),
      proxyImage: proxied.length > 0 ? (manifest.proxy?.image ?? DEFAULT_PROXY_IMAGE) : undefined,
      composeServices: request.composeServices,
      infrastructure: infrastructure.map(({ name, image, health, timeoutMs, intervalMs }) => ({ name, image, health, timeoutMs, intervalMs })),
      actor: settings.actor ?? 'unknown',
      runUrl: settings.runUrl ?? '',
      leaseSeconds: LEASE_SECONDS,
      startedAt,
      action: request.kind,
      // Hooks, backups, migrations and smoke checks belong to deploys; a rollback runs none.
      steps: request.kind === 'deploy' ? planDataSteps(manifest) : NO_DATA_STEPS,
    };
    const owner = { run: runId, actor: plan.actor, url: plan.runUrl, started: startedAt.toISOString() };
    await timer.time('lock', () => acquireLock(executor, { lockDir: paths.lock, owner, leaseSeconds: LEASE_SECONDS, timeoutMs: settings.lockTimeoutMs }, clock, reporter));
    context.cleanup.lockTaken({ host, port, user, lockDir: paths.lock, runDir: paths.runDir, runId, script: paths.script });
    await reportRunThatHeldTheLock(context, executor, path, preflight.lastRun);
    let started = false;
    try {
      const archive = await uploadArchive(context, plan, request.manifestDir);
      await timer.time('upload', () => executor.run(uploadFilesCommand(paths, archive), { step: 'upload', timeoutMs: UPLOAD_TIMEOUT_MS }));
      const refs = [...new Set(targets.map((t) => t.pinned))];
      const pins = [...infrastructure.map((s) => ({ service: s.name, image: s.image })), ...(plan.proxyImage === undefined ? [] : [{ service: PROXY_PIN, image: plan.proxyImage }])];
      if (refs.length > 0 || pins.length > 0) {
        await timer.time('pull', () =>
          reporter.group('Pull new images on the host', () =>
            executor.run(pullImagesCommand(paths, runId, refs, registryLogins(context, [...refs, ...pins.map((p) => p.image)], [manifest.registry?.host ?? DEFAULT_REGISTRY_HOST, ...refs.map((ref) => parseImageRef(ref).registry)]), pins, LEASE_SECONDS), {
              step: 'pull',
              timeoutMs: PULL_TIMEOUT_MS,
              onOutput: (chunk) => reporter.info(chunk.trimEnd()),
            }),
          ),
        );
      }
      started = true;
      // From here the host-side transaction owns the lock and frees it when it ends.
      await timer.time('switch', () =>
        reporter.group(`Switch ${names.join(', ')} to ${version}`, () =>
          executor.run(startTransactionCommand(paths, runId), {
            step: 'switch',
            onOutput: (chunk, stream_) => {
              if (stream_ === 'stdout') stream.push(chunk);
            },
          }),
        ),
      );
      stream.end();
      context.cleanup.lockSettled();
    } catch (error) {
      if (!started) {
        await releaseLockAfterFailure(context, executor, paths.lock, runId);
        throw error instanceof StackDeployError ? new StackDeployError(`${error.message}; nothing running was changed`, error.context) : error;
      }
      if (error instanceof StackDeployError && error.context.exitCode === 255) {
        throw new StackDeployError('the SSH connection dropped during the switch; the transaction goes on on the host and ends with the new version or the previous one', {
          ...error.context,
          hint: 'the next deploy (or the status command) reports how it ended',
        });
      }
      throw error;
    }
  } finally {
    await executor.close();
  }

  const events = stream.events;
  const outcome = outcomeOf(events);
  const result = outcome?.result ?? 'failed';
  const status: RunStatus = result === 'success' ? 'success' : result === 'rolled-back' ? 'rolled-back' : 'failed';
  const logs = events.filter((e) => (e.step === 'logs' || e.step === 'output') && e.message.trim() !== '');
  const verb = request.kind === 'rollback' ? 'rollback' : 'deploy';
  const lines: string[] = [];
  if (status === 'success') lines.push(`${names.join(', ')} now ${names.length === 1 ? 'runs' : 'run'} ${version} on ${environment.name}.`);
  else lines.push(`The ${verb} of ${version} to ${environment.name} failed: ${outcome?.message ?? 'no result'}.`);
  if (status === 'rolled-back') lines.push('Every changed service was switched back to its previous version, which is healthy.');
  if (result === 'rollback-failed') lines.push('**The rollback did not finish cleanly: check the host.**');
  const data = dataSummary(events);
  lines.push(...data.lines);
  for (const warning of events.filter((e) => e.step === 'warning')) reporter.warning(warning.message);
  const details = logs.length > 0 ? logs.map((e) => `${e.step === 'logs' ? 'last log lines' : 'last output lines'} of ${e.service}:\n${e.message}`).join('\n\n') : undefined;
  if (status !== 'success') reporter.error(`${verb} of ${version} to ${environment.name}: ${result}: ${outcome?.message ?? ''}${details === undefined ? '' : `\n${details}`}`);
  return {
    status,
    outputs: {
      version,
      services: JSON.stringify(names),
      images: JSON.stringify(Object.fromEntries(targets.map((t) => [t.service, t.pinned]))),
      sizes: JSON.stringify(Object.fromEntries(targets.flatMap((t) => (t.bytes === undefined ? [] : [[t.service, t.bytes]])))),
    },
    summary: {
      title: `stack-deploy: ${environment.name} ${status === 'success' ? 'runs' : status === 'rolled-back' ? 'rolled back from' : `failed to ${verb} to`} ${version}`,
      lines,
      tables: [
        serviceTable(
          [
            ...plan.services.map(({ name }) => {
              const kind = serviceKind(manifest, name, settings.repositoryOwner);
              return { name, label: kind.kind === 'shared' ? `${name} (shares ${kind.builder})` : name };
            }),
            ...(plan.infrastructure ?? []).map(({ name, image }) => ({ name, label: `${name} (pinned ${image})` })),
          ],
          events,
        ), ...data.tables, { header: ['Phase', 'Seconds'], rows: timer.phases.map(([phase, ms]) => [phase, (ms / 1000).toFixed(1)]) }],
      details,
    },
  };
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
  const switches = hostSwitches(manifest, environment.name, loaded.compose[environment.name], names, settings.repositoryOwner);
  const composeServices = loaded.compose[environment.name]?.all.map((s) => s.name);
  return switchEnvironment(context, { manifest, manifestDir, environment, names, version: buildPlan.version, kind: 'deploy', timer, targets, infrastructure, switches, composeServices });
}

import { stringify } from 'yaml';
import { dotenvEntries } from '../compose/dotenv';
import { StackDeployError } from '../errors';
import { quoteArg, toShellString } from '../exec/quote';
import { BACKUP_MIN_FREE_BYTES, BACKUP_TIMEOUT_MS, COMPOSE_TIMEOUT_MS, type DeployPlan, HOOK_TIMEOUT_MS, PROXY_DIR_IN_HOME, hostPaths, type PlanDataSteps } from './plan';

/** Whole seconds for the host's `timeout` command (at least 1). */
function seconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** plan.sh variables for hooks, backups, migrations and smoke checks (counts 0 when absent). */
function dataStepVars(steps: PlanDataSteps | undefined): [string, string][] {
  const vars: [string, string][] = [
    ['BACKUPS_DIR_MIN_FREE', String(BACKUP_MIN_FREE_BYTES)],
    ['BACKUP_TIMEOUT_S', seconds(BACKUP_TIMEOUT_MS)],
    ['HOOK_TIMEOUT_S', seconds(HOOK_TIMEOUT_MS)],
    ['COMPOSE_TIMEOUT_S', seconds(COMPOSE_TIMEOUT_MS)],
  ];
  const backups = steps?.backups ?? [];
  vars.push(['BACKUP_COUNT', String(backups.length)]);
  backups.forEach((backup, i) => {
    vars.push(
      [`BACKUP_${i}_NAME`, backup.name],
      [`BACKUP_${i}_SERVICE`, backup.service],
      [`BACKUP_${i}_KIND`, backup.kind],
      [`BACKUP_${i}_CMD`, backup.kind === 'command' ? toShellString(backup.argv) : ''],
      [`BACKUP_${i}_FILE`, backup.kind === 'sqlite' ? backup.file : ''],
      [`BACKUP_${i}_RETAIN`, String(backup.retain)],
    );
  });
  const migrations = steps?.migrations;
  vars.push(
    ['MIGRATE_SERVICE', migrations?.service ?? ''],
    ['MIGRATE_CMD', migrations === undefined ? '' : toShellString(migrations.argv)],
    ['MIGRATE_TIMEOUT_S', migrations === undefined ? '' : seconds(migrations.timeoutMs)],
  );
  const smoke = steps?.smoke ?? [];
  vars.push(['SMOKE_COUNT', String(smoke.length)]);
  smoke.forEach((check, i) => {
    vars.push(
      [`SMOKE_${i}_NAME`, check.name],
      [`SMOKE_${i}_KIND`, check.kind],
      [`SMOKE_${i}_URL`, check.kind === 'http' ? check.url : ''],
      [`SMOKE_${i}_STATUS`, check.kind === 'http' ? String(check.status) : ''],
      [`SMOKE_${i}_BODY`, check.kind === 'http' ? (check.bodyContains ?? '') : ''],
      [`SMOKE_${i}_CMD`, check.kind === 'run' ? toShellString(check.argv) : ''],
      [`SMOKE_${i}_TIMEOUT_S`, seconds(check.timeoutMs)],
    );
  });
  for (const [prefix, hooks] of [['PRE_HOOK', steps?.preDeploy ?? []], ['POST_HOOK', steps?.postDeploy ?? []]] as const) {
    vars.push([`${prefix}_COUNT`, String(hooks.length)]);
    hooks.forEach((argv, i) => vars.push([`${prefix}_${i}`, toShellString(argv)]));
  }
  return vars;
}

/** plan.sh: the transaction's inputs as shell assignments, every value quoted. */
export function renderPlanScript(plan: DeployPlan): string {
  const paths = hostPaths(plan);
  const ledgerHead = [
    `"time":${JSON.stringify(plan.startedAt.toISOString())}`,
    `"actor":${JSON.stringify(plan.actor)}`,
    `"run_url":${JSON.stringify(plan.runUrl)}`,
    `"environment":${JSON.stringify(plan.environment)}`,
    `"version":${JSON.stringify(plan.version)}`,
    `"action":${JSON.stringify(plan.action)}`,
  ].join(',');
  const vars: [string, string][] = [
    ['RUN_ID', plan.runId],
    ['DEPLOY_PATH', plan.path],
    ['STATE_DIR', paths.state],
    ['PROJECT', plan.project],
    ['FLAVOR', plan.flavor],
    ['COMPOSE_FILES', plan.composeFiles.join(' ')],
    ['ENV_FILE', paths.envFile],
    ['LOCK_DIR', paths.lock],
    ['LEASE_SECONDS', String(plan.leaseSeconds)],
    ['KEEP_LOCK', plan.keepLock === true ? '1' : ''],
    ['SERVICES', plan.services.map((s) => s.name).join(' ')],
    ['LEDGER_HEAD', ledgerHead],
    ['ACTION', plan.action],
    ['VERSION', plan.version],
    ['ENVIRONMENT', plan.environment],
    ['BACKUPS_DIR', paths.backups],
    ['PINS_DIR', paths.pins],
    ['INFRA', (plan.infrastructure ?? []).map((s) => s.name).join(' ')],
    ['PROXY_IMAGE', plan.proxyImage ?? ''],
    ['COMPOSE_SERVICES', (plan.composeServices ?? []).join(' ')],
    ['PROXY_DIR_IN_HOME', PROXY_DIR_IN_HOME],
    ['ENGINE', plan.engine ?? 'compose'],
    ['SWARM_FILE', paths.swarm],
    ['ENV_SCRIPT', paths.envScript],
    ['CONVERGE_S', String(plan.convergeSeconds ?? 600)],
    ['COMPOSE_UP_PULL', plan.composeUpPull === undefined ? '' : plan.composeUpPull ? 'yes' : 'no'],
    ...dataStepVars(plan.steps),
  ];
  // Application services first (index = position in SERVICES), then infrastructure.
  const all = [...plan.services, ...(plan.infrastructure ?? []).map((s) => ({ ...s, rollbackRef: '', pinned: s.image }))];
  all.forEach((service, i) => {
    vars.push(
      [`SVC_${i}_NAME`, service.name],
      [`SVC_${i}_ROLLBACK_REF`, service.rollbackRef],
      [`SVC_${i}_PINNED`, service.pinned ?? ''],
      [`SVC_${i}_HEALTH`, service.health.kind],
      [`SVC_${i}_URL`, service.health.kind === 'http' ? service.health.url : ''],
      [`SVC_${i}_CMD`, service.health.kind === 'cmd' ? toShellString(service.health.argv) : ''],
      [`SVC_${i}_TIMEOUT_MS`, String(service.timeoutMs)],
      [`SVC_${i}_INTERVAL_MS`, String(service.intervalMs)],
      [`SVC_${i}_SWITCH`, 'switch' in service ? (service.switch ?? '') : ''],
      [`SVC_${i}_REPLICAS`, String('replicas' in service ? (service.replicas ?? 1) : 1)],
      [`SVC_${i}_ROUTES`, 'routes' in service ? (service.routes ?? []).map((r) => `${r.hostIp}/${r.published}/${r.target}`).join(' ') : ''],
      [`SVC_${i}_DRAIN_S`, String('drainSeconds' in service ? (service.drainSeconds ?? 30) : 30)],
      [`SVC_${i}_DIRECT_URL`, 'directUrl' in service ? (service.directUrl ?? '') : ''],
      [`SVC_${i}_HOST_NAMES`, 'hostNames' in service ? (service.hostNames ?? []).join(' ') : ''],
    );
  });
  return `${vars.map(([name, value]) => `${name}=${quoteArg(value)}`).join('\n')}\n`;
}

/** The compose override stack-deploy owns: each deployed service pinned to its digest. */
export function renderImagesOverride(plan: DeployPlan): string {
  const services: Record<string, { image: string }> = {};
  for (const service of plan.services) if (service.pinned !== undefined) services[service.name] = { image: service.pinned };
  return `# Written by stack-deploy for run ${plan.runId}: the images of version ${plan.version}.\n${stringify({ services })}`;
}

/**
 * Swarm: the compose override with each service's whole `deploy.update_config`, and the default
 * network attachable, so that the migrations (`docker compose run`) can join it.
 */
export function renderSwarmOverride(plan: DeployPlan): string {
  const services: Record<string, { deploy: { update_config: Readonly<Record<string, unknown>> } }> = {};
  for (const update of plan.swarmUpdates ?? []) services[update.name] = { deploy: { update_config: update.config } };
  return `# Written by stack-deploy for run ${plan.runId}: each service's Swarm update.\n${stringify({ services, networks: { default: { attachable: true } } })}`;
}

/** A name the shell can export (dotenv allows more: those cannot reach `${VAR}` of `docker stack deploy`). */
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/u;

/** Names that would change the shell or the docker client that runs `docker stack deploy`, not the stack. */
const RUNNER_NAMES = new Set(['PATH', 'HOME', 'IFS', 'ENV', 'CDPATH', 'PS1', 'PS2', 'PS4', 'OPTIND', 'OPTARG', 'PWD', 'OLDPWD', 'PPID', 'UID', 'EUID', 'SHELL', 'SHELLOPTS', 'TMPDIR', 'POSIXLY_CORRECT']);
const RUNNER_PREFIXES = ['DOCKER_', 'LD_', 'BASH'];

/** Whether `${name}` from the env file can reach `docker stack deploy` (see renderEnvScript). */
function swarmCanInterpolate(name: string): boolean {
  return SHELL_NAME.test(name) && !RUNNER_NAMES.has(name) && !RUNNER_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * Swarm: the env file as `NAME='value'` lines, read by the shell that runs `docker stack deploy`
 * (for `${VAR}` in the compose files), and the names `left` out: those that would change that
 * shell or its docker client (PATH, IFS, DOCKER_HOST, ...), and those no shell can export.
 */
export function renderEnvScript(envFile: string): { script: string; left: string[] } {
  const entries = dotenvEntries(envFile);
  return {
    script: entries.filter(([name]) => swarmCanInterpolate(name)).map(([name, value]) => `${name}=${quoteArg(value)}\n`).join(''),
    left: [...new Set(entries.map(([name]) => name).filter((name) => !swarmCanInterpolate(name)))],
  };
}

const ENV_LINE = /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=/u;

// A quoted value must be closed (Compose refuses the file otherwise, and then no switch or
// rollback can read it): '…' has no ' inside; "…" allows \" escapes. A comment may follow.
const QUOTED_VALUE_CLOSED: Readonly<Record<string, RegExp>> = {
  "'": /^'[^']*'\s*(?:#.*)?$/u,
  '"': /^"(?:[^"\\]|\\.)*"\s*(?:#.*)?$/u,
};

/**
 * Checks the `env` input line by line (never echoing a line: it holds secrets). Called before
 * anything is built or changed.
 */
export function checkEnvText(userEnv: string | undefined): void {
  const lines = (userEnv ?? '').split(/\r?\n/u);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (!ENV_LINE.test(trimmed)) {
      throw new StackDeployError(`line ${index + 1} of the env input is not NAME=value`, {
        step: 'select',
        hint: 'write one NAME=value per line (names: letters, digits and "_"); the line is not shown because it may hold a secret',
      });
    }
    const value = trimmed.slice(trimmed.indexOf('=') + 1).trim();
    const quoted = QUOTED_VALUE_CLOSED[value[0] ?? ''];
    if (quoted !== undefined && !quoted.test(value)) {
      throw new StackDeployError(`line ${index + 1} of the env input opens a quote it does not close`, {
        step: 'select',
        hint: 'close the quote (NAME=\'value\' or NAME="value", with \\" inside double quotes), or leave the value unquoted; the line is not shown because it may hold a secret',
      });
    }
  });
}

/** The stack's env file: the `env` input plus what the release knows about itself. */
export function renderEnvFile(userEnv: string | undefined, plan: DeployPlan): string {
  checkEnvText(userEnv);
  const lines = (userEnv ?? '').split(/\r?\n/u);
  const own = [
    `STACK_DEPLOY_VERSION=${plan.version}`,
    `STACK_DEPLOY_ENVIRONMENT=${plan.environment}`,
    `BUILD_VERSION=${plan.version}`,
    `STACK_DEPLOY_ENV_FILE=${hostPaths(plan).envFile}`,
  ];
  const user = lines.filter((line) => line.trim() !== '').join('\n');
  return `${user === '' ? '' : `${user}\n`}${own.join('\n')}\n`;
}

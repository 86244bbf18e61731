import { formatBytes, formatSizeDelta } from '../build/size';
import { inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import { dockerTagFor } from '../release/select';
import { DEFAULT_REGISTRY_HOST, describeSwarmUpdate, describeSwitch, serviceKind, swarmUpdateOf, switchStrategyOf } from '../manifest';
import type { RegistryClient } from '../registry/client';
import { buildAndMeasure, type BuiltImage } from './build';
import type { RunContext } from './context';
import { promotedImages, type TargetImage } from './deploy';
import { hostLabel, projectCandidates, type ResolvedEnvironment, resolveEnvironment, runsService } from './environment';
import { onEachHost } from './hosts';
import { batchesOf, rolloutOf } from './rollout';
import type { RunResult } from './result';
import { serviceRepositories } from './operations';
import { planRelease, servicesInEnvironment } from './release-plan';
import { infrastructureAction, infrastructureOf, recordedPin } from './stack-roles';
import { movedUpstream } from './upstream';
import { loadAndReport } from './validate';

/** How an environment's hosts would switch, batch by batch. */
function rolloutLine(environment: ResolvedEnvironment): string {
  const rollout = rolloutOf(environment.config);
  const batches = batchesOf(environment.hosts.length, rollout).map((batch) => batch.map((i) => (environment.hosts[i] === undefined ? '?' : hostLabel(environment.hosts[i]))).join(', '));
  return `Rollout over ${environment.hosts.length} hosts (${rollout.strategy}${rollout.canary ? ', canary first' : ''}): ${batches.map((b, i) => `batch ${i + 1}: ${b}`).join('; ')}; a failure switches every switched host back.`;
}

function digestOf(ref: string | undefined): string {
  return ref === undefined ? '—' : ref.slice(ref.indexOf('@') + 1);
}

/**
 * `plan`: what a deploy would do, changing nothing on the host (no lock, no upload, no ledger
 * line). With a version already in the registry it compares digests; otherwise it builds the
 * images locally (pushing nothing) to show their sizes.
 */
export async function plan(context: RunContext): Promise<RunResult> {
  const { settings, reporter, clock } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid');
  if (!loaded.ok) return loaded.result;
  const manifest = loaded.manifest;
  const environment = resolveEnvironment(manifest, settings.environment);
  const buildPlan = planRelease(settings, manifest, new Date(clock.now()));
  const names = servicesInEnvironment(buildPlan, manifest, environment.name, settings.repositoryOwner);
  const infrastructure = infrastructureOf(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
  /** The built service whose image a service runs (itself, or the one it shares). */
  const builderOf = (name: string) => {
    const kind = serviceKind(manifest, name, settings.repositoryOwner);
    return kind.kind === 'shared' ? kind.builder : name;
  };
  /** How a deploy would replace the service's container, and why. */
  const switchOf = (name: string) =>
    environment.config.engine === 'swarm'
      ? `Swarm update ${describeSwarmUpdate(swarmUpdateOf(manifest, loaded.compose[environment.name], name))}`
      : describeSwitch(switchStrategyOf(manifest, loaded.compose[environment.name], name, settings.repositoryOwner));
  const builds = buildPlan.builds.filter((b) => names.includes(b.service));
  const versionTag = dockerTagFor(buildPlan.version);
  let promoted: TargetImage[] | undefined;
  let built: BuiltImage[] = [];
  if (builds.length > 0) {
    if (!settings.build) promoted = await promotedImages(context, builds, versionTag);
    else built = await buildAndMeasure(context, builds, versionTag);
  }

  const repos = serviceRepositories(manifest, [...names, ...infrastructure.map((s) => s.name)], settings);
  const several = environment.hosts.length > 1;
  const inspected = await onEachHost(context, environment, async (executor) =>
    (await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }), projectCandidates(manifest, environment.name), repos), { step: 'plan' })).stdout,
  );
  const clients = new Map<string, RegistryClient>();
  const ownRegistry = manifest.registry?.host ?? DEFAULT_REGISTRY_HOST;
  const rows: string[][] = [];
  const locks: string[] = [];
  for (const { target, value: output } of inspected) {
    const on = (label: string) => (several ? `${label} on ${hostLabel(target)}` : label);
    const state = parseHostState(output, repos.map((r) => r.name));
    if (state.lockOwner !== undefined) locks.push(several ? `${hostLabel(target)}: ${state.lockOwner}` : state.lockOwner);
    for (const name of names.filter((n) => runsService(target, n))) {
      const running = state.services.find((s) => s.name === name)?.container;
      const repo = repos.find((r) => r.name === name)?.repo ?? '';
      const current = running?.repoDigests.find((ref) => ref.startsWith(`${repo}@`));
      const wanted = promoted?.find((t) => t.service === builderOf(name))?.pinned;
      const image = built.find((b) => b.service === builderOf(name));
      const isBuilt = builds.some((b) => b.service === builderOf(name));
      const label = builderOf(name) === name ? name : `${name} (shares ${builderOf(name)})`;
      const restarts = !isBuilt ? 'if its compose definition changed' : image !== undefined ? 'yes (new build)' : running === undefined || digestOf(current) !== digestOf(wanted) ? 'yes' : 'no (same image)';
      const size = image === undefined ? '—' : `${formatBytes(image.bytes)}${image.previous === undefined ? '' : ` (${formatSizeDelta(image.bytes, image.previous.bytes)} vs ${image.previous.tag})`}`;
      rows.push([on(label), running?.version ?? (running === undefined ? 'not running' : '—'), digestOf(current), !isBuilt ? 'from compose' : image !== undefined ? `new build of ${buildPlan.version}` : digestOf(wanted), restarts, size, switchOf(name)]);
    }
    for (const service of infrastructure.filter((s) => runsService(target, s.name))) {
      const running = state.services.find((s) => s.name === service.name)?.container;
      const recorded = recordedPin(state.ledger, service.name);
      const tag = await movedUpstream(context, service.image, recorded, ownRegistry, clients);
      const moved = tag === undefined ? '' : `; the tag moved upstream to ${tag.upstream}, the host stays at ${tag.current} until the pin changes`;
      rows.push([on(`${service.name} (pinned ${service.image})`), running === undefined ? 'not running' : running.status, recorded === undefined ? '—' : digestOf(recorded.pinned), service.image, `${infrastructureAction(service, running?.status === 'running', recorded)}${moved}`, '—', switchOf(service.name)]);
    }
  }
  const steps = [
    ...(manifest.backup ?? []).map((b) => `backup ${b.name} (${b.service})`),
    ...(manifest.migrations === undefined ? [] : [`migrations in a one-off ${manifest.migrations.service} container`]),
    ...(manifest.smoke ?? []).map((s) => `smoke check ${s.name}`),
    ...[...(manifest.hooks?.pre_deploy ?? []), ...(manifest.hooks?.post_deploy ?? [])].map((h) => `hook ${h.join(' ')}`),
  ];
  for (const row of rows) reporter.info(`${row[0]}: ${row[1]} ${row[2]} -> ${row[3]}; restarts: ${row[4]}; switch: ${row[6]}`);
  return {
    status: 'success',
    outputs: { version: buildPlan.version, services: JSON.stringify(names) },
    summary: {
      title: `stack-deploy: plan for ${buildPlan.version} on ${environment.name} (nothing was changed)`,
      lines: [locks.length === 0 ? 'No deploy holds the lock now.' : `A deploy holds the lock now: ${locks.join('; ')}`, ...(several ? [rolloutLine(environment)] : []), steps.length === 0 ? 'No backups, migrations, smoke checks or hooks are configured.' : `Would also run: ${steps.join('; ')}.`],
      tables: [{ header: ['Service', 'Running', 'Current digest', 'Would deploy', 'Restarts', 'Size', 'Switch'], rows }],
    },
  };
}

import { type HostState, inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import type { RunContext } from './context';
import { hostLabel, projectCandidates, resolveEnvironment, runsService } from './environment';
import { onEachHost } from './hosts';
import { operationServices, serviceRepositories } from './operations';
import type { RunResult } from './result';
import { infrastructureOf, type InfrastructureService, recordedPin } from './stack-roles';
import { movedUpstream } from './upstream';
import { loadAndReport } from './validate';
import { DEFAULT_REGISTRY_HOST } from '../manifest';
import type { RegistryClient } from '../registry/client';

function shortDigest(refs: readonly string[], repo: string): string {
  const ref = refs.find((r) => r.startsWith(`${repo}@`)) ?? refs[0];
  return ref === undefined ? '—' : ref.slice(ref.indexOf('@') + 1);
}

/** The lock owner a host's state records, as JSON (null: no deploy holds the lock). */
function lockOf(owner: string | undefined): unknown {
  return owner === undefined ? null : (JSON.parse(owner) as unknown);
}

/** The status of each service on one host. */
function serviceRows(state: HostState, repos: readonly { name: string; repo: string }[], infrastructure: readonly InfrastructureService[]) {
  return state.services.map((service) => {
    const repo = repos.find((r) => r.name === service.name)?.repo ?? '';
    const c = service.container;
    const infra = infrastructure.find((s) => s.name === service.name);
    return {
      service: service.name,
      kind: infra === undefined ? 'application' : 'infrastructure',
      pin: infra?.image ?? null,
      running: c !== undefined && c.status === 'running',
      version: c?.version ?? null,
      digest: c === undefined ? null : shortDigest(c.repoDigests, infra === undefined ? repo : (recordedPin(state.ledger, service.name)?.pinned ?? '').split('@')[0] ?? ''),
      image: c?.image ?? null,
      health: c === undefined ? 'not running' : (c.health ?? (c.status === 'running' ? (c.restarts > 0 ? `running, ${c.restarts} restarts` : 'running') : c.status)),
      since: c?.startedAt ?? null,
      rollbackVersion: service.rollback?.version ?? null,
    };
  });
}

/**
 * Services whose hosts run different versions (or images): a run that did not finish on every
 * host, or a host added since. One line each.
 */
export function disagreements(hosts: readonly { label: string; services: readonly { service: string; version: string | null; digest: string | null }[] }[]): string[] {
  const names = [...new Set(hosts.flatMap((h) => h.services.map((s) => s.service)))];
  return names.flatMap((name) => {
    const on = hosts.flatMap((h) => h.services.filter((s) => s.service === name).map((s) => ({ host: h.label, what: s.version ?? s.digest ?? 'not running' })));
    return new Set(on.map((o) => o.what)).size > 1 ? [`${name}: ${on.map((o) => `${o.what} on ${o.host}`).join(', ')}`] : [];
  });
}

/** `status`: what runs on the host, its health, and the last ledger entries. Read only: no lock. */
export async function status(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  const loaded = await loadAndReport(settings.manifest, reporter, 'invalid');
  if (!loaded.ok) return loaded.result;
  const manifest = loaded.manifest;
  const environment = resolveEnvironment(manifest, settings.environment);
  const infrastructure = settings.services.length > 0 ? [] : infrastructureOf(manifest, environment.name, loaded.compose[environment.name], settings.repositoryOwner);
  const names = [...new Set([...operationServices(manifest, environment.name, settings, false), ...infrastructure.map((s) => s.name)])];
  const repos = serviceRepositories(manifest, names, settings);
  const several = environment.hosts.length > 1;
  const inspected = await onEachHost(context, environment, async (executor) =>
    (await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }), projectCandidates(manifest, environment.name), repos), { step: 'status' })).stdout,
  );
  const hosts = inspected.map(({ target, value }) => {
    const state = parseHostState(value, names.filter((name) => runsService(target, name)));
    return { label: hostLabel(target), state, services: serviceRows(state, repos, infrastructure) };
  });
  const first = hosts[0];
  if (first === undefined) throw new Error('an environment has at least one host');
  const state = first.state;
  const services = first.services;
  // A tag pin that moved in its registry: the host stays at the digest it resolved, until the pin changes.
  const clients = new Map<string, RegistryClient>();
  const ownRegistry = manifest.registry?.host ?? DEFAULT_REGISTRY_HOST;
  const moved: string[] = [];
  for (const service of infrastructure) {
    const tag = await movedUpstream(context, service.image, recordedPin(state.ledger, service.name), ownRegistry, clients);
    if (tag !== undefined) moved.push(`${service.name}: ${service.image} moved upstream to ${tag.upstream}; the host stays at ${tag.current} until the pin changes`);
  }
  for (const line of moved) reporter.info(line);
  if (several) return severalHostsStatus(context, environment.name, names, hosts, moved);
  const recent = state.ledger.slice(-10).reverse();
  const json = { environment: environment.name, project: state.project, lock: lockOf(state.lockOwner), services, ledger: recent, proxy: state.proxy ?? null };
  for (const s of services) reporter.info(`${s.service}: ${s.version ?? '—'} ${s.digest ?? ''} ${s.health}${s.since === null ? '' : ` since ${s.since}`}`);
  const proxyLine = state.proxy === undefined ? undefined : `The host's proxy is ${state.proxy.status} (${state.proxy.image})${state.proxy.routes.length > 0 ? `, serving ${state.proxy.routes.join(', ')}` : ''}.`;
  if (proxyLine !== undefined) reporter.info(proxyLine);
  return {
    status: 'success',
    outputs: { status: JSON.stringify(json), services: JSON.stringify(names) },
    summary: {
      title: `stack-deploy: status of ${environment.name} (Compose project ${state.project})`,
      lines: [
        state.lockOwner === undefined ? 'No deploy is running.' : `A deploy holds the lock: ${state.lockOwner}`,
        ...(proxyLine === undefined ? [] : [proxyLine]),
        ...moved,
      ],
      tables: [
        { header: ['Service', 'Version', 'Digest', 'Health', 'Since', 'Rollback to'], rows: services.map((s) => [s.service, s.pin === null ? (s.version ?? '—') : `${s.pin} (pinned)`, s.digest ?? '—', s.health, s.since ?? '—', s.kind === 'infrastructure' ? 'stays (infrastructure)' : (s.rollbackVersion ?? '—')]) },
        { header: ['Time', 'Action', 'Version', 'Result', 'Actor'], rows: recent.map((e) => [e.time, e.action ?? 'deploy', e.version ?? '—', e.result, e.actor ?? '—']) },
      ],
    },
  };
}

/** `status` of an environment on several hosts: hosts that disagree first, then a host × service table. */
function severalHostsStatus(
  context: RunContext,
  environment: string,
  names: readonly string[],
  hosts: readonly { label: string; state: HostState; services: ReturnType<typeof serviceRows> }[],
  moved: readonly string[],
): RunResult {
  const { reporter } = context;
  const disagree = disagreements(hosts);
  for (const line of disagree) reporter.warning(`hosts disagree: ${line}`);
  for (const host of hosts) for (const s of host.services) reporter.info(`${host.label}: ${s.service}: ${s.version ?? '—'} ${s.digest ?? ''} ${s.health}${s.since === null ? '' : ` since ${s.since}`}`);
  const json = {
    environment,
    disagree,
    hosts: hosts.map((h) => ({ host: h.label, project: h.state.project, lock: lockOf(h.state.lockOwner), services: h.services, ledger: h.state.ledger.slice(-10).reverse(), proxy: h.state.proxy ?? null })),
  };
  const serviceNames = [...new Set(hosts.flatMap((h) => h.services.map((s) => s.service)))];
  const cell = (host: (typeof hosts)[number], name: string) => {
    const s = host.services.find((x) => x.service === name);
    return s === undefined ? '—' : `${s.pin === null ? (s.version ?? '—') : `${s.pin} (pinned)`} ${s.digest ?? ''} ${s.health}`.replace(/\s+/gu, ' ');
  };
  const locked = hosts.filter((h) => h.state.lockOwner !== undefined);
  return {
    status: 'success',
    outputs: { status: JSON.stringify(json), services: JSON.stringify(names) },
    summary: {
      title: `stack-deploy: status of ${environment} (${hosts.length} hosts)`,
      lines: [
        ...(disagree.length === 0 ? [] : [`**The hosts disagree** (a run that did not finish on every host); the next deploy brings them together: ${disagree.join('; ')}.`]),
        locked.length === 0 ? 'No deploy is running.' : `A deploy holds the lock on ${locked.map((h) => `${h.label}: ${h.state.lockOwner ?? ''}`).join('; ')}`,
        ...moved,
      ],
      tables: [
        { header: ['Service', ...hosts.map((h) => h.label)], rows: serviceNames.map((name) => [name, ...hosts.map((h) => cell(h, name))]) },
        { header: ['Host', 'Time', 'Action', 'Version', 'Result', 'Actor'], rows: hosts.flatMap((h) => h.state.ledger.slice(-5).reverse().map((e) => [h.label, e.time, e.action ?? 'deploy', e.version ?? '—', e.result, e.actor ?? '—'])) },
      ],
    },
  };
}

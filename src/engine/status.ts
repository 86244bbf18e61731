import { inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import { connectToEnvironment } from './connect';
import type { RunContext } from './context';
import { projectCandidates, resolveEnvironment } from './environment';
import { operationServices, serviceRepositories } from './operations';
import type { RunResult } from './result';
import { infrastructureOf, recordedPin } from './stack-roles';
import { movedUpstream } from './upstream';
import { loadAndReport } from './validate';
import { DEFAULT_REGISTRY_HOST } from '../manifest';
import type { RegistryClient } from '../registry/client';

function shortDigest(refs: readonly string[], repo: string): string {
  const ref = refs.find((r) => r.startsWith(`${repo}@`)) ?? refs[0];
  return ref === undefined ? '—' : ref.slice(ref.indexOf('@') + 1);
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
  const executor = await reporter.group(`Connect to ${environment.config.user}@${environment.config.host}:${environment.config.port}`, () =>
    connectToEnvironment(context, environment),
  );
  let output: string;
  try {
    output = (await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }), projectCandidates(manifest, environment.name), repos), { step: 'status' })).stdout;
  } finally {
    await executor.close();
  }
  const state = parseHostState(output, names);
  const services = state.services.map((service) => {
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
  // A tag pin that moved in its registry: the host stays at the digest it resolved, until the pin changes.
  const clients = new Map<string, RegistryClient>();
  const ownRegistry = manifest.registry?.host ?? DEFAULT_REGISTRY_HOST;
  const moved: string[] = [];
  for (const service of infrastructure) {
    const tag = await movedUpstream(context, service.image, recordedPin(state.ledger, service.name), ownRegistry, clients);
    if (tag !== undefined) moved.push(`${service.name}: ${service.image} moved upstream to ${tag.upstream}; the host stays at ${tag.current} until the pin changes`);
  }
  for (const line of moved) reporter.info(line);
  const recent = state.ledger.slice(-10).reverse();
  const json = { environment: environment.name, project: state.project, lock: state.lockOwner === undefined ? null : (JSON.parse(state.lockOwner) as unknown), services, ledger: recent, proxy: state.proxy ?? null };
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

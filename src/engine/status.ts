import { inspectHostCommand, parseHostState } from '../deploy/host-inspect';
import { hostPaths } from '../deploy/plan';
import { composeProject } from '../manifest';
import { connectToEnvironment } from './connect';
import type { RunContext } from './context';
import { resolveEnvironment } from './environment';
import { operationServices, serviceRepositories } from './operations';
import type { RunResult } from './result';
import { loadAndReport } from './validate';

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
  const names = operationServices(manifest, environment.name, settings, false);
  const repos = serviceRepositories(manifest, names, settings);
  const executor = await reporter.group(`Connect to ${environment.config.user}@${environment.config.host}:${environment.config.port}`, () =>
    connectToEnvironment(context, environment),
  );
  let output: string;
  try {
    output = (await executor.run(inspectHostCommand(hostPaths({ path: environment.config.path, runId: '' }).state, composeProject(manifest, environment.name), repos), { step: 'status' })).stdout;
  } finally {
    await executor.close();
  }
  const state = parseHostState(output, names);
  const services = state.services.map((service) => {
    const repo = repos.find((r) => r.name === service.name)?.repo ?? '';
    const c = service.container;
    return {
      service: service.name,
      running: c !== undefined && c.status === 'running',
      version: c?.version ?? null,
      digest: c === undefined ? null : shortDigest(c.repoDigests, repo),
      image: c?.image ?? null,
      health: c === undefined ? 'not running' : (c.health ?? (c.status === 'running' ? (c.restarts > 0 ? `running, ${c.restarts} restarts` : 'running') : c.status)),
      since: c?.startedAt ?? null,
      rollbackVersion: service.rollback?.version ?? null,
    };
  });
  const recent = state.ledger.slice(-10).reverse();
  const json = { environment: environment.name, lock: state.lockOwner === undefined ? null : (JSON.parse(state.lockOwner) as unknown), services, ledger: recent };
  for (const s of services) reporter.info(`${s.service}: ${s.version ?? '—'} ${s.digest ?? ''} ${s.health}${s.since === null ? '' : ` since ${s.since}`}`);
  return {
    status: 'success',
    outputs: { status: JSON.stringify(json), services: JSON.stringify(names) },
    summary: {
      title: `stack-deploy: status of ${environment.name}`,
      lines: [state.lockOwner === undefined ? 'No deploy is running.' : `A deploy holds the lock: ${state.lockOwner}`],
      tables: [
        { header: ['Service', 'Version', 'Digest', 'Health', 'Since', 'Rollback to'], rows: services.map((s) => [s.service, s.version ?? '—', s.digest ?? '—', s.health, s.since ?? '—', s.rollbackVersion ?? '—']) },
        { header: ['Time', 'Action', 'Version', 'Result', 'Actor'], rows: recent.map((e) => [e.time, e.action ?? 'deploy', e.version ?? '—', e.result, e.actor ?? '—']) },
      ],
    },
  };
}

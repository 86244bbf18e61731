import type { ComposeModel } from '../compose/model';
import { dependencyClosure } from '../compose/model';
import type { LedgerEntry } from '../deploy/host-inspect';
import type { DeployService } from '../deploy/plan';
import { StackDeployError } from '../errors';
import { environmentServices, type Manifest, serviceKind } from '../manifest';

/** A pinned or compose-only service: deployed at exactly its image, restarted only when that changes. */
export interface InfrastructureService {
  readonly name: string;
  /** The image as the user pinned it (`postgres:15.6`, `nats@sha256:…`), from stack.yml or the compose files. */
  readonly image: string;
  /** `pinned` in stack.yml, or `compose` (the compose files say what it runs). */
  readonly kind: 'pinned' | 'compose';
  readonly health: DeployService['health'];
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 60_000;
export const DEFAULT_HEALTH_INTERVAL_MS = 1_000;

/** A service's health gate as stack.yml configures it (none: the container's own, or running without restarts). */
export function healthOf(manifest: Manifest, name: string): Pick<DeployService, 'health' | 'timeoutMs' | 'intervalMs'> {
  const health = manifest.services[name]?.health;
  return {
    health: health?.http !== undefined ? { kind: 'http', url: health.http } : health?.cmd !== undefined ? { kind: 'cmd', argv: health.cmd } : { kind: 'auto' },
    timeoutMs: health?.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS,
    intervalMs: health?.interval ?? DEFAULT_HEALTH_INTERVAL_MS,
  };
}

/** Built services and the services that share their images: what releases switch. */
export function isApplicationService(manifest: Manifest, name: string, repositoryOwner: string | undefined): boolean {
  if (manifest.services[name] === undefined) return false;
  const kind = serviceKind(manifest, name, repositoryOwner).kind;
  return kind === 'built' || kind === 'shared';
}

/**
 * The infrastructure an environment runs: its pinned and compose-only services, whether declared
 * in stack.yml or only in the compose files. With an explicit `services` list, compose-only
 * services count when listed or when a listed service depends on them.
 */
export function infrastructureOf(manifest: Manifest, environment: string, compose: ComposeModel | undefined, repositoryOwner: string | undefined): InfrastructureService[] {
  const explicit = manifest.environments[environment]?.services;
  const declared = environmentServices(manifest, environment);
  const active = compose?.services ?? [];
  const candidates = explicit === undefined ? [...declared, ...active.map((s) => s.name)] : dependencyClosure(compose ?? { all: [] }, declared);
  const names = [...new Set(candidates)].filter((name) => !isApplicationService(manifest, name, repositoryOwner));
  return names.flatMap((name): InfrastructureService[] => {
    const definition = compose?.all.find((s) => s.name === name);
    const kind = manifest.services[name] === undefined ? undefined : serviceKind(manifest, name, repositoryOwner);
    const image = kind?.kind === 'pinned' ? kind.image : definition?.image;
    if (image === undefined || image === '') {
      // A compose service that Compose builds itself is not stack-deploy's to deploy.
      if (definition?.build === true && manifest.services[name] === undefined) return [];
      throw new StackDeployError(`service ${name} has no image to deploy`, {
        service: name,
        step: 'select',
        hint: definition === undefined ? `define ${name} in the compose files of environment "${environment}"` : `give it an image with a tag in ${definition.where.file}, or pin it in stack.yml (services.${name}.image: "<image>:<tag>")`,
      });
    }
    return [{ name, image, kind: kind?.kind === 'pinned' ? 'pinned' : 'compose', ...healthOf(manifest, name) }];
  });
}

/** What the ledger last recorded for an infrastructure service: its pin's text and the digest it ran. */
export function recordedPin(ledger: readonly LedgerEntry[], name: string): { pin: string; pinned: string } | undefined {
  for (const entry of [...ledger].reverse()) {
    const record = entry.services?.find((s) => s.name === name && s.kind === 'infrastructure');
    if (record?.pin !== undefined && record.pinned !== '') return { pin: record.pin, pinned: record.pinned };
  }
  return undefined;
}

/** What a deploy would do to an infrastructure service, from what runs and what the ledger recorded. */
export function infrastructureAction(service: InfrastructureService, running: boolean, recorded: { pin: string } | undefined): string {
  if (!running) return 'start it (not running)';
  if (recorded === undefined) return 'keep it, unless its compose definition changed';
  if (recorded.pin !== service.image) return `switch it: the pin changed from ${recorded.pin}`;
  return 'nothing (pin unchanged)';
}

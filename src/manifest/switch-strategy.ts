import type { ComposeModel, ComposePort, ComposeService } from '../compose/model';
import { environmentServices, serviceKind } from './accessors';
import { splitImageReference } from './fields';
import type { PathIssue } from './issues';
import type { Manifest } from './schema';

/**
 * How a deploy replaces a service's container (`services.<name>.switch`):
 * - `proxy`: a reverse proxy on the host owns the published ports; the new container starts next
 *   to the old one, takes the traffic once healthy, and the old one drains, then stops;
 * - `start-first`: the new container starts and becomes healthy, then the old one stops;
 * - `stop-first`: the old container stops, then the new one starts.
 */
export type SwitchStrategy = 'proxy' | 'start-first' | 'stop-first';

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

/** Why a `switch` (or a `drain_timeout`) written in stack.yml cannot work, in one environment's compose definition. */
export interface SwitchRefusal {
  /** The key of `services.<name>` that is refused. */
  readonly key: 'switch' | 'drain_timeout';
  readonly message: string;
  readonly hint: string;
}

export interface SwitchDecision {
  readonly strategy: SwitchStrategy;
  /** `auto` (unset or `auto` in stack.yml: chosen from what the service is) or `explicit`. */
  readonly chosen: 'auto' | 'explicit';
  /** Why, for people: `auto: built, publishes 127.0.0.1:8080`, or `set in stack.yml`. */
  readonly reason: string;
  /** How long the old container drains (proxy only): `drain_timeout`, default 30s. */
  readonly drainTimeoutMs?: number;
  /** Empty unless stack.yml asks for something that cannot work. `auto` is never refused. */
  readonly refusals: readonly SwitchRefusal[];
}

type Role = { readonly kind: 'built' } | { readonly kind: 'shared'; readonly builder?: string } | { readonly kind: 'pinned'; readonly image: string } | { readonly kind: 'compose' };

/**
 * What the service is (see `serviceKind`), without failing where the repository owner is not
 * known (validation): an untagged `image` can only be a built service's repository.
 */
function roleOf(manifest: Manifest, service: string, repositoryOwner: string | undefined): Role {
  const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
  if (config === undefined) return { kind: 'compose' };
  if (config.build !== undefined) return { kind: 'built' };
  if (config.image_from !== undefined) return { kind: 'shared', builder: config.image_from };
  if (config.image === undefined) return { kind: 'compose' };
  const reference = splitImageReference(config.image);
  if (reference?.tag !== undefined || reference?.digest !== undefined) return { kind: 'pinned', image: config.image };
  try {
    const kind = serviceKind(manifest, service, repositoryOwner);
    return kind.kind === 'shared' ? kind : { kind: 'shared' };
  } catch {
    return { kind: 'shared' };
  }
}

/** A published port as people write it: `127.0.0.1:8080`, `8080` (every interface), `5353/udp`, `container port 80` (any host port). */
function shownPort(port: ComposePort): string {
  const address = port.hostIp === undefined ? '' : `${port.hostIp}:`;
  const protocol = port.protocol === 'tcp' ? '' : `/${port.protocol}`;
  return port.published === undefined ? `container port ${port.target}${protocol}` : `${address}${port.published}${protocol}`;
}

const fixedPorts = (definition: ComposeService) => definition.ports.filter((port) => port.published !== undefined);
const isHostNetwork = (definition: ComposeService) => definition.networkMode === 'host';
const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

/** What makes a service a singleton for `auto`: it cannot run twice side by side. */
function singletonCauses(definition: ComposeService): string[] {
  const volumes = definition.namedVolumes;
  return [
    ...(definition.containerName === undefined ? [] : [`container_name ${definition.containerName}`]),
    ...(volumes.length === 0 ? [] : [`${plural(volumes.length, 'named volume', 'named volumes')} ${volumes.join(', ')}`]),
    ...(isHostNetwork(definition) ? ['network_mode host'] : []),
  ];
}

function autoDecision(role: Role, definition: ComposeService | undefined, healthUrl: string | undefined): Omit<SwitchDecision, 'chosen' | 'refusals'> {
  if (role.kind === 'pinned') return { strategy: 'stop-first', reason: `auto: pinned ${role.image}` };
  if (role.kind === 'compose') return { strategy: 'stop-first', reason: `auto: compose-only${definition?.image === undefined ? '' : `, runs ${definition.image}`}` };
  const what = role.kind === 'built' ? 'built' : role.builder === undefined ? 'shares a built image' : `shares ${role.builder}'s image`;
  if (definition === undefined) return { strategy: 'stop-first', reason: `auto: ${what}, not in the compose files` };
  const causes = singletonCauses(definition);
  if (causes.length > 0) return { strategy: 'stop-first', reason: `auto: ${what}, ${causes.join(', ')}` };
  const fixed = fixedPorts(definition);
  const notTcp = fixed.filter((port) => port.protocol !== 'tcp');
  // The proxy carries HTTP; two containers cannot both bind a fixed UDP or SCTP port.
  if (notTcp.length > 0) return { strategy: 'stop-first', reason: `auto: ${what}, publishes ${notTcp.map(shownPort).join(', ')}` };
  const strategy = fixed.length > 0 ? 'proxy' : 'start-first';
  // A health URL that cannot check the new container alone: one at a time.
  if (healthProblems(strategy, definition, healthUrl).length > 0) return { strategy: 'stop-first', reason: `auto: ${what}, health.http ${healthUrl ?? ''} cannot check a new container alone` };
  if (fixed.length > 0) return { strategy: 'proxy', reason: `auto: ${what}, publishes ${fixed.map(shownPort).join(', ')}` };
  return { strategy: 'start-first', reason: `auto: ${what}, ${definition.ports.length === 0 ? 'publishes no port' : 'no fixed host port'}` };
}

interface Problem {
  readonly reason: string;
  readonly fix: string;
}

/** The port a URL reaches: its own, or its scheme's. */
export function urlPort(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.port === '' ? (parsed.protocol === 'https:' ? '443' : '80') : parsed.port;
  } catch {
    return undefined;
  }
}

/**
 * A health URL must check the new container alone while the old one still runs: behind the proxy
 * it is aimed at the container's own address through the published port it names; a start-first
 * service has no such port, so any URL may reach the old container.
 */
function healthProblems(strategy: SwitchStrategy, definition: ComposeService, healthUrl: string | undefined): Problem[] {
  if (healthUrl === undefined) return [];
  if (strategy === 'start-first') {
    return [{ reason: `is checked by health.http (${healthUrl}), which may reach the old container while both run`, fix: 'check it with health.cmd instead (run inside the new container)' }];
  }
  const port = urlPort(healthUrl);
  if (fixedPorts(definition).some((p) => p.protocol === 'tcp' && p.published === port)) return [];
  return [{ reason: `is checked by health.http (${healthUrl}), whose port is not one it publishes, so the check would not reach the new container alone`, fix: 'point health.http at a port it publishes, or check it with health.cmd' }];
}

/** What keeps `strategy` from working with this compose definition (empty when it can). */
function problemsOf(strategy: SwitchStrategy, definition: ComposeService, healthUrl: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (strategy === 'stop-first') return problems;
  problems.push(...healthProblems(strategy, definition, healthUrl));
  if (definition.containerName !== undefined) {
    problems.push({ reason: `has container_name ${JSON.stringify(definition.containerName)}, which allows one container at a time, and ${strategy} runs the new one next to the old one`, fix: 'remove container_name from the compose file' });
  }
  if (strategy === 'proxy') {
    if (isHostNetwork(definition)) {
      problems.push({ reason: 'uses network_mode: host: it binds the host\'s ports itself, so the proxy cannot own them', fix: 'publish its ports instead of using host networking' });
    } else if (definition.ports.length === 0) {
      problems.push({ reason: 'publishes no port for the proxy to own', fix: 'publish the port it serves HTTP on' });
    }
    const notTcp = definition.ports.filter((port) => port.protocol !== 'tcp');
    if (notTcp.length > 0) problems.push({ reason: `publishes ${notTcp.map(shownPort).join(', ')}, and the proxy carries HTTP (TCP) only`, fix: 'publish TCP ports only' });
    return problems;
  }
  const fixed = fixedPorts(definition);
  if (fixed.length > 0) {
    const example = fixed[0]?.target ?? '80';
    problems.push({
      reason: `publishes the fixed host ${plural(fixed.length, 'port', 'ports')} ${fixed.map(shownPort).join(', ')}, which the new container cannot bind while the old one runs`,
      fix: `publish ${plural(fixed.length, 'it', 'them')} without a host port (like "${example}") so that Compose chooses one`,
    });
  }
  return problems;
}

const STRATEGIES: readonly SwitchStrategy[] = ['proxy', 'start-first', 'stop-first'];

/** Why an explicit choice cannot work with this compose definition, and what would. */
function explicitRefusals(strategy: SwitchStrategy, service: string, definition: ComposeService | undefined, healthUrl: string | undefined): SwitchRefusal[] {
  if (definition === undefined) return [];
  const problems = problemsOf(strategy, definition, healthUrl);
  if (problems.length === 0) return [];
  const alternatives = STRATEGIES.filter((other) => other !== strategy && problemsOf(other, definition, healthUrl).length === 0).map((other) => `"${other}"`);
  const where = `${service} (${definition.where.file}:${definition.where.line})`;
  return [
    {
      key: 'switch',
      message: `"${strategy}" cannot work: ${where} ${problems.map((p) => p.reason).join('; it ')}`,
      hint: [...problems.map((p) => p.fix), `or use ${alternatives.join(' or ')}`].join(', '),
    },
  ];
}

/**
 * How a deploy would switch `service` in the environment whose compose files are `compose`:
 * `services.<name>.switch`, or for `auto` (the default):
 * - `stop-first` for infrastructure (pinned and compose-only services) and for services that
 *   cannot run twice side by side: `container_name`, named volumes, `network_mode: host`, a fixed
 *   UDP or SCTP host port;
 * - `proxy` for built services (and those sharing a built image) that publish a fixed TCP host port;
 * - `start-first` for the other built and shared services;
 * - but `stop-first` where a `health.http` URL could not check the new container alone (one that
 *   is not a published port behind the proxy; any, for start-first).
 * Also says why an explicit choice, or a `drain_timeout` outside the proxy, cannot work.
 */
export function switchStrategyOf(manifest: Manifest, compose: Pick<ComposeModel, 'all'> | undefined, service: string, repositoryOwner?: string): SwitchDecision {
  const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
  const definition = compose?.all.find((s) => s.name === service);
  const explicit = config?.switch !== undefined && config.switch !== 'auto' ? config.switch : undefined;
  const healthUrl = config?.health?.http;
  const decided = explicit === undefined ? autoDecision(roleOf(manifest, service, repositoryOwner), definition, healthUrl) : { strategy: explicit, reason: 'set in stack.yml' };
  const refusals = explicit === undefined ? [] : explicitRefusals(explicit, service, definition, healthUrl);
  const drain: SwitchRefusal[] =
    config?.drain_timeout !== undefined && decided.strategy !== 'proxy'
      ? [{ key: 'drain_timeout', message: `${service} switches ${decided.strategy} (${decided.reason}), and only services that the proxy switches drain`, hint: explicit === undefined ? 'remove drain_timeout, or set switch: proxy' : 'remove drain_timeout' }]
      : [];
  return {
    ...decided,
    chosen: explicit === undefined ? 'auto' : 'explicit',
    ...(decided.strategy === 'proxy' ? { drainTimeoutMs: config?.drain_timeout ?? DEFAULT_DRAIN_TIMEOUT_MS } : {}),
    refusals: [...refusals, ...drain],
  };
}

/** `proxy (auto: built, publishes 127.0.0.1:8080)`: what `plan` shows. */
export function describeSwitch(decision: SwitchDecision): string {
  const drain = decision.drainTimeoutMs === undefined || decision.drainTimeoutMs === DEFAULT_DRAIN_TIMEOUT_MS ? '' : `, drains ${decision.drainTimeoutMs / 1000}s`;
  return `${decision.strategy} (${decision.reason}${drain})`;
}

function environmentsLabel(names: readonly string[]): string {
  const quoted = names.map((name) => `"${name}"`);
  if (quoted.length === 1) return `environment ${quoted[0] ?? ''}`;
  return `environments ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
}

/**
 * The `switch` and `drain_timeout` of stack.yml that cannot work, for each environment whose
 * compose files were read (`compose`): one issue per key and problem, naming the environments.
 */
export function switchIssues(manifest: Manifest, compose: Readonly<Record<string, Pick<ComposeModel, 'all'>>>): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const service of Object.keys(manifest.services)) {
    const found = new Map<string, { refusal: SwitchRefusal; environments: string[] }>();
    for (const [environment, model] of Object.entries(compose)) {
      if (!Object.hasOwn(manifest.environments, environment) || !environmentServices(manifest, environment).includes(service)) continue;
      // A service the compose files do not define is reported as such.
      if (!model.all.some((s) => s.name === service)) continue;
      const swarm = manifest.environments[environment]?.engine === 'swarm';
      for (const refusal of swarm ? swarmUpdateOf(manifest, model, service).refusals : switchStrategyOf(manifest, model, service).refusals) {
        const key = JSON.stringify([refusal.key, refusal.message, refusal.hint]);
        const entry = found.get(key) ?? { refusal, environments: [] };
        entry.environments.push(environment);
        found.set(key, entry);
      }
    }
    for (const { refusal, environments } of found.values()) {
      issues.push({
        path: ['services', service, refusal.key],
        target: refusal.key === 'switch' ? 'value' : 'key',
        message: `in ${environmentsLabel(environments)}, ${refusal.message}`,
        hint: refusal.hint,
      });
    }
  }
  // Under Swarm, a failed first deploy takes an application service back to no task by scaling it to 0.
  for (const [environment, model] of Object.entries(compose)) {
    if (manifest.environments[environment]?.engine !== 'swarm') continue;
    for (const service of environmentServices(manifest, environment)) {
      const config = manifest.services[service];
      const definition = model.all.find((s) => s.name === service);
      if ((config?.build === undefined && config?.image_from === undefined) || definition?.deployMode === undefined || definition.deployMode === 'replicated') continue;
      issues.push({
        path: ['environments', environment, 'engine'],
        target: 'value',
        message: `${service} runs in deploy.mode ${definition.deployMode} (${definition.where.file}:${definition.where.line}), and under engine: swarm a service stack-deploy builds must be replicated: a failed first deploy scales it to 0`,
        hint: `remove deploy.mode from ${service} (one task per node: deploy.replicas with deploy.placement.max_replicas_per_node: 1)`,
      });
    }
  }
  // Host names route to services behind the proxy only.
  for (const [environment, model] of Object.entries(compose)) {
    if (!Object.hasOwn(manifest.environments, environment)) continue;
    const deployed = environmentServices(manifest, environment);
    const composeOnly = model.all.map((s) => s.name).filter((name) => !Object.hasOwn(manifest.services, name));
    for (const service of Object.keys(manifest.environments[environment]?.host_names ?? {})) {
      const path = ['environments', environment, 'host_names', service];
      if (!deployed.includes(service) && !composeOnly.includes(service)) {
        issues.push({ path, target: 'key', message: `${service} is not a service of ${environment}`, hint: `name one of: ${[...deployed, ...composeOnly].join(', ')}` });
        continue;
      }
      const decision = switchStrategyOf(manifest, model, service);
      if (decision.strategy !== 'proxy') {
        issues.push({ path, target: 'key', message: `${service} switches ${describeSwitch(decision)}, and only services behind the proxy are routed by host name`, hint: 'remove its host_names, or set its switch to proxy and publish its HTTP port' });
      }
    }
  }
  return issues;
}

/** How long Swarm watches an updated task for a failure (`deploy.update_config.monitor`) unless the compose file says. */
export const SWARM_MONITOR_DEFAULT = '10s';

/** What stack-deploy adds to a service's `deploy.update_config` under `engine: swarm`, where the compose files do not set it. */
export interface SwarmUpdate {
  /** The whole `update_config` the service is deployed with: the compose files' keys, then these defaults. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The keys stack-deploy added (not in the compose files). */
  readonly added: readonly string[];
  /** Why `order` is what it is: `auto: publishes 8080 in mode host`, `set in the compose file`. */
  readonly reason: string;
  readonly refusals: readonly SwitchRefusal[];
}

/**
 * A service's Swarm update under `engine: swarm`: `failure_action: rollback`, a `monitor` window,
 * and the order from its switch strategy where the compose files do not set them. Under `auto`
 * it starts the new task first, except where two tasks of it cannot run side by side on one node:
 * a port published in `mode: host`, a named volume or a `container_name` (stop-first). `proxy` is
 * refused: Swarm replaces the tasks itself and there is no host proxy.
 */
export function swarmUpdateOf(manifest: Manifest, compose: Pick<ComposeModel, 'all'> | undefined, service: string): SwarmUpdate {
  const config = Object.hasOwn(manifest.services, service) ? manifest.services[service] : undefined;
  const definition = compose?.all.find((s) => s.name === service);
  const written = definition?.updateConfig ?? {};
  const hostPorts = (definition?.ports ?? []).filter((port) => port.mode === 'host' && port.published !== undefined);
  const explicit = config?.switch !== undefined && config.switch !== 'auto' ? config.switch : undefined;
  const refusals: SwitchRefusal[] = [];
  if (explicit === 'proxy') {
    refusals.push({ key: 'switch', message: '"proxy" cannot work under engine: swarm: Swarm replaces the tasks itself, and there is no host proxy', hint: 'use start-first or stop-first (the Swarm update order), or remove switch' });
  } else if (explicit === 'start-first' && hostPorts.length > 0 && written.order === undefined) {
    refusals.push({
      key: 'switch',
      message: `"start-first" cannot work under engine: swarm: ${service} publishes ${hostPorts.map(shownPort).join(', ')} in mode host, which a second task cannot bind on the same node`,
      hint: 'publish the port in ingress mode, or use stop-first',
    });
  }
  const causes = [
    ...hostPorts.map((port) => `publishes ${shownPort(port)} in mode host`),
    ...(definition === undefined ? [] : singletonCauses(definition).filter((cause) => !cause.startsWith('network_mode'))),
  ];
  let order: 'start-first' | 'stop-first';
  let reason: string;
  if (typeof written.order === 'string') {
    order = written.order === 'start-first' ? 'start-first' : 'stop-first';
    reason = 'set in the compose file';
  } else if (explicit === 'start-first' || explicit === 'stop-first') {
    order = explicit;
    reason = 'set in stack.yml';
  } else if (causes.length > 0) {
    order = 'stop-first';
    reason = `auto: ${causes.join(', ')}`;
  } else {
    order = 'start-first';
    reason = 'auto: two tasks can run side by side';
  }
  const defaults: Record<string, unknown> = { order, failure_action: 'rollback', monitor: SWARM_MONITOR_DEFAULT };
  const added = Object.keys(defaults).filter((key) => written[key] === undefined);
  return { config: { ...defaults, ...written }, added, reason, refusals };
}

/** `order start-first (auto: …), failure_action rollback, monitor 10s (added)`: what `plan` shows for a Swarm service. */
export function describeSwarmUpdate(update: SwarmUpdate): string {
  const shown = (key: string) => `${key} ${String(update.config[key])}${update.added.includes(key) ? ' (added)' : ''}`;
  return `order ${String(update.config.order)} (${update.reason})${update.added.includes('order') ? ' (added)' : ''}, ${shown('failure_action')}, ${shown('monitor')}`;
}

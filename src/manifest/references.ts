import { describeValue } from './describe-value';
import type { PathIssue } from './issues';
import { didYouMean } from './suggest';

/**
 * Checks that span sections of the manifest: names of services used elsewhere must exist, and
 * names in lists must be unique. Runs on the raw data (before the schema), defensively, so that
 * these mistakes are reported together with every other one.
 */

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownServiceIssue(
  path: (string | number)[],
  reference: unknown,
  services: readonly string[],
  who: string,
): PathIssue | undefined {
  if (typeof reference !== 'string' || reference === '' || services.includes(reference)) return undefined;
  const issue: PathIssue = { path, target: 'value', message: `${who} names unknown service ${describeValue(reference)}` };
  const hint = didYouMean(reference, services);
  return hint === undefined ? issue : { ...issue, hint };
}

/**
 * `hosts[].services` must name services of the environment, and every service of the environment
 * must run on at least one of its hosts.
 */
function hostServiceIssues(environment: string, settings: Record<string, unknown>, services: readonly string[], declared: readonly string[]): PathIssue[] {
  if (!Array.isArray(settings.hosts)) return [];
  const issues: PathIssue[] = [];
  const ofEnvironment = Array.isArray(settings.services) ? settings.services.filter((s): s is string => typeof s === 'string') : declared;
  let everyService = false;
  const placed = new Set<string>();
  const seen = new Map<string, number>();
  settings.hosts.forEach((host: unknown, index) => {
    if (!isMapping(host)) return;
    if (typeof host.host === 'string') {
      const first = seen.get(host.host);
      if (first !== undefined) issues.push({ path: ['environments', environment, 'hosts', index, 'host'], target: 'value', message: `host ${describeValue(host.host)} is already environments.${environment}.hosts.${first}: one path on one server would be deployed twice`, hint: 'list each server once, with all the services it runs' });
      else seen.set(host.host, index);
    }
    if (!Array.isArray(host.services)) {
      everyService = true;
      return;
    }
    host.services.forEach((reference: unknown, i) => {
      const path = ['environments', environment, 'hosts', index, 'services', i];
      const unknown = unknownServiceIssue(path, reference, services, `environment "${environment}"`);
      if (unknown !== undefined) issues.push(unknown);
      else if (typeof reference === 'string' && !ofEnvironment.includes(reference)) {
        issues.push({ path, target: 'value', message: `service "${reference}" is not one of environment "${environment}"'s services`, hint: `add it to environments.${environment}.services, or remove it here` });
      }
      if (typeof reference === 'string') placed.add(reference);
    });
  });
  if (everyService) return issues;
  for (const service of ofEnvironment.filter((name) => !placed.has(name))) {
    issues.push({ path: ['environments', environment, 'hosts'], target: 'key', message: `service "${service}" of environment "${environment}" runs on none of its hosts`, hint: `list it in the services of one of environments.${environment}.hosts; a host without services runs all of them` });
  }
  return issues;
}

function environmentIssues(environments: unknown, services: readonly string[], declared: readonly string[]): PathIssue[] {
  if (!isMapping(environments)) return [];
  const issues: PathIssue[] = [];
  for (const [environment, settings] of Object.entries(environments)) {
    if (isMapping(settings)) issues.push(...hostServiceIssues(environment, settings, services, declared));
    if (!isMapping(settings) || !Array.isArray(settings.services)) continue;
    const seen = new Set<unknown>();
    settings.services.forEach((reference: unknown, index) => {
      const path = ['environments', environment, 'services', index];
      if (seen.has(reference)) {
        issues.push({ path, target: 'value', message: `lists service ${describeValue(reference)} twice` });
      }
      seen.add(reference);
      const unknown = unknownServiceIssue(path, reference, services, `environment "${environment}"`);
      if (unknown !== undefined) issues.push(unknown);
    });
  }
  return issues;
}

function listIssues(section: 'backup' | 'smoke', list: unknown, services: readonly string[] | undefined): PathIssue[] {
  if (!Array.isArray(list)) return [];
  const issues: PathIssue[] = [];
  const firstIndexByName = new Map<unknown, number>();
  list.forEach((entry: unknown, index) => {
    if (!isMapping(entry)) return;
    const name = entry.name;
    const firstIndex = firstIndexByName.get(name);
    if (typeof name === 'string' && firstIndex !== undefined) {
      issues.push({
        path: [section, index, 'name'],
        target: 'value',
        message: `${section} name ${describeValue(name)} is already used by ${section}.${firstIndex}`,
      });
    } else {
      firstIndexByName.set(name, index);
    }
    if (services !== undefined && section === 'backup') {
      const who = typeof name === 'string' ? `backup "${name}"` : 'backup';
      const unknown = unknownServiceIssue([section, index, 'service'], entry.service, services, who);
      if (unknown !== undefined) issues.push(unknown);
    }
  });
  return issues;
}

function imageFromIssues(services: Record<string, unknown>): PathIssue[] {
  const built = Object.keys(services).filter((name) => isMapping(services[name]) && services[name].build !== undefined);
  return Object.entries(services).flatMap(([name, config]): PathIssue[] => {
    if (!isMapping(config) || typeof config.image_from !== 'string' || config.build !== undefined) return [];
    const path = ['services', name, 'image_from'];
    if (config.image_from === name) return [{ path, target: 'value', message: 'a service cannot share its own image' }];
    if (built.includes(config.image_from)) return [];
    const unknown = unknownServiceIssue(path, config.image_from, Object.keys(services), `service "${name}"`);
    return [unknown ?? { path, target: 'value', message: `names service ${describeValue(config.image_from)}, which is not built by stack-deploy (it has no "build")` }];
  });
}

/**
 * `composeServices`: services the compose files define, which `backup`, `migrations` and
 * `environments.*.services` may name too (undefined when the compose files were not read).
 */
/** Two environments on one host must not share a path (lock, env file, ledger) or a Compose project. */
function sharedHostIssues(data: Record<string, unknown>): PathIssue[] {
  if (!isMapping(data.environments)) return [];
  const issues: PathIssue[] = [];
  const seen: { name: string; host: string; path?: string; project?: string }[] = [];
  for (const [name, settings] of Object.entries(data.environments)) {
    if (!isMapping(settings)) continue;
    const hosts = typeof settings.host === 'string' ? [settings.host] : Array.isArray(settings.hosts) ? settings.hosts.flatMap((h: unknown) => (isMapping(h) && typeof h.host === 'string' ? [h.host] : [])) : [];
    const path = typeof settings.path === 'string' ? settings.path.replace(/\/+$/u, '') : undefined;
    const project = typeof settings.project === 'string' ? settings.project : typeof data.name === 'string' ? `${data.name}-${name}` : undefined;
    for (const host of hosts) {
    for (const other of seen.filter((o) => o.host === host)) {
      if (path !== undefined && path === other.path) {
        issues.push({
          path: ['environments', name, 'path'],
          target: 'value',
          message: `environments "${other.name}" and "${name}" share host ${describeValue(host)} and path ${describeValue(path)}: their locks, env files, ledgers and backups would be one`,
          hint: `give environments.${name}.path a directory of its own`,
        });
      }
      if (project !== undefined && project === other.project) {
        issues.push({
          path: ['environments', name, ...(settings.project === undefined ? [] : ['project'])],
          target: settings.project === undefined ? 'key' : 'value',
          message: `environments "${other.name}" and "${name}" share host ${describeValue(host)} and Compose project ${describeValue(project)}: one would replace the other's containers`,
          hint: `set environments.${name}.project to a name of its own`,
        });
      }
    }
    }
    for (const host of new Set(hosts)) seen.push({ name, host, path, project });
  }
  return issues;
}

export function referenceIssues(data: unknown, composeServices: readonly string[] = []): PathIssue[] {
  if (!isMapping(data)) return [];
  const declared = isMapping(data.services) ? Object.keys(data.services) : undefined;
  const services = declared === undefined ? undefined : [...declared, ...composeServices.filter((name) => !declared.includes(name))];
  const issues = [...listIssues('backup', data.backup, services), ...listIssues('smoke', data.smoke, services), ...sharedHostIssues(data)];
  if (services === undefined) return issues;
  issues.push(...environmentIssues(data.environments, services, declared ?? []));
  if (isMapping(data.services)) issues.push(...imageFromIssues(data.services));
  if (isMapping(data.migrations)) {
    const unknown = unknownServiceIssue(['migrations', 'service'], data.migrations.service, services, 'migrations');
    if (unknown !== undefined) issues.push(unknown);
  }
  return issues;
}

/**
 * Every service an environment runs from stack.yml must be defined in that environment's compose
 * files (`byEnvironment`: the names they define, per environment whose files were read).
 */
export function composeIssues(data: unknown, byEnvironment: Readonly<Record<string, readonly string[]>>): PathIssue[] {
  if (!isMapping(data) || !isMapping(data.services) || !isMapping(data.environments)) return [];
  const declared = Object.keys(data.services);
  const issues: PathIssue[] = [];
  for (const [environment, settings] of Object.entries(data.environments)) {
    const defined = byEnvironment[environment];
    if (defined === undefined || !isMapping(settings)) continue;
    const files = Array.isArray(settings.compose) ? settings.compose.join(', ') : String(settings.compose);
    const listed = Array.isArray(settings.services) ? settings.services : undefined;
    const candidates: [unknown, (string | number)[]][] = listed === undefined ? declared.map((name) => [name, ['services', name]]) : listed.map((name: unknown, i) => [name, ['environments', environment, 'services', i]]);
    for (const [name, path] of candidates) {
      if (typeof name !== 'string' || defined.includes(name) || (listed !== undefined && !declared.includes(name))) continue;
      const issue: PathIssue = { path, target: listed === undefined ? 'key' : 'value', message: `service "${name}" is not defined in the compose files of environment "${environment}" (${files})` };
      const hint = didYouMean(name, defined);
      issues.push(hint === undefined ? { ...issue, hint: `they define: ${defined.join(', ') || 'no services'}` } : { ...issue, hint });
    }
  }
  return issues;
}

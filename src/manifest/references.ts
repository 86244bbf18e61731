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

function environmentIssues(environments: unknown, services: readonly string[]): PathIssue[] {
  if (!isMapping(environments)) return [];
  const issues: PathIssue[] = [];
  for (const [environment, settings] of Object.entries(environments)) {
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

export function referenceIssues(data: unknown): PathIssue[] {
  if (!isMapping(data)) return [];
  const services = isMapping(data.services) ? Object.keys(data.services) : undefined;
  const issues = [...listIssues('backup', data.backup, services), ...listIssues('smoke', data.smoke, services)];
  if (services === undefined) return issues;
  issues.push(...environmentIssues(data.environments, services));
  if (isMapping(data.migrations)) {
    const unknown = unknownServiceIssue(['migrations', 'service'], data.migrations.service, services, 'migrations');
    if (unknown !== undefined) issues.push(unknown);
  }
  return issues;
}

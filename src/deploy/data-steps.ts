import type { Manifest } from '../manifest';
import type { TransactionEvent } from './events';
import type { PlanDataSteps } from './plan';

/** The manifest's hooks, backups, migrations and smoke checks as the host transaction runs them. */
export function planDataSteps(manifest: Manifest): PlanDataSteps {
  return {
    backups: (manifest.backup ?? []).map((backup) =>
      'command' in backup
        ? { name: backup.name, service: backup.service, kind: 'command' as const, argv: backup.command, retain: backup.retain }
        : { name: backup.name, service: backup.service, kind: 'sqlite' as const, file: backup.sqlite, retain: backup.retain },
    ),
    migrations: manifest.migrations === undefined ? undefined : { service: manifest.migrations.service, argv: manifest.migrations.command, timeoutMs: manifest.migrations.timeout },
    smoke: (manifest.smoke ?? []).map((check) =>
      'http' in check
        ? { name: check.name, kind: 'http' as const, url: check.http, status: check.expect.status, bodyContains: check.expect.body_contains, timeoutMs: check.timeout }
        : { name: check.name, kind: 'run' as const, argv: check.run, timeoutMs: check.timeout },
    ),
    preDeploy: manifest.hooks?.pre_deploy ?? [],
    postDeploy: manifest.hooks?.post_deploy ?? [],
  };
}

/** No data steps at all (rollbacks, and stacks without these sections). */
export const NO_DATA_STEPS: PlanDataSteps = { backups: [], smoke: [], preDeploy: [], postDeploy: [] };

/**
 * Repository files the host runs: the program of each `smoke.run` and hook when it is a relative
 * path (`./x`, `scripts/x`). Absolute paths and bare command names are the host's own.
 */
export function hostScripts(steps: PlanDataSteps): string[] {
  const programs = [...steps.smoke.flatMap((check) => (check.kind === 'run' ? [check.argv[0] ?? ''] : [])), ...[...steps.preDeploy, ...steps.postDeploy].map((argv) => argv[0] ?? '')];
  const scripts = programs.filter((program) => !program.startsWith('/') && (program.startsWith('./') || program.includes('/')));
  return [...new Set(scripts.map((program) => program.replace(/^(?:\.\/)+/u, '')))];
}

/** A backup the host took, from its `backup ok` event (`<path> (<bytes> bytes)`). */
export interface TakenBackup {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
}

export function backupsTaken(events: readonly TransactionEvent[]): TakenBackup[] {
  return events.flatMap((event) => {
    if (event.step !== 'backup' || event.status !== 'ok') return [];
    const match = /^(.*) \((\d+) bytes\)$/u.exec(event.message);
    return match === null ? [] : [{ name: event.service, path: match[1] ?? '', bytes: Number(match[2]) }];
  });
}

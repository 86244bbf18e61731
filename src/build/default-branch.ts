import { readFileSync } from 'node:fs';

/**
 * Whether this run builds the repository's default branch: `GITHUB_REF` is
 * `refs/heads/<default branch>`, the branch named in the event payload
 * (`repository.default_branch`, read from `GITHUB_EVENT_PATH`). Unknown counts as "no".
 */
export function defaultBranchBuild(env: Readonly<Record<string, string | undefined>>): { readonly isDefault: boolean; readonly why?: string } {
  const branch = defaultBranchFromEvent(env.GITHUB_EVENT_PATH);
  if (branch === undefined) return { isDefault: false, why: 'the default branch is unknown (no repository.default_branch in the event payload)' };
  const ref = env.GITHUB_REF ?? '';
  if (ref === `refs/heads/${branch}`) return { isDefault: true };
  return { isDefault: false, why: `${ref === '' ? 'the Git ref is unknown' : ref} is not the default branch ${branch}` };
}

function defaultBranchFromEvent(path: string | undefined): string | undefined {
  if (path === undefined || path === '') return undefined;
  try {
    const payload = JSON.parse(readFileSync(path, 'utf8')) as { repository?: { default_branch?: unknown } };
    const branch = payload.repository?.default_branch;
    return typeof branch === 'string' && branch !== '' ? branch : undefined;
  } catch {
    return undefined;
  }
}

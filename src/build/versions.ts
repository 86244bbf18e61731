/**
 * Orders release versions (`1.2.3`, `1.2.3-rc.1`, `2.0`) as SemVer does: numeric parts by
 * value, a pre-release before its release. Returns <0, 0 or >0.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string): { core: number[]; pre: string | undefined } => {
    const [core = '', ...rest] = v.replace(/\+.*$/u, '').split('-');
    return { core: core.split('.').map((part) => Number.parseInt(part, 10) || 0), pre: rest.length > 0 ? rest.join('-') : undefined };
  };
  const left = split(a);
  const right = split(b);
  for (let i = 0; i < Math.max(left.core.length, right.core.length); i += 1) {
    const diff = (left.core[i] ?? 0) - (right.core[i] ?? 0);
    if (diff !== 0) return diff;
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === undefined) return 1;
  if (right.pre === undefined) return -1;
  const l = left.pre.split('.');
  const r = right.pre.split('.');
  for (let i = 0; i < Math.max(l.length, r.length); i += 1) {
    const x = l[i];
    const y = r[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/u.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/u.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined && nx !== ny) return nx - ny;
    if (nx !== undefined && ny === undefined) return -1;
    if (nx === undefined && ny !== undefined) return 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const RELEASE_TAG = /^\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?$/u;

/**
 * The release a new version follows: among the registry's tags that look like versions (not
 * `sha-…`), the highest one below `current`; for a non-version build (`sha-…`), the highest.
 */
export function previousReleaseTag(tags: readonly string[], current: string): string | undefined {
  const releases = tags.filter((tag) => RELEASE_TAG.test(tag) && tag !== current);
  const candidates = RELEASE_TAG.test(current) ? releases.filter((tag) => compareVersions(tag, current) < 0) : releases;
  return candidates.sort(compareVersions).at(-1);
}

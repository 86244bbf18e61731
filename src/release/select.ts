import { StackDeployError } from '../errors';

/**
 * Decides, from a Git ref, which services a run releases and under which version. Pure: no
 * I/O, no logging. Every refusal is a StackDeployError with step "select" and a hint.
 *
 * Ref kinds:
 * - `refs/tags/X` is a tag.
 * - `refs/heads/X`, `refs/pull/N/merge` and any other `refs/...` are branch-like.
 * - A bare 40-hex string is a commit SHA.
 * - Any other bare name (the CLI's `--ref`) is a tag when it matches a service's release tag
 *   pattern or the stack tag `v<digit>...`, and a branch otherwise: a bare name cannot say
 *   which it is, and a branch name never needs a pattern.
 *
 * Versions:
 * - A service tag gives the text the `*` matched; a leading `v` before a digit is dropped, so
 *   `api-v*` and `api-*` both turn `api-v1.2.3` into `1.2.3`.
 * - The stack tag `v1.2.3` gives `1.2.3` (a digit must follow the `v`, so that tags such as
 *   `very-old` are not mistaken for a release of every service).
 * - A branch or SHA gives `sha-<first 7 hex of sha>`.
 * - SemVer build metadata is kept in the version (`1.2.3+build.5`), but Docker tags cannot
 *   contain `+`: `dockerTagFor` turns every `+` into `-` (`1.2.3-build.5`). Use the version for
 *   display and labels, and `dockerTagFor(version)` wherever an image tag is written.
 */

export interface ReleaseService {
  readonly name: string;
  /** A glob with exactly one `*`, which matches one or more characters, e.g. `api-v*`. */
  readonly releaseTag: string;
}

export interface SelectInput {
  /** Like GITHUB_REF (`refs/tags/api-v1.2.3`, `refs/heads/main`), a bare tag or branch name, or a 40-hex SHA. */
  readonly ref: string;
  /** The commit being released: 7 to 40 hex characters. */
  readonly sha: string;
  /** Every service of the stack, in manifest order. */
  readonly services: readonly ReleaseService[];
  /** The `services` input, already split (see `parseServicesInput`). Empty or undefined means not set. */
  readonly requested?: readonly string[];
}

export type ReleaseSource = 'service-tag' | 'stack-tag' | 'branch' | 'sha' | 'requested';

export interface ReleaseSelection {
  /** The release version; may contain `+` (build metadata). Use `dockerTagFor` for image tags. */
  readonly version: string;
  /** Service names to release, in manifest order. */
  readonly services: string[];
  /** Why these services: the ref kind, or `requested` when the `services` input chose them. */
  readonly source: ReleaseSource;
  /** The first 7 characters of the SHA, lower-case. */
  readonly shortSha: string;
}

const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/u;
const DOCKER_TAG_CHARACTERS =
  'letters, digits, "_", "." and "-", not starting with "." or "-", at most 128 characters';
const FULL_SHA = /^[0-9a-f]{40}$/iu;
const SHA = /^[0-9a-f]{7,40}$/iu;
const STACK_TAG = /^v([0-9].*)$/su;
const STACK_TAG_PATTERN = 'v*';
const SHORT_SHA_LENGTH = 7;

/** True when `tag` can be used as a Docker image tag. */
export function isValidDockerTag(tag: string): boolean {
  return DOCKER_TAG.test(tag);
}

/** The Docker image tag for a release version: `+` (SemVer build metadata) becomes `-`. */
export function dockerTagFor(version: string): string {
  return version.replace(/\+/gu, '-');
}

/**
 * Splits the `services` input: names separated by commas, newlines or other white space.
 * Empty entries are dropped and repeated names kept once, in first-seen order.
 */
export function parseServicesInput(text: string): string[] {
  const names = text
    .split(/[\s,]+/u)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return [...new Set(names)];
}

export function selectRelease(input: SelectInput): ReleaseSelection {
  const shortSha = shortShaOf(input.sha);
  const serviceNames = validateServices(input.services);
  const requested = validateRequested(input.requested ?? [], serviceNames);
  const ref = classifyRef(input.ref, input.services);

  if (ref.kind === 'sha' && !ref.sha.toLowerCase().startsWith(input.sha.toLowerCase())) {
    throw selectError(`ref "${input.ref}" is a commit SHA that differs from sha "${input.sha}"`, {
      hint: 'pass the same commit as ref and sha, or a branch or tag as ref',
    });
  }

  if (ref.kind === 'branch' || ref.kind === 'sha') {
    const version = `sha-${shortSha}`;
    return requested.length > 0
      ? { version, services: inManifestOrder(requested, serviceNames), source: 'requested', shortSha }
      : { version, services: [...serviceNames], source: ref.kind, shortSha };
  }

  const release = releaseForTag(ref.tag, input.services);
  validateVersion(ref.tag, release.version);

  if (release.service !== undefined) {
    const released = release.service;
    const contradicting = requested.filter((name) => name !== released);
    if (contradicting.length > 0) {
      throw selectError(
        `tag "${ref.tag}" releases only service "${released}", but services ${quoteList(contradicting)} were requested`,
        {
          service: released,
          hint: `leave the services input empty, request only "${released}", or push a tag for each service`,
        },
      );
    }
    return { version: release.version, services: [released], source: 'service-tag', shortSha };
  }

  return requested.length > 0
    ? { version: release.version, services: inManifestOrder(requested, serviceNames), source: 'requested', shortSha }
    : { version: release.version, services: [...serviceNames], source: 'stack-tag', shortSha };
}

type ClassifiedRef = { kind: 'tag'; tag: string } | { kind: 'branch' } | { kind: 'sha'; sha: string };

function classifyRef(ref: string, services: readonly ReleaseService[]): ClassifiedRef {
  if (ref.trim() === '') {
    throw selectError('the Git ref is empty', {
      hint: 'pass a ref such as refs/tags/v1.2.3, refs/heads/main, a tag, a branch or a commit SHA',
    });
  }
  if (ref.startsWith('refs/tags/')) {
    const tag = ref.slice('refs/tags/'.length);
    if (tag === '') throw selectError(`ref "${ref}" names no tag`, { hint: 'pass a ref such as refs/tags/v1.2.3' });
    return { kind: 'tag', tag };
  }
  if (ref.startsWith('refs/')) return { kind: 'branch' };
  if (FULL_SHA.test(ref)) return { kind: 'sha', sha: ref };
  const looksLikeReleaseTag =
    STACK_TAG.test(ref) || services.some((service) => matchGlob(service.releaseTag, ref) !== undefined);
  return looksLikeReleaseTag ? { kind: 'tag', tag: ref } : { kind: 'branch' };
}

interface TagRelease {
  readonly version: string;
  /** The one service a service tag releases; undefined for the stack tag. */
  readonly service?: string;
}

function releaseForTag(tag: string, services: readonly ReleaseService[]): TagRelease {
  const matches = services.flatMap((service) => {
    const captured = matchGlob(service.releaseTag, tag);
    return captured === undefined ? [] : [{ service, captured }];
  });

  const [first, ...others] = matches;
  if (first !== undefined && others.length > 0) {
    const described = matches.map((m) => `${m.service.name} (${m.service.releaseTag})`).join(', ');
    throw selectError(`tag "${tag}" matches the release tag patterns of several services: ${described}`, {
      hint: 'give each service a releaseTag pattern that no other service\'s tags can match, such as "<name>-v*"',
    });
  }
  if (first !== undefined) return { version: stripVPrefix(first.captured), service: first.service.name };

  const stack = STACK_TAG.exec(tag);
  if (stack?.[1] !== undefined) return { version: stack[1] };

  const patterns = [...services.map((service) => service.releaseTag), `${STACK_TAG_PATTERN} (every service)`];
  throw selectError(`"${tag}" matches no release tag pattern; patterns: ${patterns.join(', ')}`, {
    hint: 'push a tag that matches one of the patterns (for example v1.2.3), or run from a branch',
  });
}

/** The text `*` matched, or undefined when `text` does not match `pattern`. `*` matches one or more characters. */
function matchGlob(pattern: string, text: string): string | undefined {
  const star = pattern.indexOf('*');
  const prefix = pattern.slice(0, star);
  const suffix = pattern.slice(star + 1);
  if (text.length <= prefix.length + suffix.length) return undefined;
  if (!text.startsWith(prefix) || !text.endsWith(suffix)) return undefined;
  return text.slice(prefix.length, text.length - suffix.length);
}

function stripVPrefix(captured: string): string {
  return /^v[0-9]/u.test(captured) ? captured.slice(1) : captured;
}

function validateVersion(tag: string, version: string): void {
  const dockerTag = dockerTagFor(version);
  if (!isValidDockerTag(dockerTag)) {
    throw selectError(`tag "${tag}" gives version "${version}", which is not a valid Docker tag ("${dockerTag}")`, {
      hint: `a Docker tag may contain only ${DOCKER_TAG_CHARACTERS}`,
    });
  }
}

function shortShaOf(sha: string): string {
  if (!SHA.test(sha)) {
    throw selectError(`sha "${sha}" is not a commit SHA (7 to 40 hexadecimal characters)`, {
      hint: 'pass the full 40-character commit SHA, such as GITHUB_SHA or the output of git rev-parse HEAD',
    });
  }
  return sha.slice(0, SHORT_SHA_LENGTH).toLowerCase();
}

function validateServices(services: readonly ReleaseService[]): string[] {
  if (services.length === 0) {
    throw selectError('the stack has no services to release', { hint: 'declare at least one service in stack.yml' });
  }
  const names = services.map((service) => service.name);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) {
    throw selectError(`service names must be unique; repeated: ${quoteList([...new Set(duplicates)])}`, {
      hint: 'rename the repeated services in stack.yml',
    });
  }
  for (const service of services) {
    const stars = service.releaseTag.split('*').length - 1;
    if (stars !== 1) {
      throw selectError(
        `release tag pattern "${service.releaseTag}" of service "${service.name}" must contain exactly one "*"`,
        { service: service.name, hint: `use a pattern such as "${service.name}-v*"` },
      );
    }
  }
  return names;
}

function validateRequested(requested: readonly string[], serviceNames: readonly string[]): string[] {
  const unknown = requested.filter((name) => !serviceNames.includes(name));
  const [firstUnknown] = unknown;
  if (firstUnknown !== undefined) {
    const guesses = unknown.flatMap((name) => {
      const guess = closestName(name, serviceNames);
      return guess === undefined ? [] : [`"${name}" → "${guess}"`];
    });
    const didYouMean = guesses.length > 0 ? `did you mean ${guesses.join(', ')}? ` : '';
    throw selectError(`unknown service${unknown.length > 1 ? 's' : ''} requested: ${quoteList(unknown)}`, {
      service: firstUnknown,
      hint: `${didYouMean}valid services: ${serviceNames.join(', ')}`,
    });
  }
  return [...new Set(requested)];
}

function inManifestOrder(requested: readonly string[], serviceNames: readonly string[]): string[] {
  return serviceNames.filter((name) => requested.includes(name));
}

/** The service name nearest to `name` by edit distance, when near enough to be a likely typo. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  const tolerance = Math.max(1, Math.floor(Math.max(name.length, best.name.length) / 3));
  return best.distance <= tolerance ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}

function selectError(message: string, context: { service?: string; hint: string }): StackDeployError {
  return new StackDeployError(message, { step: 'select', ...context });
}

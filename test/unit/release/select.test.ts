import { describe, expect, test } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import {
  dockerTagFor,
  isValidDockerTag,
  parseServicesInput,
  selectRelease,
  type ReleaseSelection,
  type ReleaseService,
  type SelectInput,
} from '../../../src/release/select';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const SHORT = '0123456';

const services: readonly ReleaseService[] = [
  { name: 'api', releaseTag: 'api-v*' },
  { name: 'worker', releaseTag: 'worker-v*' },
  { name: 'web', releaseTag: 'web/*' },
];
const all = ['api', 'worker', 'web'];

interface SelectCase {
  name: string;
  input: Partial<SelectInput> & { ref: string };
  expected: ReleaseSelection;
}

const selections: SelectCase[] = [
  {
    name: 'service tag releases only that service, without the v',
    input: { ref: 'refs/tags/api-v1.2.3' },
    expected: { version: '1.2.3', services: ['api'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'service tag keeps a pre-release',
    input: { ref: 'refs/tags/worker-v2.0.0-rc.1' },
    expected: { version: '2.0.0-rc.1', services: ['worker'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'service pattern without v still drops a leading v before a digit',
    input: { ref: 'refs/tags/web/v3.1.0' },
    expected: { version: '3.1.0', services: ['web'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'service pattern capture that is not a v-version is kept whole',
    input: { ref: 'refs/tags/web/2024.05.01' },
    expected: { version: '2024.05.01', services: ['web'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'bare service tag (CLI --ref)',
    input: { ref: 'api-v1.2.3' },
    expected: { version: '1.2.3', services: ['api'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'service tag with the same service requested',
    input: { ref: 'refs/tags/api-v1.2.3', requested: ['api'] },
    expected: { version: '1.2.3', services: ['api'], source: 'service-tag', shortSha: SHORT },
  },
  {
    name: 'stack tag releases every service',
    input: { ref: 'refs/tags/v1.2.3' },
    expected: { version: '1.2.3', services: all, source: 'stack-tag', shortSha: SHORT },
  },
  {
    name: 'stack tag keeps a pre-release',
    input: { ref: 'refs/tags/v1.2.3-rc.1' },
    expected: { version: '1.2.3-rc.1', services: all, source: 'stack-tag', shortSha: SHORT },
  },
  {
    name: 'stack tag keeps build metadata in the version (docker tag via dockerTagFor)',
    input: { ref: 'refs/tags/v1.2.3+build.5' },
    expected: { version: '1.2.3+build.5', services: all, source: 'stack-tag', shortSha: SHORT },
  },
  {
    name: 'bare stack tag (CLI --ref)',
    input: { ref: 'v2' },
    expected: { version: '2', services: all, source: 'stack-tag', shortSha: SHORT },
  },
  {
    name: 'stack tag narrowed by requested services, in manifest order',
    input: { ref: 'refs/tags/v1.2.3', requested: ['web', 'api'] },
    expected: { version: '1.2.3', services: ['api', 'web'], source: 'requested', shortSha: SHORT },
  },
  {
    name: 'branch releases every service at sha-<short>',
    input: { ref: 'refs/heads/main' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'branch with a slash',
    input: { ref: 'refs/heads/feature/api-v2' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'pull request merge ref is branch-like',
    input: { ref: 'refs/pull/12/merge' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'bare branch name (CLI --ref)',
    input: { ref: 'main' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'bare name that matches no pattern is a branch, not an error',
    input: { ref: 'release-9' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'bare "very-old" is a branch: the stack tag needs a digit after v',
    input: { ref: 'very-old' },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'full SHA as ref',
    input: { ref: SHA },
    expected: { version: `sha-${SHORT}`, services: all, source: 'sha', shortSha: SHORT },
  },
  {
    name: 'upper-case SHA is lower-cased in the version',
    input: { ref: SHA.toUpperCase(), sha: SHA.toUpperCase() },
    expected: { version: `sha-${SHORT}`, services: all, source: 'sha', shortSha: SHORT },
  },
  {
    name: 'short sha input is enough',
    input: { ref: 'refs/heads/main', sha: 'ABCDEF1' },
    expected: { version: 'sha-abcdef1', services: all, source: 'branch', shortSha: 'abcdef1' },
  },
  {
    name: 'branch with requested services',
    input: { ref: 'refs/heads/main', requested: ['worker'] },
    expected: { version: `sha-${SHORT}`, services: ['worker'], source: 'requested', shortSha: SHORT },
  },
  {
    name: 'repeated requested names are kept once',
    input: { ref: 'refs/heads/main', requested: ['worker', 'api', 'worker'] },
    expected: { version: `sha-${SHORT}`, services: ['api', 'worker'], source: 'requested', shortSha: SHORT },
  },
  {
    name: 'empty requested list means not set',
    input: { ref: 'refs/heads/main', requested: [] },
    expected: { version: `sha-${SHORT}`, services: all, source: 'branch', shortSha: SHORT },
  },
  {
    name: 'SHA ref with requested services',
    input: { ref: SHA, requested: ['web'] },
    expected: { version: `sha-${SHORT}`, services: ['web'], source: 'requested', shortSha: SHORT },
  },
];

describe('selectRelease', () => {
  test.each(selections)('$name', ({ input, expected }) => {
    expect(selectRelease({ sha: SHA, services, ...input })).toEqual(expected);
  });

  test('a service pattern wins over the stack tag when it matches', () => {
    const stackLike: ReleaseService[] = [
      { name: 'api', releaseTag: 'v*' },
      { name: 'worker', releaseTag: 'worker-v*' },
    ];
    expect(selectRelease({ ref: 'refs/tags/v1.0.0', sha: SHA, services: stackLike })).toEqual({
      version: '1.0.0',
      services: ['api'],
      source: 'service-tag',
      shortSha: SHORT,
    });
  });

  test('a bare 40-hex ref has to be the same commit as sha', () => {
    expect(selectRelease({ ref: SHA, sha: SHA.slice(0, 7), services }).source).toBe('sha');
  });
});

function contextOf(run: () => unknown): StackDeployError['context'] {
  try {
    run();
  } catch (error) {
    if (error instanceof StackDeployError) return error.context;
  }
  return expect.unreachable('expected a StackDeployError');
}

interface ErrorCase {
  name: string;
  input: Partial<SelectInput>;
  error: RegExp;
  hint?: RegExp;
}

const overlapping: ReleaseService[] = [
  { name: 'api', releaseTag: 'api-*' },
  { name: 'api-admin', releaseTag: 'api-admin-*' },
];

const errors: ErrorCase[] = [
  {
    name: 'tag matching no pattern lists every pattern',
    input: { ref: 'refs/tags/release-9' },
    error: /^"release-9" matches no release tag pattern; patterns: api-v\*, worker-v\*, web\/\*, v\* \(every service\)$/u,
  },
  {
    name: 'tag "v" alone matches nothing',
    input: { ref: 'refs/tags/v' },
    error: /"v" matches no release tag pattern/u,
  },
  {
    name: 'service pattern needs at least one character for *',
    input: { ref: 'refs/tags/api-v' },
    error: /"api-v" matches no release tag pattern/u,
  },
  {
    name: 'tag matching two service patterns names both services and patterns',
    input: { ref: 'refs/tags/api-admin-1.0.0', services: overlapping },
    error: /tag "api-admin-1\.0\.0" matches the release tag patterns of several services: api \(api-\*\), api-admin \(api-admin-\*\)/u,
  },
  {
    name: 'requested service contradicts the service tag',
    input: { ref: 'refs/tags/api-v1.2.3', requested: ['api', 'worker'] },
    error: /tag "api-v1\.2\.3" releases only service "api", but services "worker" were requested/u,
  },
  {
    name: 'unknown requested service gets a did-you-mean hint',
    input: { ref: 'refs/heads/main', requested: ['wroker'] },
    error: /unknown service requested: "wroker"/u,
    hint: /did you mean "wroker" → "worker"\? valid services: api, worker, web/u,
  },
  {
    name: 'unknown requested services without a close match list the valid names',
    input: { ref: 'refs/tags/v1.0.0', requested: ['database', 'cache'] },
    error: /unknown services requested: "database", "cache"/u,
    hint: /^valid services: api, worker, web$/u,
  },
  {
    name: 'unknown requested service is refused even with a service tag',
    input: { ref: 'refs/tags/api-v1.2.3', requested: ['--privileged'] },
    error: /unknown service requested: "--privileged"/u,
  },
  {
    name: 'stack tag version with a character Docker tags refuse',
    input: { ref: 'refs/tags/v1.2.3/hotfix' },
    error: /tag "v1\.2\.3\/hotfix" gives version "1\.2\.3\/hotfix", which is not a valid Docker tag/u,
    hint: /letters, digits, "_", "\." and "-"/u,
  },
  {
    name: 'service tag version longer than 128 characters',
    input: { ref: `refs/tags/api-v1.${'0'.repeat(130)}` },
    error: /which is not a valid Docker tag/u,
    hint: /at most 128 characters/u,
  },
  {
    name: 'service tag version starting with "."',
    input: { ref: 'refs/tags/web/.hidden' },
    error: /tag "web\/\.hidden" gives version "\.hidden", which is not a valid Docker tag/u,
  },
  {
    name: 'sha that is not hex',
    input: { ref: 'refs/heads/main', sha: 'not-a-sha' },
    error: /sha "not-a-sha" is not a commit SHA \(7 to 40 hexadecimal characters\)/u,
  },
  {
    name: 'sha shorter than 7',
    input: { ref: 'refs/heads/main', sha: 'abc123' },
    error: /sha "abc123" is not a commit SHA/u,
  },
  {
    name: 'sha longer than 40',
    input: { ref: 'refs/heads/main', sha: `${SHA}0` },
    error: /is not a commit SHA/u,
  },
  {
    name: 'empty sha',
    input: { ref: 'refs/heads/main', sha: '' },
    error: /sha "" is not a commit SHA/u,
  },
  {
    name: 'SHA ref that disagrees with sha',
    input: { ref: 'f'.repeat(40) },
    error: /ref "f{40}" is a commit SHA that differs from sha/u,
  },
  {
    name: 'empty ref',
    input: { ref: '' },
    error: /the Git ref is empty/u,
  },
  {
    name: 'refs/tags/ with no tag',
    input: { ref: 'refs/tags/' },
    error: /ref "refs\/tags\/" names no tag/u,
  },
  {
    name: 'release tag pattern without *',
    input: { ref: 'refs/heads/main', services: [{ name: 'api', releaseTag: 'api-v1' }] },
    error: /release tag pattern "api-v1" of service "api" must contain exactly one "\*"/u,
  },
  {
    name: 'release tag pattern with two *',
    input: { ref: 'refs/heads/main', services: [{ name: 'api', releaseTag: '*-v*' }] },
    error: /must contain exactly one "\*"/u,
  },
  {
    name: 'no services',
    input: { ref: 'refs/heads/main', services: [] },
    error: /the stack has no services to release/u,
  },
  {
    name: 'duplicate service names',
    input: { ref: 'refs/heads/main', services: [...services, { name: 'api', releaseTag: 'api2-v*' }] },
    error: /service names must be unique; repeated: "api"/u,
  },
];

describe('selectRelease refusals', () => {
  test.each(errors)('$name', ({ input, error, hint }) => {
    const run = (): ReleaseSelection => selectRelease({ ref: 'refs/heads/main', sha: SHA, services, ...input });
    expect(run).toThrow(StackDeployError);
    expect(run).toThrow(error);
    const context = contextOf(run);
    expect(context.step).toBe('select');
    expect(context.hint).toBeTruthy();
    if (hint !== undefined) expect(context.hint).toMatch(hint);
  });
});

describe('dockerTagFor', () => {
  test.each([
    ['1.2.3', '1.2.3'],
    ['1.2.3-rc.1', '1.2.3-rc.1'],
    ['1.2.3+build.5', '1.2.3-build.5'],
    ['1.2.3-rc.1+build.5.sha.abc', '1.2.3-rc.1-build.5.sha.abc'],
    ['1.0.0+a+b', '1.0.0-a-b'],
    [`sha-${SHORT}`, `sha-${SHORT}`],
  ])('%s → %s', (version, tag) => {
    expect(dockerTagFor(version)).toBe(tag);
    expect(isValidDockerTag(tag)).toBe(true);
  });
});

describe('isValidDockerTag', () => {
  test.each([
    ['1.2.3', true],
    ['latest', true],
    ['_private', true],
    ['A', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['', false],
    ['.hidden', false],
    ['-rc', false],
    ['1.2.3+build', false],
    ['1.2.3/x', false],
    ['has space', false],
    ['tag:colon', false],
  ])('%j → %s', (tag, valid) => {
    expect(isValidDockerTag(tag)).toBe(valid);
  });
});

describe('parseServicesInput', () => {
  test.each([
    ['', []],
    ['   ', []],
    ['api', ['api']],
    ['api, worker', ['api', 'worker']],
    ['api,worker', ['api', 'worker']],
    ['api\nworker', ['api', 'worker']],
    ['api\r\nworker\r\n', ['api', 'worker']],
    ['\n- \n', ['-']],
    [' api ,, worker ,\n web ', ['api', 'worker', 'web']],
    ['api worker', ['api', 'worker']],
    ['api, api, worker', ['api', 'worker']],
  ])('%j → %j', (text, expected) => {
    expect(parseServicesInput(text)).toEqual(expected);
  });
});

import { describe, expect, test } from 'vitest';
import { compareVersions, previousReleaseTag } from '../../../src/build/versions';

describe('compareVersions', () => {
  test.each<[string, string, '<' | '=' | '>']>([
    ['1.0.0', '2.0.0', '<'],
    ['2.0.0', '1.9.9', '>'],
    ['1.2.3', '1.2.3', '='],
    ['1.10.0', '1.9.0', '>'],
    ['1.0.10', '1.0.9', '>'],
    ['10.0.0', '9.99.99', '>'],
    // different lengths: missing parts count as 0
    ['2.0', '2.0.0', '='],
    ['2', '2.0.0', '='],
    ['2.0', '2.0.1', '<'],
    ['2.1', '2.0.9', '>'],
    ['1.2.3.4', '1.2.3', '>'],
    // a pre-release comes before its release
    ['1.0.0-rc.1', '1.0.0', '<'],
    ['1.0.0', '1.0.0-rc.1', '>'],
    ['1.0.0-rc.1', '0.9.9', '>'],
    // the SemVer precedence example, pair by pair
    ['1.0.0-alpha', '1.0.0-alpha.1', '<'],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', '<'],
    ['1.0.0-alpha.beta', '1.0.0-beta', '<'],
    ['1.0.0-beta', '1.0.0-beta.2', '<'],
    ['1.0.0-beta.2', '1.0.0-beta.11', '<'],
    ['1.0.0-beta.11', '1.0.0-rc.1', '<'],
    // numeric identifiers by value, and before alphanumeric ones
    ['1.0.0-rc.10', '1.0.0-rc.9', '>'],
    ['1.0.0-1', '1.0.0-alpha', '<'],
    ['1.0.0-alpha', '1.0.0-1', '>'],
    ['1.0.0-2', '1.0.0-10', '<'],
    // alphanumeric identifiers in ASCII order
    ['1.0.0-RC', '1.0.0-rc', '<'],
    ['1.0.0-rc.1', '1.0.0-rc.1', '='],
    // hyphens inside a pre-release belong to it
    ['1.0.0-rc-1', '1.0.0-rc-2', '<'],
    ['1.0.0-x-y.1', '1.0.0-x-y', '>'],
    // build metadata is ignored
    ['1.2.3+build.5', '1.2.3', '='],
    ['1.2.3+build.9', '1.2.3+build.10', '='],
    ['1.2.3-rc.1+b', '1.2.3-rc.1', '='],
    ['1.2.4+b', '1.2.3', '>'],
  ])('%s %s: %s', (a, b, expected) => {
    const sign = Math.sign(compareVersions(a, b));
    expect(sign).toBe({ '<': -1, '=': 0, '>': 1 }[expected]);
    // antisymmetric
    expect(Math.sign(compareVersions(b, a))).toBe(-sign || 0);
  });

  test('sorts a shuffled list into SemVer order', () => {
    const ordered = [
      '0.9.0',
      '1.0.0-1',
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2',
      '1.10.0',
      '2.0.0',
    ];
    const shuffled = [ordered[7], ordered[0], ordered[13], ordered[3], ordered[10], ordered[5], ordered[1], ordered[12], ordered[9], ordered[2], ordered[11], ordered[6], ordered[4], ordered[8]] as string[];
    expect(new Set(shuffled).size).toBe(ordered.length);
    expect([...shuffled].sort(compareVersions)).toEqual(ordered);
  });
});

describe('previousReleaseTag', () => {
  test.each<[string, string[], string, string | undefined]>([
    ['highest below the current', ['1.0.0', '1.2.0', '1.1.0', '2.0.0', '1.3.0'], '1.3.0', '1.2.0'],
    ['numeric, not string, order', ['1.9.0', '1.10.0', '1.2.0'], '1.11.0', '1.10.0'],
    ['the current tag itself is skipped', ['1.0.0', '1.1.0'], '1.1.0', '1.0.0'],
    ['newer tags than the current are ignored', ['1.0.0', '3.0.0'], '2.0.0', '1.0.0'],
    ['sha tags are ignored', ['sha-abcdef0', 'sha-1234567', '0.1.0'], '0.2.0', '0.1.0'],
    ['non-version tags are ignored', ['latest', 'main', 'v9.0.0', 'stable-1', '1.0.0'], '1.5.0', '1.0.0'],
    ['a pre-release of the current version is below it', ['2.0.0-rc.1', '1.9.0'], '2.0.0', '2.0.0-rc.1'],
    ['for a pre-release, the release it precedes is not previous', ['2.0.0', '2.0.0-rc.1', '1.9.0'], '2.0.0-rc.2', '2.0.0-rc.1'],
    ['sha current: the highest release overall', ['1.0.0', '2.0.0-rc.1', '1.5.0', 'sha-0000000', 'latest'], 'sha-abcdef0', '2.0.0-rc.1'],
    ['sha current and only sha tags', ['sha-0000000', 'sha-1111111'], 'sha-abcdef0', undefined],
    ['nothing below the current', ['2.0.0', '3.0.0'], '1.0.0', undefined],
    ['no tags at all', [], '1.0.0', undefined],
    ['no tags at all, sha current', [], 'sha-abcdef0', undefined],
    ['short versions compare with long ones', ['1.2', '1.1.9'], '1.2.1', '1.2'],
  ])('%s', (_name, tags, current, expected) => {
    expect(previousReleaseTag(tags, current)).toBe(expected);
  });

  test('does not reorder the caller\'s array', () => {
    const tags = ['2.0.0', '1.0.0', '3.0.0'];
    previousReleaseTag(tags, 'sha-abcdef0');
    expect(tags).toEqual(['2.0.0', '1.0.0', '3.0.0']);
  });
});

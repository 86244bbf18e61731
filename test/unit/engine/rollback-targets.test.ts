import { describe, expect, test } from 'vitest';
import type { HostState, LedgerEntry } from '../../../src/deploy/host-inspect';
import { imagesOfVersion, rollbackImages } from '../../../src/engine/release-images';
import { thrownBy } from '../helpers';

const WEB = 'ghcr.io/acme/web';
const API = 'ghcr.io/acme/api';
const REPOS = [
  { name: 'web', repo: WEB },
  { name: 'api', repo: API },
];
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function deployed(version: string, pins: Record<string, string>, more: Partial<LedgerEntry> = {}): LedgerEntry {
  return { time: 't', version, action: 'deploy', result: 'success', services: Object.entries(pins).map(([name, pinned]) => ({ name, from: '', to: '', pinned })), ...more };
}

function state(ledger: LedgerEntry[], rollback: Record<string, { digests: string[]; version?: string }> = {}): HostState {
  return {
    project: 'shop-production',
    ledger,
    services: REPOS.map(({ name }) => {
      const r = rollback[name];
      return { name, rollback: r === undefined ? undefined : { image: 'sha256:local', repoDigests: r.digests, version: r.version } };
    }),
  };
}

describe('imagesOfVersion: the images the ledger records for a release', () => {
  test('each service at the digest of the last successful deploy of that version', () => {
    const ledger = [
      deployed('1.0.0', { web: `${WEB}@${digest(1)}`, api: `${API}@${digest(2)}` }),
      deployed('1.0.0', { web: `${WEB}@${digest(3)}` }),
      deployed('2.0.0', { web: `${WEB}@${digest(4)}`, api: `${API}@${digest(5)}` }),
    ];
    expect(imagesOfVersion(state(ledger), REPOS, '1.0.0', 'production')).toEqual([
      { service: 'web', image: WEB, pinned: `${WEB}@${digest(3)}` },
      { service: 'api', image: API, pinned: `${API}@${digest(2)}` },
    ]);
  });

  test('failed deploys, unlocks and empty pins do not count', () => {
    const ledger = [
      deployed('1.0.0', { web: `${WEB}@${digest(1)}`, api: `${API}@${digest(2)}` }),
      deployed('1.0.0', { web: `${WEB}@${digest(7)}` }, { result: 'rolled-back' }),
      deployed('1.0.0', { web: `${WEB}@${digest(8)}` }, { action: 'unlock' }),
      deployed('1.0.0', { web: '' }),
    ];
    expect(imagesOfVersion(state(ledger), REPOS, '1.0.0', 'production').map((t) => t.pinned)).toEqual([`${WEB}@${digest(1)}`, `${API}@${digest(2)}`]);
  });

  test('a version is found by its Docker tag too (v1.0.0+build.5 is tagged v1.0.0-build.5)', () => {
    const ledger = [deployed('v1.0.0+build.5', { web: `${WEB}@${digest(1)}`, api: `${API}@${digest(2)}` })];
    expect(imagesOfVersion(state(ledger), REPOS, 'v1.0.0-build.5', 'production')).toHaveLength(2);
  });

  test('a version never deployed names the versions the ledger knows, newest first', () => {
    const ledger = [deployed('1.0.0', { web: `${WEB}@${digest(1)}` }), deployed('2.0.0', { web: `${WEB}@${digest(2)}` }), deployed('3.0.0', {}, { result: 'failed' })];
    const error = thrownBy(() => imagesOfVersion(state(ledger), REPOS, '9.9.9', 'production'));
    expect(error.message).toBe('version "9.9.9" was never deployed successfully to production');
    expect(error.context).toMatchObject({ step: 'select', hint: 'the ledger knows: 2.0.0, 1.0.0' });
  });

  test('an empty ledger says so', () => {
    expect(thrownBy(() => imagesOfVersion(state([]), REPOS, '1.0.0', 'production')).context.hint).toBe('the ledger on the host has no successful deploy yet');
  });

  test('a service that was not part of that release is named', () => {
    const error = thrownBy(() => imagesOfVersion(state([deployed('1.0.0', { web: `${WEB}@${digest(1)}` })]), REPOS, '1.0.0', 'production'));
    expect(error.message).toBe('service api was not part of a deploy of version 1.0.0');
    expect(error.context).toMatchObject({ service: 'api', step: 'select' });
  });
});

describe('rollbackImages: each service back to its rollback image', () => {
  test('the digest in the service repository, and the version both carry', () => {
    const host = state([], {
      web: { digests: [`mirror.example/web@${digest(9)}`, `${WEB}@${digest(1)}`], version: '1.0.0' },
      api: { digests: [`${API}@${digest(2)}`], version: '1.0.0' },
    });
    expect(rollbackImages(host, REPOS)).toEqual({
      version: '1.0.0',
      targets: [
        { service: 'web', image: WEB, pinned: `${WEB}@${digest(1)}` },
        { service: 'api', image: API, pinned: `${API}@${digest(2)}` },
      ],
    });
  });

  test('services at different versions, or without a version label: "previous"', () => {
    const differ = state([], { web: { digests: [`${WEB}@${digest(1)}`], version: '1.0.0' }, api: { digests: [`${API}@${digest(2)}`], version: '0.9.0' } });
    expect(rollbackImages(differ, REPOS).version).toBe('previous');
    const unlabelled = state([], { web: { digests: [`${WEB}@${digest(1)}`] }, api: { digests: [`${API}@${digest(2)}`] } });
    expect(rollbackImages(unlabelled, REPOS).version).toBe('previous');
  });

  test.each([
    ['no rollback image', {}],
    ['a rollback image with no digest in the service repository (never pushed there)', { api: { digests: [`mirror.example/api@${digest(2)}`] } }],
  ])('%s: the service is named', (_name, apiRollback) => {
    const host = state([], { web: { digests: [`${WEB}@${digest(1)}`] }, ...apiRollback });
    const error = thrownBy(() => rollbackImages(host, REPOS));
    expect(error.message).toBe('there is no previous version of api to roll back to on the host');
    expect(error.context).toMatchObject({ service: 'api', step: 'select' });
  });
});

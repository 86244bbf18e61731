import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  formatBytes,
  formatSizeDelta,
  manifestCompressedSize,
  measureImageSize,
  pickPlatformManifest,
} from '../../../src/build/size';
import { StackDeployError } from '../../../src/errors';
import { FakeExecutor, succeeded } from '../fakes';
import { rejectionOf, seededRandom, thrownBy } from '../helpers';

/** Deterministic PRNG (mulberry32). */

/** Half random bytes, half repeated text: gzip shrinks it, but not to nothing. */
function layerBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const bytes = Buffer.alloc(length);
  const text = Buffer.from(`layer ${seed}: the same line again and again\n`);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(i / 4096) % 2 === 0 ? Math.floor(random() * 256) : (text[i % text.length] ?? 0);
  return bytes;
}

describe('formatBytes', () => {
  test.each<[number, string]>([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1234, '1.2 kB'],
    [99_949, '99.9 kB'],
    [99_950, '100 kB'],
    [300_000, '300 kB'],
    [999_499, '999 kB'],
    [999_950, '1.0 MB'],
    [12_345_678, '12.3 MB'],
    [1_500_000_000, '1.5 GB'],
    [2_000_000_000_000, '2.0 TB'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatSizeDelta', () => {
  test.each<[number, number, string]>([
    [12_700_000, 11_500_000, '+1.2 MB (+10.4%)'],
    [9_700_000, 10_000_000, '-300 kB (-3.0%)'],
    [5_000, 5_000, '±0 B'],
    [1_000_001, 1_000_000, '+1 B (+0.0%)'],
    [2_000_000, 0, '+2.0 MB'],
  ])('%d against %d → %s', (current, previous, text) => {
    expect(formatSizeDelta(current, previous)).toBe(text);
  });
});

const DOCKER_V2 = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1469, digest: 'sha256:c0' },
  layers: [
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2_811_947, digest: 'sha256:l1' },
    { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32, digest: 'sha256:l2' },
  ],
});
const OCI = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 581, digest: 'sha256:c0' },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 1000, digest: 'sha256:l1' }],
});
const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { digest: 'sha256:amd', size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:arm64', size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: 'sha256:armv6', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { digest: 'sha256:armv7', size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: 'sha256:attestation', size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
  ],
});

describe('manifestCompressedSize', () => {
  test.each<[string, string, number]>([
    ['Docker v2 schema 2', DOCKER_V2, 1469 + 2_811_947 + 32],
    ['OCI image manifest', OCI, 581 + 1000],
    ['docker manifest inspect --verbose output', JSON.stringify({ Ref: 'x', Descriptor: {}, SchemaV2Manifest: JSON.parse(DOCKER_V2) }), 1469 + 2_811_947 + 32],
    ['no layers', JSON.stringify({ schemaVersion: 2, config: { size: 10 }, layers: [] }), 10],
  ])('%s', (_kind, raw, size) => {
    expect(manifestCompressedSize(raw)).toBe(size);
  });

  test.each<[string, string, RegExp]>([
    ['an OCI index', INDEX, /index.*platforms/u],
    ['a Docker manifest list', JSON.stringify({ ...JSON.parse(INDEX), mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' }), /index/u],
    ['schema version 1', JSON.stringify({ schemaVersion: 1, fsLayers: [] }), /schema version 1/u],
    ['a layer without size', JSON.stringify({ schemaVersion: 2, config: { size: 1 }, layers: [{ digest: 'sha256:x' }] }), /layers\[0\]\.size/u],
    ['a negative size', JSON.stringify({ schemaVersion: 2, config: { size: -1 }, layers: [] }), /config\.size/u],
    ['not JSON', '<html>', /not JSON/u],
  ])('refuses %s', (_kind, raw, message) => {
    const error = thrownBy(() => manifestCompressedSize(raw));
    expect(error.message).toMatch(message);
    expect(error.context.step).toBe('size');
  });

  test('an index asks for a platform', () => {
    expect(thrownBy(() => manifestCompressedSize(INDEX)).context.hint).toMatch(/platform/u);
  });
});

describe('pickPlatformManifest', () => {
  test.each<[string, string]>([
    ['linux/amd64', 'sha256:amd'],
    ['linux/arm64', 'sha256:arm64'],
    ['linux/arm64/v8', 'sha256:arm64'],
    ['linux/arm/v7', 'sha256:armv7'],
    ['linux/arm/v6', 'sha256:armv6'],
  ])('%s → %s', (platform, digest) => {
    expect(pickPlatformManifest(INDEX, platform)).toBe(digest);
  });

  test.each<[string, string, string, RegExp]>([
    ['a platform the index lacks', INDEX, 'linux/s390x', /no manifest for platform linux\/s390x/u],
    ['an ambiguous platform', INDEX, 'linux/arm', /several manifests.*linux\/arm\/v6, linux\/arm\/v7/u],
    ['a malformed platform', INDEX, 'amd64', /not of the form/u],
    ['a single-platform manifest', DOCKER_V2, 'linux/amd64', /not an index/u],
  ])('refuses %s', (_case, raw, platform, message) => {
    expect(thrownBy(() => pickPlatformManifest(raw, platform)).message).toMatch(message);
  });

  test('a missing platform lists the ones there are, without attestations', () => {
    expect(thrownBy(() => pickPlatformManifest(INDEX, 'windows/amd64')).context.hint).toBe(
      'choose one of: linux/amd64, linux/arm64/v8, linux/arm/v6, linux/arm/v7',
    );
  });
});

/** The shared fake executor "running" docker image save: it streams `archive` in random chunks. */
function savingExecutor(archive: Buffer, seed: number): FakeExecutor {
  return new FakeExecutor(async (_cmd, options) => {
    const onStdoutBytes = options.onStdoutBytes;
    if (onStdoutBytes === undefined) throw new Error('measureImageSize must stream stdout as bytes');
    const random = seededRandom(seed);
    for (let offset = 0; offset < archive.length; ) {
      const size = 1 + Math.floor(random() * 100_000);
      onStdoutBytes(archive.subarray(offset, offset + size));
      offset += size;
      if (random() < 0.3) await new Promise((resolve) => setImmediate(resolve));
    }
    return succeeded();
  });
}

const REF = 'ghcr.io/acme/api:1.2.3';
let workDir: string;

/** A docker-save archive made with the system tar from `files` (name → content) and `links` (name → target). */
function saveArchive(name: string, files: Readonly<Record<string, Buffer | string>>, links: Readonly<Record<string, string>> = {}): Buffer {
  const root = join(workDir, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  }
  const archive = join(workDir, `${name}.tar`);
  execFileSync('tar', ['-cf', archive, '-C', root, ...Object.keys(files), ...Object.keys(links)]);
  return readFileSync(archive);
}

function saveManifest(config: string, layers: readonly string[]): string {
  return JSON.stringify([{ Config: config, RepoTags: [REF], Layers: layers }]);
}

const CONFIG = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['sha256:a', 'sha256:b'] }, history: [] }));
const LAYER_A = layerBytes(400_000, 1);
const LAYER_B = layerBytes(150_000, 2);
/** An empty layer is a tar of two zero blocks: 1024 bytes, kept in memory rather than streamed through gzip. */
const EMPTY_LAYER = Buffer.alloc(1024);
const GZIPPED_LAYER = gzipSync(layerBytes(50_000, 3));
const gzipped = (data: Buffer) => gzipSync(data).length;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'stack-deploy-size-'));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('measureImageSize', () => {
  test.each([1, 2, 3])('docker before 25 (<id>/layer.tar), chunking seed %d: gzip of each layer plus the config', async (seed) => {
    const archive = saveArchive(`legacy-${seed}`, {
      'aaaa/VERSION': '1.0',
      'aaaa/json': '{}',
      'aaaa/layer.tar': LAYER_A,
      'bbbb/VERSION': '1.0',
      'bbbb/json': '{}',
      'bbbb/layer.tar': LAYER_B,
      'cccc.json': CONFIG,
      'manifest.json': saveManifest('cccc.json', ['aaaa/layer.tar', 'bbbb/layer.tar']),
      repositories: '{}',
    });
    const executor = savingExecutor(archive, seed);
    const size = await measureImageSize(executor, REF);
    expect(size).toEqual({
      compressedBytes: gzipped(LAYER_A) + gzipped(LAYER_B) + CONFIG.length,
      uncompressedBytes: LAYER_A.length + LAYER_B.length + CONFIG.length,
      layers: 2,
    });
    expect(executor.calls.map((call) => call.argv)).toEqual([['docker', 'image', 'save', REF]]);
  });

  test('docker 25+ (blobs/sha256/<hex>): a repeated, an empty and an already-gzipped layer', async () => {
    const archive = saveArchive('oci', {
      'blobs/sha256/aaaa': LAYER_A,
      'blobs/sha256/eeee': EMPTY_LAYER,
      'blobs/sha256/gggg': GZIPPED_LAYER,
      'blobs/sha256/cccc': CONFIG,
      'index.json': '{}',
      'oci-layout': '{"imageLayoutVersion":"1.0.0"}',
      'manifest.json': saveManifest('blobs/sha256/cccc', [
        'blobs/sha256/aaaa',
        'blobs/sha256/eeee',
        'blobs/sha256/aaaa',
        'blobs/sha256/gggg',
      ]),
    });
    const size = await measureImageSize(savingExecutor(archive, 4), REF);
    expect(size).toEqual({
      compressedBytes: gzipped(LAYER_A) + gzipped(EMPTY_LAYER) + GZIPPED_LAYER.length + CONFIG.length,
      uncompressedBytes: LAYER_A.length + EMPTY_LAYER.length + GZIPPED_LAYER.length + CONFIG.length,
      layers: 3,
    });
  });

  test('a layer docker saved as a symlink to an identical earlier layer counts once', async () => {
    const archive = saveArchive(
      'symlinked',
      {
        'aaaa/layer.tar': LAYER_A,
        'cccc.json': CONFIG,
        'manifest.json': saveManifest('cccc.json', ['aaaa/layer.tar', 'bbbb/layer.tar']),
      },
      { 'bbbb/layer.tar': '../aaaa/layer.tar' },
    );
    const size = await measureImageSize(savingExecutor(archive, 5), REF);
    expect(size).toEqual({ compressedBytes: gzipped(LAYER_A) + CONFIG.length, uncompressedBytes: LAYER_A.length + CONFIG.length, layers: 1 });
  });

  test('a layer larger than the 1 MiB compressed at a time counts within 0.2% of gzip of it whole', async () => {
    const bigLayer = layerBytes(2_600_000, 7);
    const archive = saveArchive('big', {
      'aaaa/layer.tar': bigLayer,
      'cccc.json': CONFIG,
      'manifest.json': saveManifest('cccc.json', ['aaaa/layer.tar']),
    });
    const size = await measureImageSize(savingExecutor(archive, 8), REF);
    const expected = gzipped(bigLayer) + CONFIG.length;
    expect(Math.abs(size.compressedBytes - expected) / expected).toBeLessThan(0.002);
    expect(size.uncompressedBytes).toBe(bigLayer.length + CONFIG.length);
  });

  test('a failing docker image save is reported as the size step of the service', async () => {
    const failing = new FakeExecutor(() => {
      throw new StackDeployError('docker exited with code 1', { host: 'local', exitCode: 1, outputTail: 'No such image' });
    });
    const error = await rejectionOf(() => measureImageSize(failing, REF, { service: 'api' }));
    expect(error.message).toBe('docker exited with code 1');
    expect(error.context).toMatchObject({ host: 'local', service: 'api', step: 'size', exitCode: 1, outputTail: 'No such image' });
    expect(error.context.hint).toMatch(/docker image save/u);
  });

  test.each<[string, () => Buffer, RegExp]>([
    ['output that is not a tar archive', () => Buffer.from('Error: not a tarball\n'.repeat(100)), /tar/u],
    ['an archive without manifest.json', () => saveArchive('no-manifest', { 'aaaa/layer.tar': LAYER_B }), /no manifest\.json/u],
    [
      'a manifest naming a layer the archive lacks',
      () => saveArchive('missing-layer', { 'cccc.json': CONFIG, 'manifest.json': saveManifest('cccc.json', ['zzzz/layer.tar']) }),
      /layer zzzz\/layer\.tar/u,
    ],
    [
      'a truncated archive',
      () =>
        saveArchive('truncated', { 'aaaa/layer.tar': LAYER_A, 'cccc.json': CONFIG, 'manifest.json': saveManifest('cccc.json', ['aaaa/layer.tar']) }).subarray(
          0,
          200_000,
        ),
      /truncated/u,
    ],
  ])('refuses %s', async (_case, archive, message) => {
    const error = await rejectionOf(() => measureImageSize(savingExecutor(archive(), 6), REF, { service: 'api' }));
    expect(error.message).toMatch(message);
    expect(error.context).toMatchObject({ service: 'api', step: 'size', host: 'local' });
  });
});

// The size measured before a push (docker image save, gzip per layer) against what the lab
// registry records after the push (its manifest's layer and config sizes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatBytes, formatSizeDelta, manifestCompressedSize, measureImageSize } from '../../src/build/size';
import { command } from '../../src/commands/command';
import { buildImage, loginRegistry, logoutRegistry, pushImage } from '../../src/commands/docker';
import { LocalExecutor } from '../../src/exec/local';
import { Redactor } from '../../src/exec/redact';
import { readLab, type Lab } from '../lab/lab';

const RANDOM_FILE_BYTES = 2 * 1024 * 1024;
const TOLERANCE = 0.03;

let lab: Lab;
let executor: LocalExecutor;
const tmpDirs: string[] = [];
const createdImages: string[] = [];
/** docker's client config for this file only: root's ~/.docker stays untouched by login. */
let dockerEnv: Record<string, string>;

function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

beforeAll(() => {
  lab = readLab();
  const redactor = new Redactor();
  redactor.add(lab.registry.password);
  // The runner engine is the default socket: never inherit a DOCKER_HOST or context from the caller.
  const baseEnv = { ...process.env };
  delete baseEnv['DOCKER_HOST'];
  delete baseEnv['DOCKER_CONTEXT'];
  executor = new LocalExecutor(redactor, baseEnv);
  dockerEnv = { DOCKER_CONFIG: tmp('stack-deploy-size-docker-config-') };
});

afterAll(async () => {
  for (const ref of createdImages) {
    await executor.run(command(['docker', 'image', 'rm', ref]), { allowFailure: true, env: dockerEnv, timeoutMs: 60_000 });
  }
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

async function registryManifest(name: string, tag: string): Promise<string> {
  const credentials = Buffer.from(`${lab.registry.username}:${lab.registry.password}`).toString('base64');
  const response = await fetch(`http://${lab.registry.host}/v2/${name}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json', Authorization: `Basic ${credentials}` },
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`registry answered ${response.status} for ${name}:${tag}: ${body.slice(0, 300)}`);
  return body;
}

describe('image size before push', () => {
  test('the size measured from docker image save is within 3% of what the registry stores', async () => {
    const repository = `size-e2e-${randomBytes(4).toString('hex')}/img`;
    const ref = `${lab.registry.host}/${repository}:t1`;

    const context = tmp('stack-deploy-size-context-');
    writeFileSync(join(context, 'random.bin'), randomBytes(RANDOM_FILE_BYTES));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${lab.images.busybox}\nCOPY random.bin /data/random.bin\n`);
    createdImages.push(ref);
    await executor.run(buildImage({ builder: 'classic', context, tags: [ref], network: 'host' }), {
      env: dockerEnv,
      timeoutMs: 120_000,
    });

    const measured = await measureImageSize(executor, ref, { service: 'size-e2e' });

    await executor.run(loginRegistry({ registry: lab.registry.host, username: lab.registry.username, password: lab.registry.password }), { env: dockerEnv, timeoutMs: 30_000 });
    try {
      await executor.run(pushImage(ref), { env: dockerEnv, timeoutMs: 120_000 });
    } finally {
      await executor.run(logoutRegistry(lab.registry.host), { env: dockerEnv, timeoutMs: 30_000, allowFailure: true });
    }
    const stored = manifestCompressedSize(await registryManifest(repository, 't1'));

    const difference = (measured.compressedBytes - stored) / stored;
    console.log(
      `size e2e: measured ${measured.compressedBytes} B (${formatBytes(measured.compressedBytes)}, ${measured.layers} layers, ` +
        `${formatBytes(measured.uncompressedBytes)} uncompressed), registry ${stored} B (${formatBytes(stored)}): ` +
        `${formatSizeDelta(measured.compressedBytes, stored)}, ${(difference * 100).toFixed(3)}%`,
    );
    expect(measured.layers).toBe(2);
    expect(measured.compressedBytes).toBeGreaterThan(RANDOM_FILE_BYTES);
    expect(Math.abs(difference)).toBeLessThanOrEqual(TOLERANCE);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import { loadManifest } from '../../../src/manifest';
import { manifestFixturePath } from './fixtures';

describe('loadManifest', () => {
  let directory = '';

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'stack-deploy-manifest-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads and parses a manifest file', async () => {
    const file = manifestFixturePath('full.yml');

    const result = await loadManifest(file);

    expect(result.ok).toBe(true);
    expect(result.file).toBe(file);
    expect(result.ok ? result.manifest.name : undefined).toBe('shop');
  });

  it('throws a StackDeployError naming the file and its absolute directory when the file is missing', async () => {
    const file = join(directory, 'stack.yml');

    const error: unknown = await loadManifest(file).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(StackDeployError);
    expect(error).toMatchObject({
      message: `stack.yml not found in ${directory}; set the input "manifest"`,
      context: { hint: expect.stringContaining('"manifest" input') },
    });
  });

  it('resolves a relative path against the working directory in the message', async () => {
    const error: unknown = await loadManifest('no-such-dir/deploy.yml').catch((thrown: unknown) => thrown);

    expect(error).toMatchObject({ message: `deploy.yml not found in ${join(process.cwd(), 'no-such-dir')}; set the input "manifest"` });
  });

  it('throws a StackDeployError when the path is a directory', async () => {
    const error: unknown = await loadManifest(directory).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(StackDeployError);
    expect(error).toMatchObject({ message: `${directory} is a directory, not a manifest file` });
  });

  it('returns issues (not an exception) for an invalid manifest', async () => {
    const file = join(directory, 'stack.yml');
    await writeFile(file, 'version: 1\n');

    const result = await loadManifest(file);

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual(['name', 'services', 'environments']);
  });
});

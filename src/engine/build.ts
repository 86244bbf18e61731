import { availableParallelism } from 'node:os';
import { buildImages, detectBuilder } from '../build/build-images';
import { chooseBuildCache } from '../build/cache';
import type { ServiceBuild } from '../build/plan';
import { pushImages, withRegistryLogins } from '../build/publish';
import { formatBytes, formatSizeDelta, manifestCompressedSize, measureImageSize } from '../build/size';
import { previousReleaseTag } from '../build/versions';
import { StackDeployError } from '../errors';
import { RegistryClient } from '../registry/client';
import { dockerConfigCredentials } from '../registry/docker-config';
import { parseImageRef } from '../registry/image-ref';
import { settleWithLimit } from '../util/pool';
import type { RunContext } from './context';
import { credentialsFor } from './settings';

/** One built image, measured and (when every check passed) pushed. */
export interface BuiltImage {
  readonly service: string;
  readonly image: string;
  /** `image:<version>`. */
  readonly releaseRef: string;
  /** Compressed size: measured before the push, then as the registry stores it. */
  readonly bytes: number;
  readonly sizeLimit?: number;
  readonly previous?: { readonly tag: string; readonly bytes: number };
  /** `image@sha256:…`, read back from the registry after the push. */
  readonly pinned?: string;
}

export class SizeBudgetError extends StackDeployError {
  readonly images: readonly BuiltImage[];

  constructor(message: string, images: readonly BuiltImage[], hint: string) {
    super(message, { step: 'size', hint });
    this.name = 'SizeBudgetError';
    this.images = images;
  }
}

/** One registry client per registry for a run, with the credentials it may read the registry with. */
export function registryClientFor(context: RunContext, registry: string, clients: Map<string, RegistryClient>): RegistryClient {
  let client = clients.get(registry);
  if (client === undefined) {
    // Reading the registry may also use the runner's own docker login (never sent to a host).
    const credentials = credentialsFor(registry, context.settings) ?? dockerConfigCredentials(registry, context.env);
    client = new RegistryClient(registry, { credentials });
    clients.set(registry, client);
  }
  return client;
}

/** The size of the release before this one, or undefined when there is none (or it cannot be read). */
async function previousRelease(context: RunContext, client: RegistryClient, build: ServiceBuild, versionTag: string) {
  const { repository } = parseImageRef(build.image);
  try {
    const tag = previousReleaseTag(await client.tags(repository), versionTag);
    if (tag === undefined) return undefined;
    const manifest = await client.manifest(repository, tag);
    if (manifest === undefined) return undefined;
    return { tag, bytes: manifestCompressedSize(manifest.body) };
  } catch (error) {
    context.reporter.warning(`${build.service}: the previous release's size could not be read: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

export function budgetVerdict(image: BuiltImage): string {
  if (image.sizeLimit === undefined) return 'no budget';
  return image.bytes <= image.sizeLimit ? 'pass' : 'over budget';
}

/** Size, budget, change from the previous release: the words of one summary row. */
export function sizeRow(image: BuiltImage): string[] {
  return [
    image.service,
    formatBytes(image.bytes),
    image.sizeLimit === undefined ? '—' : formatBytes(image.sizeLimit),
    image.previous === undefined ? '—' : `${formatSizeDelta(image.bytes, image.previous.bytes)} vs ${image.previous.tag}`,
    budgetVerdict(image),
  ];
}

/** Builds the images locally and measures each against its budget and the previous release. Pushes nothing. */
export async function buildAndMeasure(context: RunContext, builds: readonly ServiceBuild[], versionTag: string, clients = new Map<string, RegistryClient>()): Promise<BuiltImage[]> {
  const { reporter, local } = context;
  const builder = await detectBuilder(local);
  // The Actions cache client (and the storage SDK under it) is loaded only when images are built.
  const { actionsCacheStore } = await import('../build/actions-cache-store');
  const cache = await chooseBuildCache(context.settings.buildCache, {
    executor: local,
    builder,
    env: context.env,
    store: actionsCacheStore,
    warn: (message) => reporter.warning(message),
  });
  reporter.info(
    `Building ${builds.map((b) => b.service).join(', ')} with ${builder === 'buildx' ? 'docker buildx' : 'the classic docker builder'}; ` +
      `build cache ${cache.disabledBecause === undefined ? `on (${cache.description ?? context.settings.buildCache})` : `off because ${cache.disabledBecause}`}`,
  );
  await cache.restore(builds);
  // A registry cache is written during the build: the registries' logins must already be there.
  const build = () => buildImages(builds, { executor: local, reporter, builder, cache });
  await (cache.writesToRegistry ? withRegistryLogins(local, registryLogins(context, builds), (registry) => context.cleanup.registryLogin(registry), build) : build());
  await cache.save(builds);
  return reporter.group('Measure image sizes', async () => {
    const results = await settleWithLimit(builds, availableParallelism(), async (build): Promise<BuiltImage> => {
      const client = registryClientFor(context, parseImageRef(build.image).registry, clients);
      const [size, previous] = await Promise.all([measureImageSize(local, build.releaseRef, { service: build.service }), previousRelease(context, client, build, versionTag)]);
      const image = { service: build.service, image: build.image, releaseRef: build.releaseRef, bytes: size.compressedBytes, sizeLimit: build.sizeLimit, previous };
      reporter.info(sizeRow(image).join('  '));
      return image;
    });
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.map((r) => (r as PromiseFulfilledResult<BuiltImage>).value);
  });
}

/** The logins a run's registries need: those with credentials in the settings. */
function registryLogins(context: RunContext, builds: readonly ServiceBuild[]) {
  const registries = [...new Set(builds.map((b) => parseImageRef(b.image).registry))];
  return registries.flatMap((registry) => {
    const credentials = credentialsFor(registry, context.settings);
    return credentials === undefined ? [] : [{ registry, credentials }];
  });
}

/**
 * Builds the images, measures them against their budgets, and only when every image passes
 * pushes all their tags and reads back each digest and stored size from the registry.
 */
export async function buildAndPublish(context: RunContext, builds: readonly ServiceBuild[], versionTag: string): Promise<BuiltImage[]> {
  const { reporter, local } = context;
  const clients = new Map<string, RegistryClient>();
  const measured = await buildAndMeasure(context, builds, versionTag, clients);

  const over = measured.filter((image) => budgetVerdict(image) === 'over budget');
  if (over.length > 0) {
    const details = over.map((image) => {
      const change = image.previous === undefined ? '' : `, ${formatSizeDelta(image.bytes, image.previous.bytes)} since ${image.previous.tag}`;
      return `${image.service} is ${formatBytes(image.bytes)}, over its size_limit of ${formatBytes(image.sizeLimit ?? 0)}${change}`;
    });
    throw new SizeBudgetError(`size budget exceeded: ${details.join('; ')}. Nothing was pushed.`, measured, 'make the image smaller (multi-stage build, slimmer base image, fewer files), or raise services.<name>.size_limit in stack.yml');
  }

  const logins = registryLogins(context, builds);
  await reporter.group('Push images', () =>
    withRegistryLogins(local, logins, (registry) => context.cleanup.registryLogin(registry), () => pushImages(local, builds)),
  );

  return reporter.group('Read back digests', async () =>
    Promise.all(
      measured.map(async (image) => {
        const { registry, repository } = parseImageRef(image.image);
        const manifest = await registryClientFor(context, registry, clients).manifest(repository, versionTag);
        if (manifest === undefined) {
          throw new StackDeployError(`the registry has no ${image.releaseRef} right after it was pushed`, { service: image.service, step: 'push' });
        }
        const pinned = `${image.image}@${manifest.digest}`;
        let bytes = image.bytes;
        try {
          bytes = manifestCompressedSize(manifest.body);
        } catch {
          // A multi-platform index has no single size: keep the measured one.
        }
        reporter.info(`${image.service}: ${pinned} (${formatBytes(bytes)})`);
        return { ...image, bytes, pinned };
      }),
    ),
  );
}

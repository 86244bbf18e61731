import { RegistryClient } from '../registry/client';
import { parseImageRef } from '../registry/image-ref';
import { registryClientFor } from './build';
import type { RunContext } from './context';

/**
 * The digest a tag pin has in its registry now, to tell that it moved; undefined when it cannot be
 * read (or is pinned by digest). The deploy's credentials go to the stack's own registry only.
 */
export async function upstreamDigest(context: RunContext, image: string, ownRegistry: string, clients: Map<string, RegistryClient>): Promise<string | undefined> {
  const ref = parseImageRef(image);
  if (ref.digest !== undefined || ref.tag === undefined) return undefined;
  try {
    const client = ref.registry === ownRegistry ? registryClientFor(context, ref.registry, clients) : new RegistryClient(ref.registry, {});
    return (await client.manifest(ref.repository, ref.tag))?.digest;
  } catch {
    return undefined;
  }
}

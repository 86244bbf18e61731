import { RegistryClient } from '../registry/client';
import { parseImageRef } from '../registry/image-ref';
import { registryClientFor } from './build';
import type { RunContext } from './context';

/**
 * The digest a tag pin has in its registry now, to tell that it moved; undefined when it cannot be
 * read (or is pinned by digest). The deploy's credentials go to the stack's own registry only.
 */
async function upstreamDigest(context: RunContext, image: string, ownRegistry: string, clients: Map<string, RegistryClient>): Promise<string | undefined> {
  const ref = parseImageRef(image);
  if (ref.digest !== undefined || ref.tag === undefined) return undefined;
  try {
    const client = ref.registry === ownRegistry ? registryClientFor(context, ref.registry, clients) : new RegistryClient(ref.registry, {});
    return (await client.manifest(ref.repository, ref.tag))?.digest;
  } catch {
    return undefined;
  }
}

/**
 * Where an infrastructure service's tag moved upstream while the host still runs the digest it
 * resolved for the same pin: `{ upstream, current }`; undefined when it did not move, or cannot
 * be told (no recorded digest, another pin, a registry that does not answer).
 */
export async function movedUpstream(
  context: RunContext,
  image: string,
  recorded: { readonly pin: string; readonly pinned: string } | undefined,
  ownRegistry: string,
  clients: Map<string, RegistryClient>,
): Promise<{ upstream: string; current: string } | undefined> {
  if (recorded === undefined || recorded.pin !== image || !recorded.pinned.includes('@')) return undefined;
  const upstream = await upstreamDigest(context, image, ownRegistry, clients);
  const current = recorded.pinned.slice(recorded.pinned.indexOf('@') + 1);
  return upstream === undefined || upstream === current ? undefined : { upstream, current };
}

import { StackDeployError } from '../errors';
import { defaultImage, environmentServices, type Manifest, serviceKind } from '../manifest';
import { isApplicationService } from './stack-roles';
import type { RunSettings } from './settings';

/** The services an operation acts on: the `services` input (checked), else the environment's. */
export function operationServices(manifest: Manifest, environment: string, settings: RunSettings, onlyBuilt: boolean): string[] {
  const inEnvironment = environmentServices(manifest, environment);
  if (settings.services.length > 0) {
    const unknown = settings.services.filter((name) => !inEnvironment.includes(name));
    if (unknown.length > 0) {
      throw new StackDeployError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a service of environment "${environment}"`, {
        step: 'select',
        hint: `use some of: ${inEnvironment.join(', ')}`,
      });
    }
    return inEnvironment.filter((name) => settings.services.includes(name));
  }
  return onlyBuilt ? inEnvironment.filter((name) => isApplicationService(manifest, name, settings.repositoryOwner)) : inEnvironment;
}

/** The repository of each service's images: built ones are in the registry; others are local names. */
export function serviceRepositories(manifest: Manifest, names: readonly string[], settings: RunSettings): { name: string; repo: string }[] {
  return names.map((name) => {
    // A service only the compose files define is infrastructure: it has no repository of stack-deploy's.
    const kind = manifest.services[name] === undefined ? undefined : serviceKind(manifest, name, settings.repositoryOwner);
    const builder = kind?.kind === 'built' ? name : kind?.kind === 'shared' ? kind.builder : undefined;
    return { name, repo: builder !== undefined ? defaultImage(manifest, builder, settings.repositoryOwner) : `stack-deploy/${manifest.name}-${name}` };
  });
}

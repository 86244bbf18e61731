import { StackDeployError } from '../errors';
import { defaultImage, environmentServices, type Manifest } from '../manifest';
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
  return onlyBuilt ? inEnvironment.filter((name) => manifest.services[name]?.build !== undefined) : inEnvironment;
}

/** The repository of each service's images: built ones are in the registry; others are local names. */
export function serviceRepositories(manifest: Manifest, names: readonly string[], settings: RunSettings): { name: string; repo: string }[] {
  return names.map((name) => ({
    name,
    repo: manifest.services[name]?.build !== undefined ? defaultImage(manifest, name, settings.repositoryOwner) : `stack-deploy/${manifest.name}-${name}`,
  }));
}

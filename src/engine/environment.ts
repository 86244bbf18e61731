import { composeProject, legacyProject, type Manifest } from '../manifest';
import { StackDeployError } from '../errors';

export interface ResolvedEnvironment {
  readonly name: string;
  readonly config: Manifest['environments'][string];
}

/** The environment a run targets: the one named, or the only one the manifest has. */
export function resolveEnvironment(manifest: Manifest, requested: string | undefined): ResolvedEnvironment {
  const names = Object.keys(manifest.environments);
  if (requested === undefined || requested === '') {
    const only = names.length === 1 ? names[0] : undefined;
    if (only !== undefined) {
      const config = manifest.environments[only];
      if (config !== undefined) return { name: only, config };
    }
    throw new StackDeployError(`stack.yml has ${names.length} environments; say which one to use`, {
      hint: `set the input "environment" (or -e on the command line) to one of: ${names.join(', ')}`,
    });
  }
  const config = manifest.environments[requested];
  if (config === undefined) {
    throw new StackDeployError(`environment "${requested}" is not in stack.yml`, {
      hint: `use one of: ${names.join(', ')}`,
    });
  }
  return { name: requested, config };
}

/** The environment's Compose project, and the project it may still run as from before (see legacyProject). */
export function projectCandidates(manifest: Manifest, environment: string): { name: string; legacy?: string } {
  return { name: composeProject(manifest, environment), legacy: legacyProject(manifest, environment) };
}

import { isAbsolute, resolve } from 'node:path';
import { StackDeployError } from '../errors';
import { defaultImage, releaseTagPattern, type Manifest } from '../manifest';
import { dockerTagFor, isValidDockerTag, type ReleaseSelection, selectRelease } from '../release/select';

/** One image to build and push. */
export interface ServiceBuild {
  readonly service: string;
  /** Repository without tag, e.g. `ghcr.io/acme/api`. */
  readonly image: string;
  /** `image:<version>`: the release tag, pushed only when every check passed. */
  readonly releaseRef: string;
  /** Every tag the image gets (`<version>` and `sha-<7>`). */
  readonly refs: readonly string[];
  readonly context: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly platforms?: readonly string[];
  readonly network?: string;
  readonly sizeLimit?: number;
}

export interface BuildPlan {
  readonly version: string;
  readonly selection: ReleaseSelection;
  readonly builds: readonly ServiceBuild[];
}

export interface PlanInput {
  readonly manifest: Manifest;
  /** Directory of stack.yml: build contexts are relative to it. */
  readonly manifestDir: string;
  readonly ref?: string;
  readonly sha?: string;
  readonly requested: readonly string[];
  /** Overrides the version the ref gives. */
  readonly version?: string;
  readonly repositoryOwner?: string;
  readonly repositoryUrl?: string;
  readonly now: Date;
}

/** Which services a run releases, under which version: from the ref, the inputs and stack.yml. */
export function selectServices(input: Omit<PlanInput, 'manifestDir' | 'now' | 'repositoryOwner' | 'repositoryUrl'>): { version: string; selection: ReleaseSelection } {
  if (input.ref === undefined || input.sha === undefined) {
    throw new StackDeployError('cannot tell which commit is being released: no Git ref and SHA', {
      step: 'select',
      hint: 'run inside a Git checkout, or pass --ref (the CLI) / run from a workflow (the action)',
    });
  }
  // Only built services are released; a service that shares a built image is released with it.
  const manifest = input.manifest;
  const built = Object.keys(manifest.services).filter((name) => manifest.services[name]?.build !== undefined);
  const services = built.map((name) => ({ name, releaseTag: releaseTagPattern(manifest, name) }));
  const requested = [...new Set(input.requested.map((name) => manifest.services[name]?.image_from ?? builderByImage(manifest, name) ?? name))];
  const infrastructure = requested.filter((name) => manifest.services[name] !== undefined && !built.includes(name));
  if (infrastructure.length > 0) {
    throw new StackDeployError(`${infrastructure.join(', ')} ${infrastructure.length === 1 ? 'is' : 'are'} not released by stack-deploy: ${infrastructure.length === 1 ? 'it runs' : 'they run'} the image pinned in stack.yml or the compose files`, {
      step: 'select',
      hint: 'to change a pinned service, change its tag or digest and deploy; request built services only',
    });
  }
  const selection = selectRelease({ ref: input.ref, sha: input.sha, services, requested });
  const version = input.version ?? selection.version;
  if (!isValidDockerTag(dockerTagFor(version))) {
    throw new StackDeployError(`the version "${version}" cannot be an image tag`, {
      step: 'select',
      hint: 'use letters, digits, ".", "_" and "-" (at most 128 characters, not starting with "." or "-")',
    });
  }
  return { version, selection };
}

/** The built service whose repository a service without `build` names as its `image` (no tag), if any. */
function builderByImage(manifest: Manifest, name: string): string | undefined {
  const image = manifest.services[name]?.image;
  if (image === undefined || manifest.services[name]?.build !== undefined) return undefined;
  return Object.keys(manifest.services).find((other) => manifest.services[other]?.build !== undefined && manifest.services[other]?.image === image);
}

/** Everything the build phase will do, decided before anything runs. */
export function planBuild(input: PlanInput): BuildPlan {
  const { version, selection } = selectServices(input);
  const versionTag = dockerTagFor(version);
  const shaTag = `sha-${selection.shortSha}`;
  const builds: ServiceBuild[] = [];
  for (const service of selection.services) {
    const config = input.manifest.services[service];
    const build = config?.build;
    if (config === undefined || build === undefined) continue;
    const image = defaultImage(input.manifest, service, input.repositoryOwner);
    const refs = [...new Set([`${image}:${versionTag}`, `${image}:${shaTag}`])];
    const labels: Record<string, string> = {
      'org.opencontainers.image.created': input.now.toISOString(),
      'org.opencontainers.image.revision': input.sha ?? '',
      'org.opencontainers.image.title': `${input.manifest.name}-${service}`,
      'org.opencontainers.image.version': version,
    };
    if (input.repositoryUrl !== undefined) labels['org.opencontainers.image.source'] = input.repositoryUrl;
    builds.push({
      service,
      image,
      releaseRef: `${image}:${versionTag}`,
      refs,
      context: isAbsolute(build.context) ? build.context : resolve(input.manifestDir, build.context),
      dockerfile: build.dockerfile,
      target: build.target,
      buildArgs: build.args ?? {},
      labels,
      platforms: build.platforms,
      network: build.network,
      sizeLimit: config.size_limit,
    });
  }
  return { version, selection, builds };
}

import { posix, win32 } from 'node:path';
import { StackDeployError } from '../errors';
import { command, type Command } from './command';

/**
 * Docker CLI argv builders. Pure: each returns a Command and runs nothing. Docker global
 * options (`--host`, `--context`) are the executor's business and never added here.
 *
 * Defense in depth: every value that lands where Docker expects a positional argument (an
 * image ref, a build context, a registry) or a value that names something (a tag, a file) is
 * refused when empty or when it starts with "-", so a value can never turn into an option.
 */

export type Builder = 'buildx' | 'classic';

/** Refuses a value that would be empty or read as an option; returns it unchanged otherwise. */
export function requireArgument(value: string, what: string): string {
  if (value.trim() === '') {
    throw new StackDeployError(`${what} is empty`, { hint: `set a non-empty ${what}` });
  }
  if (value.startsWith('-')) {
    throw new StackDeployError(`${what} "${value}" starts with "-" and would be read as an option`, {
      hint: `a ${what} must not start with "-"`,
    });
  }
  return value;
}

/** An image reference (`ghcr.io/acme/api:1.2.3`, an image ID): not empty, no leading "-", no white space. */
function requireImageRef(ref: string, what = 'image reference'): string {
  requireArgument(ref, what);
  if (/\s/u.test(ref)) {
    throw new StackDeployError(`${what} "${ref}" contains white space`, {
      hint: 'an image reference looks like registry/owner/name:tag and has no spaces',
    });
  }
  return ref;
}

export function dockerVersion(): Command {
  return command(['docker', 'version', '--format', '{{json .}}']);
}

export function buildxVersion(): Command {
  return command(['docker', 'buildx', 'version']);
}

export interface BuildImageOptions {
  readonly builder: Builder;
  /** The build context directory. */
  readonly context: string;
  /** The Dockerfile, relative to `context` unless absolute. Omitted: Docker's default, `<context>/Dockerfile`. */
  readonly dockerfile?: string;
  readonly target?: string;
  /** Written as `--build-arg K=V`, sorted by key. */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Written as `--label K=V`, sorted by key. */
  readonly labels?: Readonly<Record<string, string>>;
  /** At least one. */
  readonly tags: readonly string[];
  /** buildx only. */
  readonly platforms?: readonly string[];
  readonly network?: string;
  /** Builds never push: images are pushed with `pushImage` after the build. */
  readonly push?: false;
  /** buildx only: `--load` into the local image store. Default true. The classic builder always loads. */
  readonly load?: boolean;
  readonly cacheFrom?: readonly string[];
  /** buildx only. */
  readonly cacheTo?: readonly string[];
  readonly iidFile?: string;
}

/**
 * `docker buildx build` or `docker build`. Argument order: `--file`, `--target`, `--build-arg`…,
 * `--label`…, `--tag`…, `--platform`, `--network`, `--load`, `--iidfile`, `--cache-from`…,
 * `--cache-to`…, then the context last.
 */
export function buildImage(opts: BuildImageOptions): Command {
  const context = requireArgument(opts.context, 'build context');
  const platforms = opts.platforms ?? [];
  const cacheTo = opts.cacheTo ?? [];
  if (opts.builder === 'classic') {
    const refused = [platforms.length > 0 ? 'platforms' : undefined, cacheTo.length > 0 ? 'cache-to' : undefined].filter(
      (name): name is string => name !== undefined,
    );
    if (refused.length > 0) {
      throw new StackDeployError(`the classic docker builder does not support ${refused.join(' or ')}`, {
        step: 'build',
        hint: 'install the docker buildx plugin (https://github.com/docker/buildx#installing), or remove those build options',
      });
    }
  }
  if (opts.tags.length === 0) {
    throw new StackDeployError('a build needs at least one tag', { step: 'build', hint: 'pass the image tag to build' });
  }

  const argv: string[] = opts.builder === 'buildx' ? ['docker', 'buildx', 'build'] : ['docker', 'build'];
  if (opts.dockerfile !== undefined) argv.push('--file', dockerfilePath(context, opts.dockerfile));
  if (opts.target !== undefined) argv.push('--target', requireArgument(opts.target, 'build target'));
  for (const pair of sortedPairs(opts.buildArgs ?? {}, 'build argument')) argv.push('--build-arg', pair);
  for (const pair of sortedPairs(opts.labels ?? {}, 'label')) argv.push('--label', pair);
  for (const tag of opts.tags) argv.push('--tag', requireImageRef(tag, 'image tag'));
  if (platforms.length > 0) {
    argv.push('--platform', platforms.map((platform) => requireArgument(platform, 'platform')).join(','));
  }
  if (opts.network !== undefined) argv.push('--network', requireArgument(opts.network, 'build network'));
  if (opts.builder === 'buildx' && opts.load !== false) argv.push('--load');
  if (opts.iidFile !== undefined) argv.push('--iidfile', requireArgument(opts.iidFile, 'image ID file'));
  for (const source of opts.cacheFrom ?? []) argv.push('--cache-from', requireArgument(source, 'cache source'));
  for (const destination of cacheTo) argv.push('--cache-to', requireArgument(destination, 'cache destination'));
  argv.push(context);
  return command(argv);
}

/**
 * Docker resolves `--file` against the working directory, not the context: a relative
 * Dockerfile is joined onto the context here. Paths are POSIX (builds run on Linux hosts);
 * an absolute POSIX or Windows path is kept as given.
 */
function dockerfilePath(context: string, dockerfile: string): string {
  requireArgument(dockerfile, 'Dockerfile path');
  const path = posix.isAbsolute(dockerfile) || win32.isAbsolute(dockerfile) ? dockerfile : posix.join(context, dockerfile);
  return requireArgument(path, 'Dockerfile path');
}

/** `K=V` pairs sorted by key (code-unit order, the same on every machine). */
function sortedPairs(record: Readonly<Record<string, string>>, what: string): string[] {
  return Object.keys(record)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => {
      if (key === '' || key.includes('=') || /\s/u.test(key) || key.startsWith('-')) {
        throw new StackDeployError(`${what} name "${key}" is not valid`, {
          step: 'build',
          hint: `a ${what} name must be non-empty, must not start with "-" and contains no "=" or white space`,
        });
      }
      return `${key}=${record[key] ?? ''}`;
    });
}

export function pushImage(ref: string): Command {
  return command(['docker', 'push', requireImageRef(ref)]);
}

/** Writes the image as a tar archive (`docker save` format) to standard output. */
export function saveImage(ref: string): Command {
  return command(['docker', 'image', 'save', requireImageRef(ref)]);
}

/** Gives an image another name (the local build cache keeps each service's last image so). */
export function tagImage(source: string, target: string): Command {
  return command(['docker', 'tag', requireImageRef(source, 'source image'), requireImageRef(target, 'target image')]);
}

/** Writes the image as a tar archive (`docker save` format) to a file. */
export function saveImageFile(ref: string, file: string): Command {
  return command(['docker', 'image', 'save', '--output', requireArgument(file, 'image archive'), requireImageRef(ref)]);
}

/** Loads images from a tar archive written by `docker save`. */
export function loadImageFile(file: string): Command {
  return command(['docker', 'image', 'load', '--input', requireArgument(file, 'image archive')]);
}

export interface LoginOptions {
  /** A registry host such as `ghcr.io`. */
  readonly registry: string;
  readonly username: string;
  readonly password: string;
}

/** `docker login` with the password on standard input (marked secret), never in argv. */
export function loginRegistry(opts: LoginOptions): Command {
  const registry = requireImageRef(opts.registry, 'registry');
  const username = requireArgument(opts.username, 'registry username');
  if (opts.password === '') {
    throw new StackDeployError(`the password for registry ${registry} is empty`, {
      hint: 'pass a registry token (for GHCR, the GITHUB_TOKEN with packages: write)',
    });
  }
  return command(['docker', 'login', registry, '--username', username, '--password-stdin'], {
    text: opts.password,
    secret: true,
  });
}

export function logoutRegistry(registry: string): Command {
  return command(['docker', 'logout', requireImageRef(registry, 'registry')]);
}

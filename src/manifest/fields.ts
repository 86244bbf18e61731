import { z } from 'zod';
import { describeValue } from './describe-value';
import { DURATION_PATTERN, parseDuration } from './duration';
import { parseSize, SIZE_PATTERN } from './size';

/**
 * Reusable field schemas with their own plain-language messages. Every string that ends up in a
 * shell command, a file path or a docker reference is constrained here to a safe character set.
 */

export const MAX_NAME_LENGTH = 63;
const SAFE_NAME = /^[a-z0-9][a-z0-9_-]*$/u;

/** A lowercase name (stack, service, environment, backup, check): `^[a-z0-9][a-z0-9_-]*$`, at most 63 characters. */
export function safeName(kind: string) {
  return z
    .string()
    .regex(SAFE_NAME, {
      abort: true,
      error: (issue) =>
        `${describeValue(issue.input)} is not a valid ${kind}: use lowercase letters, digits, "-" and "_", starting with a letter or digit`,
    })
    .max(MAX_NAME_LENGTH, {
      error: (issue) => `${describeValue(issue.input)} is too long for a ${kind}: use at most ${MAX_NAME_LENGTH} characters`,
    });
}

/** A reference to a key of `services`; whether it exists is checked across the whole manifest. */
export const serviceReference = z.string().min(1);

/** Numbers are rejected with a hint that shows the same number with a unit. */
function requireUnit(example: string, unit: string) {
  return (value: unknown, context: z.core.$RefinementCtx): unknown => {
    if (typeof value === 'number') {
      context.addIssue({
        code: 'custom',
        input: value,
        message: `expected ${example}, got ${value}`,
        params: { hint: `add a unit, like "${value}${unit}"` },
      });
    }
    return value;
  };
}

const DURATION_EXAMPLE = 'a duration like "60s"';

/** `500ms`, `60s`, `2m`, `1h`, `1m30s` → milliseconds (more than 0). */
export function duration() {
  const expectation = (issue: { input?: unknown }) => `expected ${DURATION_EXAMPLE}, got ${describeValue(issue.input)}`;
  const text = z
    .string({ error: expectation })
    .regex(DURATION_PATTERN, { error: expectation })
    .transform((value, context) => {
      const milliseconds = parseDuration(value);
      if (milliseconds === undefined || milliseconds === 0) {
        context.addIssue({
          code: 'custom',
          input: value,
          message: milliseconds === 0 ? 'must be longer than 0' : `${describeValue(value)} is too long`,
        });
        return z.NEVER;
      }
      return milliseconds;
    });
  return z.preprocess(requireUnit(DURATION_EXAMPLE, 's'), text);
}

const SIZE_EXAMPLE = 'a size like "20MB"';

/** `20MB`, `512KiB`, `1.5GB`, `100B` → whole bytes (SI kB/MB/GB = 1000^n, IEC KiB/MiB/GiB = 1024^n). */
export function size() {
  const expectation = (issue: { input?: unknown }) => `expected ${SIZE_EXAMPLE}, got ${describeValue(issue.input)}`;
  const text = z
    .string({ error: expectation })
    .regex(SIZE_PATTERN, { error: expectation })
    .transform((value, context) => {
      const bytes = parseSize(value);
      if (bytes === undefined) {
        context.addIssue({
          code: 'custom',
          input: value,
          message: `${describeValue(value)} is not a whole number of bytes or is too large`,
        });
        return z.NEVER;
      }
      return bytes;
    });
  return z.preprocess(requireUnit(SIZE_EXAMPLE, 'MB'), text);
}

function hasParentSegment(path: string): boolean {
  return path.split('/').includes('..');
}

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/u;

/** An absolute POSIX path made of `[A-Za-z0-9._/-]`, without `..` segments and not `/` itself. */
export function absolutePath(kind: string) {
  return z
    .string()
    .regex(ABSOLUTE_PATH, {
      abort: true,
      error: (issue) =>
        typeof issue.input === 'string' && !issue.input.startsWith('/')
          ? `${describeValue(issue.input)} is not an absolute ${kind}: start it with "/"`
          : `${describeValue(issue.input)} is not a valid ${kind}: use only letters, digits, ".", "_", "-" and "/"`,
    })
    .refine((path) => !hasParentSegment(path), {
      abort: true,
      error: (issue) => `${describeValue(issue.input)} must not contain ".." segments`,
    })
    .refine((path) => path.replace(/\/+/gu, '') !== '', {
      error: `the ${kind} must not be the root directory "/"`,
    });
}

const RELATIVE_PATH = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/u;

/** A path relative to the directory of stack.yml: `[A-Za-z0-9._/-]`, not absolute, no `..` segments. */
export function repositoryPath(kind: string) {
  return z
    .string()
    .regex(RELATIVE_PATH, {
      abort: true,
      error: (issue) => {
        const shown = describeValue(issue.input);
        if (typeof issue.input === 'string' && issue.input.startsWith('/')) {
          return `${shown} is absolute: a ${kind} must be relative to the directory of stack.yml`;
        }
        return `${shown} is not a valid ${kind}: use only letters, digits, ".", "_", "-" and "/", not starting with "-"`;
      },
    })
    .refine((path) => !hasParentSegment(path), {
      error: (issue) => `${describeValue(issue.input)} must stay inside the repository: remove ".." segments`,
    });
}

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/u;
const IPV6_ADDRESS = /^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/u;
const HOST_PATTERN = new RegExp(`${HOST_NAME.source}|${IPV6_ADDRESS.source}`, 'u');

/** A host name or an IP address (IPv6 without brackets). */
export const sshHost = z
  .string()
  .regex(HOST_PATTERN, {
    abort: true,
    error: (issue) => {
      const shown = describeValue(issue.input);
      if (typeof issue.input === 'string' && issue.input.startsWith('[')) {
        return `${shown} is not a valid host: write IPv6 addresses without brackets`;
      }
      return `${shown} is not a valid host: use a host name or an IP address`;
    },
  })
  .max(253);

const VIRTUAL_HOST = /^(?:\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/u;

/** A host name that the proxy routes by (the request's Host): lowercase, `*.` for every subdomain. */
export const virtualHost = z
  .string()
  .regex(VIRTUAL_HOST, {
    abort: true,
    error: (issue) => `${describeValue(issue.input)} is not a valid host name: use lowercase letters, digits, "-" and ".", like "shop.example.com" or "*.example.com"`,
  })
  .max(253);

const POSIX_USER = /^[a-z_][a-z0-9_-]*$/u;

export const posixUser = z
  .string()
  .regex(POSIX_USER, {
    abort: true,
    error: (issue) =>
      `${describeValue(issue.input)} is not a valid user name: use lowercase letters, digits, "-" and "_", starting with a letter or "_"`,
  })
  .max(32);

const DOMAIN_COMPONENT = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REPOSITORY = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`,
  'u',
);

function imageRepositoryMessage(input: unknown): string {
  const shown = describeValue(input);
  if (typeof input === 'string') {
    if (input.includes('@')) return `${shown} must not include a digest: stack-deploy chooses the tag to deploy`;
    if ((input.split('/').at(-1) ?? '').includes(':')) return `${shown} must not include a tag: stack-deploy chooses the tag to deploy`;
    if (input !== input.toLowerCase()) return `${shown} must be lowercase`;
  }
  return `${shown} is not a valid image repository like "ghcr.io/acme/shop-api"`;
}

/** A docker image repository such as `ghcr.io/acme/shop-api`: lowercase, no tag, no digest. */
export const imageRepository = z.string().regex(IMAGE_REPOSITORY, { error: (issue) => imageRepositoryMessage(issue.input) });

const IMAGE_REFERENCE = new RegExp(`^(${IMAGE_REPOSITORY.source.slice(1, -1)})(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`, 'u');

/** Splits `repo[:tag][@sha256:…]`; undefined when it is no image reference. */
export function splitImageReference(reference: string): { repository: string; tag?: string; digest?: string } | undefined {
  const match = IMAGE_REFERENCE.exec(reference);
  if (match === null) return undefined;
  return { repository: match[1] ?? '', tag: match[2], digest: match[3] };
}

/**
 * An image: a repository (`ghcr.io/acme/shop-api`, built or shared) or a reference pinned by tag
 * or digest (`postgres:15.6`, `nats@sha256:…`).
 */
export const imageReference = z.string().regex(IMAGE_REFERENCE, {
  error: (issue) => {
    const shown = describeValue(issue.input);
    if (typeof issue.input === 'string' && issue.input !== issue.input.toLowerCase() && IMAGE_REFERENCE.test(issue.input.toLowerCase())) return `${shown} must be lowercase`;
    return `${shown} is not a valid image like "ghcr.io/acme/shop-api" or, pinned, "postgres:15.6"`;
  },
});

/** A registry host such as `ghcr.io` or `registry.example.com:5000`. */
export const registryHost = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?$/u, {
  error: (issue) => `${describeValue(issue.input)} is not a valid registry host like "ghcr.io"`,
});

/** A registry namespace (user or organisation, optionally with sub-paths); lowercased at use time. */
export const registryNamespace = z
  .string()
  .regex(/^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*)*$/u, {
    error: (issue) => `${describeValue(issue.input)} is not a valid registry namespace like "acme"`,
  });

/** A git tag glob with exactly one `*`, e.g. `api-v*`. */
export const releaseTagGlob = z.string().regex(/^[A-Za-z0-9._-]*\*[A-Za-z0-9._-]*$/u, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a valid release tag pattern: use exactly one "*" and only letters, digits, ".", "_" and "-", like "api-v*"`,
});

/** An http:// or https:// URL. */
export const httpUrl = z.url({
  protocol: /^https?$/u,
  error: (issue) => `expected an http(s) URL like "http://127.0.0.1:8080/health", got ${describeValue(issue.input)}`,
});

/** A command as an argument list: `[program, arg, ...]`, run without a shell. */
export const argv = z.array(z.string()).min(1, { error: 'must list the program and its arguments, e.g. ["./migrate", "up"]' });

import { describe, expect, test } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import { parseImageRef, registryBaseUrl, type ImageRef } from '../../../src/registry/image-ref';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('parseImageRef', () => {
  test.each<[string, ImageRef]>([
    ['postgres', { registry: 'docker.io', repository: 'library/postgres', tag: undefined, digest: undefined }],
    ['postgres:16-alpine', { registry: 'docker.io', repository: 'library/postgres', tag: '16-alpine', digest: undefined }],
    ['acme/api', { registry: 'docker.io', repository: 'acme/api', tag: undefined, digest: undefined }],
    ['acme/api:1.2.3', { registry: 'docker.io', repository: 'acme/api', tag: '1.2.3', digest: undefined }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', tag: undefined, digest: undefined }],
    ['docker.io/acme/api:1', { registry: 'docker.io', repository: 'acme/api', tag: '1', digest: undefined }],
    ['localhost/x', { registry: 'localhost', repository: 'x', tag: undefined, digest: undefined }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x', tag: undefined, digest: undefined }],
    ['localhost:5000/x:dev', { registry: 'localhost:5000', repository: 'x', tag: 'dev', digest: undefined }],
    ['127.0.0.1:5000/ns/x:tag', { registry: '127.0.0.1:5000', repository: 'ns/x', tag: 'tag', digest: undefined }],
    ['ghcr.io/acme/shop-api:1.2.3-rc.1', { registry: 'ghcr.io', repository: 'acme/shop-api', tag: '1.2.3-rc.1', digest: undefined }],
    ['registry.example.com/a/b/c:sha-abcdef0', { registry: 'registry.example.com', repository: 'a/b/c', tag: 'sha-abcdef0', digest: undefined }],
    [`ghcr.io/a/b@${DIGEST}`, { registry: 'ghcr.io', repository: 'a/b', tag: undefined, digest: DIGEST }],
    [`ghcr.io/a/b:1.0@${DIGEST}`, { registry: 'ghcr.io', repository: 'a/b', tag: '1.0', digest: DIGEST }],
    [`localhost:5000/x@${DIGEST}`, { registry: 'localhost:5000', repository: 'x', tag: undefined, digest: DIGEST }],
    [`redis@${DIGEST}`, { registry: 'docker.io', repository: 'library/redis', tag: undefined, digest: DIGEST }],
    // a first component without ".", ":" or "localhost" is a namespace, not a registry
    ['acme/api:latest', { registry: 'docker.io', repository: 'acme/api', tag: 'latest', digest: undefined }],
  ])('%s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual(expected);
  });

  test.each([
    ['a bad digest', 'ghcr.io/a/b@sha256:abc'],
    ['an upper-case digest', `ghcr.io/a/b@sha256:${'A'.repeat(64)}`],
    ['a digest of another algorithm', `ghcr.io/a/b@md5:${'a'.repeat(64)}`],
    ['an empty digest', 'ghcr.io/a/b@'],
    ['a too long digest', `ghcr.io/a/b@sha256:${'a'.repeat(65)}`],
    ['a registry without repository', 'ghcr.io/'],
    ['a registry and a tag only', 'ghcr.io/:1.0'],
  ])('refuses %s', (_name, ref) => {
    let thrown: unknown;
    try {
      parseImageRef(ref);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StackDeployError);
    expect((thrown as StackDeployError).message).toBe(`"${ref}" is not an image reference`);
    expect((thrown as StackDeployError).context.hint).toContain('ghcr.io/owner/name:tag');
  });

  // A reference without a name is refused, whatever tag or digest it has.
  test.each(['', ':latest', `@${DIGEST}`])('refuses the nameless reference %j', (ref) => {
    expect(() => parseImageRef(ref)).toThrow(StackDeployError);
  });
});

describe('registryBaseUrl', () => {
  test.each([
    ['docker.io', 'https://registry-1.docker.io'],
    ['ghcr.io', 'https://ghcr.io'],
    ['registry.example.com:5000', 'https://registry.example.com:5000'],
    ['10.0.0.5:5000', 'https://10.0.0.5:5000'],
    ['192.168.1.1', 'https://192.168.1.1'],
    ['localhost', 'http://localhost'],
    ['localhost:5000', 'http://localhost:5000'],
    ['127.0.0.1', 'http://127.0.0.1'],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['127.1.2.3:80', 'http://127.1.2.3:80'],
    ['[::1]:5000', 'http://[::1]:5000'],
    ['[::1]', 'http://[::1]'],
    // look-alikes of loopback stay on https
    ['localhost.example.com', 'https://localhost.example.com'],
    ['127.0.0.1.nip.io:5000', 'https://127.0.0.1.nip.io:5000'],
    ['my-localhost:5000', 'https://my-localhost:5000'],
  ])('%s → %s', (registry, url) => {
    expect(registryBaseUrl(registry)).toBe(url);
  });
});

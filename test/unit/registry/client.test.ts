import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import { MANIFEST_MEDIA_TYPES, parseChallenge, RegistryClient } from '../../../src/registry/client';
import { rejectionOf } from '../helpers';

const USER = 'robot';
const PASSWORD = 'pa55-SUPER-secret';
const GOOD = { username: USER, password: PASSWORD };
const WRONG = { username: USER, password: 'WRONG-pa55word' };
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST_BODY = JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { digest: 'sha256:c0', size: 1 }, layers: [] });
const HEADER_DIGEST = `sha256:${'ab'.repeat(32)}`;
const BODY_DIGEST = `sha256:${createHash('sha256').update(MANIFEST_BODY).digest('hex')}`;

interface Seen {
  readonly url: string;
  readonly authorization?: string;
  readonly accept?: string;
}

/** The registry API both fake registries serve once a request is authorised. */
function serveRegistry(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/u.exec(url.pathname);
  const tags = /^\/v2\/(.+)\/tags\/list$/u.exec(url.pathname);
  if (manifest !== null) {
    const [, repository, reference] = manifest;
    if (repository === 'ns/broken') {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
      return;
    }
    if (repository === 'ns/forbidden') {
      res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"DENIED"}]}');
      return;
    }
    if (reference === '1.0') {
      res.writeHead(200, { 'Content-Type': OCI, 'Docker-Content-Digest': HEADER_DIGEST }).end(MANIFEST_BODY);
      return;
    }
    if (reference === 'no-digest') {
      res.writeHead(200, { 'Content-Type': OCI }).end(MANIFEST_BODY);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    return;
  }
  if (tags !== null) {
    const [, repository] = tags;
    if (repository === 'ns/app') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: 'ns/app', tags: ['1.0', '1.1', 'sha-abcdef0'] }));
      return;
    }
    if (repository === 'ns/null-tags') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: 'ns/null-tags', tags: null }));
      return;
    }
    if (repository === 'ns/broken') {
      res.writeHead(502).end('bad gateway');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN"}]}');
    return;
  }
  res.writeHead(404).end();
}

function repositoryOf(path: string): string {
  return /^\/v2\/(.+)\/(?:manifests\/[^/]+|tags\/list)$/u.exec(path)?.[1] ?? '';
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// (a) a registry that wants Basic auth on every request
const basicSeen: Seen[] = [];
let basicServer: Server | undefined;
let basicHost = '';

// (b) a registry that wants a Bearer token from its token endpoint
const bearerSeen: Seen[] = [];
const tokenRequests: { url: URL; authorization?: string }[] = [];
let bearerServer: Server | undefined;
let bearerHost = '';
let bearerPort = 0;

// (c) an open registry: no authentication at all
let openServer: Server | undefined;
let openHost = '';

beforeAll(async () => {
  const basic = await listen((req, res) => {
    basicSeen.push({ url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
    if (req.headers.authorization !== BASIC) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"', 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    serveRegistry(req, res);
  });
  basicServer = basic.server;
  basicHost = `127.0.0.1:${basic.port}`;

  const bearer = await listen((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/token') {
      tokenRequests.push({ url, authorization: req.headers.authorization });
      if (req.headers.authorization !== BASIC) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const alt = url.searchParams.get('scope')?.includes('ns/alt') === true;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(alt ? { access_token: 't0k' } : { token: 't0k' }));
      return;
    }
    bearerSeen.push({ url: req.url ?? '', authorization: req.headers.authorization, accept: req.headers.accept });
    if (req.headers.authorization !== 'Bearer t0k') {
      const repository = repositoryOf(url.pathname);
      res
        .writeHead(401, {
          'WWW-Authenticate': `Bearer realm="http://127.0.0.1:${bearerPort}/token",service="reg",scope="repository:${repository}:pull"`,
          'Content-Type': 'application/json',
        })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    serveRegistry(req, res);
  });
  bearerServer = bearer.server;
  bearerPort = bearer.port;
  bearerHost = `127.0.0.1:${bearer.port}`;

  const open = await listen(serveRegistry);
  openServer = open.server;
  openHost = `127.0.0.1:${open.port}`;
});

afterAll(async () => {
  await Promise.all([close(basicServer), close(bearerServer), close(openServer)]);
});


/** Every text an error carries, to check that no secret leaked into any of it. */
function everyField(error: StackDeployError): string {
  return JSON.stringify({ message: error.message, stack: error.stack, context: error.context, cause: String(error.cause) });
}

type Kind = 'basic' | 'bearer' | 'open';
const hostOf = (kind: Kind): string => ({ basic: basicHost, bearer: bearerHost, open: openHost })[kind];

describe('RegistryClient: reading', () => {
  test.each<Kind>(['basic', 'bearer', 'open'])('%s: manifest() returns the Docker-Content-Digest, media type and body', async (kind) => {
    const client = new RegistryClient(hostOf(kind), { credentials: GOOD });
    expect(client.registry).toBe(hostOf(kind));
    expect(await client.manifest('ns/app', '1.0')).toEqual({ digest: HEADER_DIGEST, mediaType: OCI, body: MANIFEST_BODY });
  });

  test.each<Kind>(['basic', 'bearer', 'open'])('%s: without Docker-Content-Digest, the digest is the sha256 of the body', async (kind) => {
    const client = new RegistryClient(hostOf(kind), { credentials: GOOD });
    const manifest = await client.manifest('ns/app', 'no-digest');
    expect(manifest?.digest).toBe(BODY_DIGEST);
    expect(manifest?.digest).toMatch(/^sha256:[a-f0-9]{64}$/u);
  });

  test.each<Kind>(['basic', 'bearer', 'open'])('%s: an unknown manifest is undefined', async (kind) => {
    const client = new RegistryClient(hostOf(kind), { credentials: GOOD });
    expect(await client.manifest('ns/app', '9.9.9')).toBeUndefined();
  });

  test.each<Kind>(['basic', 'bearer', 'open'])('%s: tags() lists the tags; an unknown repository has none', async (kind) => {
    const client = new RegistryClient(hostOf(kind), { credentials: GOOD });
    expect(await client.tags('ns/app')).toEqual(['1.0', '1.1', 'sha-abcdef0']);
    expect(await client.tags('ns/never-pushed')).toEqual([]);
    expect(await client.tags('ns/null-tags')).toEqual([]);
  });

  test('manifest() asks for every manifest media type; tags() for JSON', async () => {
    const seen: { url: string; accept: string | null }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: String(input), accept: new Headers(init?.headers).get('accept') });
      return fetch(input, init);
    };
    const spying = new RegistryClient(openHost, { fetch: spy });
    expect((await spying.manifest('ns/app', '1.0'))?.digest).toBe(HEADER_DIGEST);
    await spying.tags('ns/app');
    expect(seen.map((request) => request.url)).toEqual([`http://${openHost}/v2/ns/app/manifests/1.0`, `http://${openHost}/v2/ns/app/tags/list?n=10000`]);
    expect(seen[0]?.accept?.split(', ')).toEqual([...MANIFEST_MEDIA_TYPES]);
    expect(seen[1]?.accept).toBe('application/json');
  });
});

describe('RegistryClient: Basic authentication', () => {
  test('answers the Basic challenge with the credentials, then sends them up front', async () => {
    basicSeen.length = 0;
    const client = new RegistryClient(basicHost, { credentials: GOOD });
    await client.manifest('ns/app', '1.0');
    await client.tags('ns/app');
    expect(basicSeen.map((request) => request.authorization)).toEqual([undefined, BASIC, BASIC]);
    // the password only travels in the header, never in a URL
    expect(basicSeen.every((request) => !request.url.includes(PASSWORD))).toBe(true);
  });

  test('wrong credentials: a 401 error that names the status and points at the credentials', async () => {
    const client = new RegistryClient(basicHost, { credentials: WRONG });
    const error = await rejectionOf(() => client.manifest('ns/app', '1.0'));
    expect(error.message).toBe(`the registry ${basicHost} answered 401 while reading the manifest ns/app:1.0`);
    expect(error.context.step).toBe('registry');
    expect(error.context.hint).toContain('credentials');
    expect(error.context.hint).toContain('ns/app');
    expect(error.context.outputTail).toContain('UNAUTHORIZED');
    expect(everyField(error)).not.toContain(PASSWORD);
    expect(everyField(error)).not.toContain(WRONG.password);
    const tagsError = await rejectionOf(() => client.tags('ns/app'));
    expect(tagsError.message).toBe(`the registry ${basicHost} answered 401 while listing the tags of ns/app`);
    expect(tagsError.context.hint).toContain('credentials');
  });
});

describe('RegistryClient: a 401 it cannot answer', () => {
  // A 401 that cannot be answered (no credentials, no or unknown challenge, a token answer
  // without a token) is reported as the registry's 401 with the credentials hint.
  test.each<[string, (req: IncomingMessage, res: ServerResponse) => void, boolean]>([
    ['a Basic challenge and no credentials', (_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end('denied'), false],
    ['a 401 without WWW-Authenticate', (_req, res) => res.writeHead(401).end('denied'), true],
    ['an unknown scheme', (_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('denied'), true],
    [
      'a token answer without a token',
      (req, res) =>
        req.url?.startsWith('/token') === true
          ? res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
          : res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${req.headers.host ?? ''}/token"` }).end('denied'),
      true,
    ],
  ])('%s: a StackDeployError naming the 401', async (_name, handler, withCredentials) => {
    const { server, port } = await listen(handler);
    try {
      const client = new RegistryClient(`127.0.0.1:${port}`, withCredentials ? { credentials: GOOD } : {});
      const error = await rejectionOf(() => client.manifest('ns/app', '1.0'));
      expect(error.message).toBe(`the registry 127.0.0.1:${port} answered 401 while reading the manifest ns/app:1.0`);
      expect(error.context.hint).toContain('credentials');
    } finally {
      await close(server);
    }
  });
});

describe('RegistryClient: Bearer tokens', () => {
  test('gets a token with the Basic credentials, for the challenged service and scope, and reuses it', async () => {
    tokenRequests.length = 0;
    bearerSeen.length = 0;
    const client = new RegistryClient(bearerHost, { credentials: GOOD });
    expect((await client.manifest('ns/app', '1.0'))?.digest).toBe(HEADER_DIGEST);
    expect((await client.manifest('ns/app', 'no-digest'))?.digest).toBe(BODY_DIGEST);
    expect(await client.tags('ns/app')).toHaveLength(3);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.authorization).toBe(BASIC);
    expect(tokenRequests[0]?.url.searchParams.get('service')).toBe('reg');
    expect(tokenRequests[0]?.url.searchParams.get('scope')).toBe('repository:ns/app:pull');
    expect(tokenRequests[0]?.url.search).not.toContain(PASSWORD);
    expect(bearerSeen.map((request) => request.authorization)).toEqual([undefined, 'Bearer t0k', 'Bearer t0k', 'Bearer t0k']);
  });

  test('tokens are per repository', async () => {
    tokenRequests.length = 0;
    const client = new RegistryClient(bearerHost, { credentials: GOOD });
    await client.tags('ns/app');
    await client.tags('ns/other');
    await client.tags('ns/app');
    expect(tokenRequests.map((request) => request.url.searchParams.get('scope'))).toEqual(['repository:ns/app:pull', 'repository:ns/other:pull']);
  });

  test('an access_token answer works like a token', async () => {
    const client = new RegistryClient(bearerHost, { credentials: GOOD });
    expect(await client.tags('ns/alt')).toEqual([]);
    expect(await client.manifest('ns/alt', '1.0')).toEqual({ digest: HEADER_DIGEST, mediaType: OCI, body: MANIFEST_BODY });
  });

  test('a custom fetch is used for every request, token included', async () => {
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
      return fetch(input, init);
    };
    const client = new RegistryClient(bearerHost, { credentials: GOOD, fetch: spy });
    await client.manifest('ns/app', '1.0');
    expect(urls).toEqual(['/v2/ns/app/manifests/1.0', '/token', '/v2/ns/app/manifests/1.0']);
  });

  test('wrong credentials: the token request fails with a 401 that points at the credentials', async () => {
    tokenRequests.length = 0;
    const client = new RegistryClient(bearerHost, { credentials: WRONG });
    const error = await rejectionOf(() => client.manifest('ns/app', '1.0'));
    expect(error.message).toBe(`the registry ${bearerHost} answered 401 while getting a registry token`);
    expect(error.message).toContain('401');
    expect(error.context.step).toBe('registry');
    expect(error.context.hint).toContain('credentials');
    expect(error.context.outputTail).toContain('incorrect username or password');
    expect(everyField(error)).not.toContain(WRONG.password);
    expect(everyField(error)).not.toContain(Buffer.from(`${USER}:${WRONG.password}`).toString('base64'));
    expect(tokenRequests).toHaveLength(1);
  });

  test('no credentials: the token request is anonymous', async () => {
    tokenRequests.length = 0;
    const client = new RegistryClient(bearerHost);
    const error = await rejectionOf(() => client.tags('ns/app'));
    expect(error.message).toContain('401');
    expect(tokenRequests.map((request) => request.authorization)).toEqual([undefined]);
  });
});

describe('RegistryClient: other failures', () => {
  test.each<[string, () => Promise<unknown>, string, boolean]>([
    ['a 500 on a manifest', () => new RegistryClient(openHost).manifest('ns/broken', '1.0'), 'answered 500 while reading the manifest ns/broken:1.0', false],
    ['a 502 on tags', () => new RegistryClient(openHost).tags('ns/broken'), 'answered 502 while listing the tags of ns/broken', false],
    ['a 403 on a manifest', () => new RegistryClient(openHost).manifest('ns/forbidden', '1.0'), 'answered 403 while reading the manifest ns/forbidden:1.0', true],
  ])('%s', async (_name, run, message, credentialsHint) => {
    const error = await rejectionOf(run);
    expect(error.message).toBe(`the registry ${openHost} ${message}`);
    expect(error.context.step).toBe('registry');
    if (credentialsHint) expect(error.context.hint).toContain('credentials');
    else expect(error.context.hint).toBeUndefined();
  });

  test('the error body is cut to 500 characters', async () => {
    const { server, port } = await listen((_req, res) => {
      res.writeHead(500).end('x'.repeat(2000));
    });
    try {
      const error = await rejectionOf(() => new RegistryClient(`127.0.0.1:${port}`).tags('ns/app'));
      expect(error.context.outputTail).toBe('x'.repeat(500));
    } finally {
      await close(server);
    }
  });

  test('an unreachable registry: a StackDeployError naming the registry and its URL', async () => {
    const { server, port } = await listen((_req, res) => {
      res.end();
    });
    await close(server);
    const host = `127.0.0.1:${port}`;
    const error = await rejectionOf(() => new RegistryClient(host, { credentials: GOOD }).manifest('ns/app', '1.0'));
    expect(error.message).toContain(`the registry ${host} could not be reached`);
    expect(error.context.step).toBe('registry');
    expect(error.context.hint).toContain(`http://${host}`);
    expect(everyField(error)).not.toContain(PASSWORD);
  });
});

describe('parseChallenge', () => {
  test.each<[string, string, Record<string, string>]>([
    ['Basic realm="r"', 'basic', { realm: 'r' }],
    ['Basic', 'basic', {}],
    ['', '', {}],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/api:pull"',
      'bearer',
      { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/api:pull' },
    ],
    ['BEARER Realm="https://auth.docker.io/token", Service="registry.docker.io"', 'bearer', { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' }],
    ['Bearer scope="repository:a/b:pull,push",realm="http://x/t"', 'bearer', { scope: 'repository:a/b:pull,push', realm: 'http://x/t' }],
    ['Bearer realm="http://x/t",error="insufficient_scope"', 'bearer', { realm: 'http://x/t', error: 'insufficient_scope' }],
    ['Bearer realm=""', 'bearer', { realm: '' }],
  ])('%j', (header, scheme, params) => {
    expect(parseChallenge(header)).toEqual({ scheme, params });
  });
});

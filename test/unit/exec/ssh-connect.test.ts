import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redactor } from '../../../src/exec/redact';
import { connectSsh } from '../../../src/exec/ssh';
import { FakeClock } from '../fakes';
import { rejectionOf } from '../helpers';

// A port on 127.0.0.1 that refuses connections: bind one, note it, close it.
let closedPort: number;
// A server that accepts TCP but never speaks SSH.
let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-connect-test-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  credentials.privateKey = readFileSync(join(dir, 'key'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

const credentials = { privateKey: '', knownHosts: '' };

describe('connectSsh retries the connect step only, with backoff and a bound', () => {
  test('a refused connection is retried with growing waits, then reported', async () => {
    const clock = new FakeClock();
    const retries: number[] = [];
    const error = await rejectionOf(() =>
      connectSsh({ host: '127.0.0.1', port: closedPort, user: 'deploy' }, credentials, new Redactor(), {
        attempts: 4,
        sleep: (ms) => clock.sleep(ms),
        onRetry: (attempt) => retries.push(attempt),
      }),
    );
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(retries).toEqual([1, 2, 3]);
    expect(error.message).toMatch(/^could not connect: .*ECONNREFUSED/u);
    expect(error.context).toMatchObject({ host: `deploy@[127.0.0.1]:${closedPort}`, step: 'connect' });
    expect(error.context.hint).toContain('host and port');
  });

  test('a server that never answers the handshake times out within the ready timeout', async () => {
    const clock = new FakeClock();
    const started = Date.now();
    const error = await rejectionOf(() =>
      connectSsh({ host: '127.0.0.1', port: silentPort, user: 'deploy' }, credentials, new Redactor(), {
        attempts: 2,
        readyTimeoutMs: 300,
        sleep: (ms) => clock.sleep(ms),
      }),
    );
    expect(error.message).toMatch(/could not connect: Timed out while waiting for handshake/u);
    expect(clock.sleeps).toEqual([500]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

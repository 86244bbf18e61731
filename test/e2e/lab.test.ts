// Facts about the test lab that the other end-to-end tests rely on.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLab, type Lab } from '../lab/lab';

let lab: Lab;
const tmpDirs: string[] = [];

function tmp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/** docker against one engine; never inherits DOCKER_HOST/DOCKER_CONTEXT from the caller. */
function docker(host: string, args: string[], opts: { input?: string; config?: string; timeoutMs?: number } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['DOCKER_HOST'];
  delete env['DOCKER_CONTEXT'];
  if (opts.config !== undefined) env['DOCKER_CONFIG'] = opts.config;
  const res = spawnSync('docker', ['-H', host, ...args], {
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { status: res.status, stdout: res.stdout.trim(), stderr: res.stderr.trim() };
}

function dockerOk(host: string, args: string[], opts: { input?: string; config?: string; timeoutMs?: number } = {}): string {
  const res = docker(host, args, opts);
  if (res.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

function ssh(command: string, knownHostsFile = lab.ssh.knownHostsFile) {
  const res = spawnSync(
    'ssh',
    [
      '-F', '/dev/null',
      '-i', lab.ssh.identityFile,
      '-p', String(lab.ssh.port),
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=10',
      '-o', `UserKnownHostsFile=${knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'StrictHostKeyChecking=yes',
      `${lab.ssh.user}@${lab.ssh.host}`,
      command,
    ],
    { encoding: 'utf8', input: '', timeout: 30_000 },
  );
  return { status: res.status, stdout: res.stdout.trim(), stderr: res.stderr.trim() };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => {
        if (addr !== null && typeof addr === 'object') resolve(addr.port);
        else reject(new Error('no port'));
      });
    });
  });
}

beforeAll(() => {
  lab = readLab();
});

afterAll(() => {
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

describe('test lab', () => {
  it('runs two distinct Docker engines', () => {
    const runnerId = dockerOk(lab.runnerDockerHost, ['info', '--format', '{{.ID}}']);
    const hostId = dockerOk(lab.hostDockerHost, ['info', '--format', '{{.ID}}']);
    expect(runnerId).not.toBe('');
    expect(hostId).not.toBe('');
    expect(runnerId).not.toBe(hostId);
    // The Debian base image is built in the runner only: the host must not see it.
    expect(docker(lab.runnerDockerHost, ['image', 'inspect', lab.images.debian]).status).toBe(0);
    expect(docker(lab.hostDockerHost, ['image', 'inspect', lab.images.debian]).status).not.toBe(0);
    // Both engines have the busybox base image.
    expect(docker(lab.hostDockerHost, ['image', 'inspect', lab.images.busybox]).status).toBe(0);
  });

  it('registry requires authentication and accepts the lab credentials', () => {
    const { host, username, password } = lab.registry;
    const anon = tmp('lab-docker-anon-');
    const authed = tmp('lab-docker-auth-');
    const wrong = docker(lab.runnerDockerHost, ['login', host, '-u', username, '--password-stdin'], {
      input: `${password}x`,
      config: anon,
    });
    expect(wrong.status).not.toBe(0);

    const ref = `${host}/lab-e2e/busybox:${process.pid}`;
    dockerOk(lab.runnerDockerHost, ['tag', lab.images.busybox, ref]);
    try {
      const unauthPush = docker(lab.runnerDockerHost, ['push', ref], { config: anon });
      expect(unauthPush.status).not.toBe(0);
      expect(`${unauthPush.stdout}\n${unauthPush.stderr}`).toMatch(/unauthorized|authentication required|no basic auth/i);

      dockerOk(lab.runnerDockerHost, ['login', host, '-u', username, '--password-stdin'], { input: password, config: authed });
      dockerOk(lab.runnerDockerHost, ['push', ref], { config: authed });
      // The host engine can pull what the runner pushed (with credentials), proving the
      // runner -> registry -> host path the deploys use.
      expect(docker(lab.hostDockerHost, ['pull', ref], { config: anon }).status).not.toBe(0);
      dockerOk(lab.hostDockerHost, ['pull', ref], { config: authed });
    } finally {
      docker(lab.runnerDockerHost, ['image', 'rm', ref]);
      docker(lab.hostDockerHost, ['image', 'rm', ref]);
      docker(lab.runnerDockerHost, ['logout', host], { config: authed });
    }
  });

  it('ssh with the pinned host key reaches the host engine as the deploy user', () => {
    const hostId = dockerOk(lab.hostDockerHost, ['info', '--format', '{{.ID}}']);
    const res = ssh(`id -un; docker info --format '{{.ID}}'; docker compose version --short`);
    expect(res.status, res.stderr).toBe(0);
    const [user, remoteId, compose] = res.stdout.split('\n');
    expect(user).toBe(lab.ssh.user);
    expect(remoteId).toBe(hostId);
    expect(compose).toMatch(/^v?2\./);
    expect(lab.ssh.knownHostsLine).toMatch(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 AAAA\S+$/);
    expect(lab.ssh.hostKeyFingerprint).toMatch(/^SHA256:/);
  });

  it('ssh refuses a host whose key is not pinned', () => {
    const empty = join(tmp('lab-known-hosts-'), 'known_hosts');
    writeFileSync(empty, '');
    const res = ssh('true', empty);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/host key verification failed/i);
  });

  it('busybox image serves HTTP on loopback with --network host --init', async () => {
    const port = await freeLoopbackPort();
    const name = `lab-e2e-httpd-${process.pid}`;
    const script = `mkdir -p /tmp/www && echo lab-ok > /tmp/www/index.html && exec busybox httpd -f -p 127.0.0.1:${port} -h /tmp/www`;
    dockerOk(lab.runnerDockerHost, ['run', '-d', '--name', name, '--network', 'host', '--init', lab.images.busybox, 'sh', '-c', script]);
    try {
      // Bounded: at most 20 attempts of 5 s each, inside one container run. Debian's busybox
      // 1.35 is built without wget's -T (it segfaults on it), so `timeout` bounds each try.
      const probe = `for i in $(seq 1 20); do timeout 5 wget -q -O - http://127.0.0.1:${port}/ && exit 0; sleep 0.25; done; exit 1`;
      const out = dockerOk(lab.runnerDockerHost, ['run', '--rm', '--network', 'host', lab.images.busybox, 'sh', '-c', probe], {
        timeoutMs: 120_000,
      });
      expect(out).toBe('lab-ok');
      const started = Date.now();
      dockerOk(lab.runnerDockerHost, ['stop', name]);
      // With --init the stop does not wait for the 10 s grace period.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      docker(lab.runnerDockerHost, ['rm', '-f', name]);
    }
  });
});

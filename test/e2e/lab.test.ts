// Facts about the test lab that the other end-to-end tests rely on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLab, type Lab, type LabHost } from '../lab/lab';

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

/** ssh with the lab's identity to USER@HOST:PORT, the host key pinned by knownHostsFile. */
function sshTo(
  target: { host: string; port: number; user: string },
  command: string,
  knownHostsFile: string,
  input = '',
) {
  const res = spawnSync(
    'ssh',
    [
      '-F', '/dev/null',
      '-i', lab.ssh.identityFile,
      '-p', String(target.port),
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      '-o', 'ConnectTimeout=10',
      '-o', `UserKnownHostsFile=${knownHostsFile}`,
      '-o', 'GlobalKnownHostsFile=/dev/null',
      '-o', 'StrictHostKeyChecking=yes',
      `${target.user}@${target.host}`,
      command,
    ],
    { encoding: 'utf8', input, timeout: 60_000 },
  );
  return { status: res.status, stdout: res.stdout.trim(), stderr: res.stderr.trim() };
}

function ssh(command: string, knownHostsFile = lab.ssh.knownHostsFile) {
  return sshTo(lab.ssh, command, knownHostsFile);
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

  it('lab hosts h1, h2: own engines and homes over ssh, and each pulls from the registry on its own loopback', () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['h1', 'h2']);
    const knownHosts = join(tmp('lab-hosts-known-'), 'known_hosts');
    writeFileSync(knownHosts, lab.hosts.map((h) => `${h.knownHostsLine}\n`).join(''));
    const at = (h: LabHost, command: string, input = '') =>
      sshTo({ host: h.address, port: h.port, user: h.user }, command, knownHosts, input);
    const [h1, h2] = lab.hosts as [LabHost, LabHost];

    // Each host: the deploy user reaches that host's engine; all engine IDs differ.
    const ids = [
      dockerOk(lab.runnerDockerHost, ['info', '--format', '{{.ID}}']),
      dockerOk(lab.hostDockerHost, ['info', '--format', '{{.ID}}']),
    ];
    for (const h of lab.hosts) {
      expect(h.knownHostsLine).toMatch(new RegExp(`^${h.address.replace(/\./g, '\\.')} ssh-ed25519 AAAA\\S+$`));
      const res = at(h, `id -un; docker info --format '{{.ID}}'`);
      expect(res.status, res.stderr).toBe(0);
      const [user, remoteId] = res.stdout.split('\n');
      expect(user).toBe(h.user);
      expect(remoteId).toBe(dockerOk(h.dockerHost, ['info', '--format', '{{.ID}}']));
      ids.push(remoteId ?? '');
    }
    expect(new Set(ids).size).toBe(ids.length);

    // A file written in h1's home is in h1's home only.
    const name = `lab-e2e-home-${process.pid}`;
    try {
      const write = at(h1, `echo from-h1 > ~/${name}`);
      expect(write.status, write.stderr).toBe(0);
      expect(existsSync(join(h1.home, name))).toBe(true);
      expect(existsSync(join(h2.home, name))).toBe(false);
      expect(existsSync(join(lab.deployHome, name))).toBe(false);
      const onH2 = at(h2, `test -e ~/${name}`);
      expect(onH2.stderr).toBe('');
      expect(onH2.status).toBe(1);
      expect(at(h1, `cat ~/${name}`).stdout).toBe('from-h1');
    } finally {
      rmSync(join(h1.home, name), { force: true });
    }

    // The runner pushes to the registry; h1's engine pulls the same name from its own loopback, with a login.
    const { host, username, password } = lab.registry;
    const ref = `${host}/lab-e2e/busybox:${process.pid}`;
    const authed = tmp('lab-docker-ns-auth-');
    dockerOk(lab.runnerDockerHost, ['tag', lab.images.busybox, ref]);
    try {
      dockerOk(lab.runnerDockerHost, ['login', host, '-u', username, '--password-stdin'], { input: password, config: authed });
      dockerOk(lab.runnerDockerHost, ['push', ref], { config: authed });
      // A throwaway DOCKER_CONFIG on h1, so the login leaves nothing in its home.
      const script = [
        'cfg=$(mktemp -d)',
        `DOCKER_CONFIG="$cfg" docker login ${host} -u ${username} --password-stdin >/dev/null`,
        `DOCKER_CONFIG="$cfg" docker pull -q ${ref}; rc=$?`,
        'rm -rf "$cfg"',
        'exit $rc',
      ].join('\n');
      const pull = at(h1, script, password);
      expect(pull.status, pull.stderr).toBe(0);
      expect(pull.stdout).toBe(ref);
      expect(docker(h1.dockerHost, ['image', 'inspect', ref]).status).toBe(0);
      // Pulled into h1's engine only.
      expect(docker(h2.dockerHost, ['image', 'inspect', ref]).status).not.toBe(0);
    } finally {
      docker(h1.dockerHost, ['image', 'rm', ref]);
      docker(lab.runnerDockerHost, ['image', 'rm', ref]);
      docker(lab.runnerDockerHost, ['logout', host], { config: authed });
    }
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

// The test lab's description, written by `bash test/lab/lab.sh up` (see test/lab/lab.sh).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Lab {
  /** Engine where builds happen (the CI runner), e.g. `unix:///var/run/docker.sock`. */
  runnerDockerHost: string;
  /** Engine on the deploy target, reachable over ssh (sshd sets DOCKER_HOST to it). */
  hostDockerHost: string;
  registry: { host: string; username: string; password: string };
  ssh: {
    host: string;
    port: number;
    user: string;
    /** Absolute path of the deploy user's private key (mode 0600). */
    identityFile: string;
    /** Absolute path of a known_hosts file that pins the lab sshd's host key. */
    knownHostsFile: string;
    /** `[127.0.0.1]:2222 ssh-ed25519 AAAA...` */
    knownHostsLine: string;
    /** `SHA256:...` */
    hostKeyFingerprint: string;
    /** sshd's log (LogLevel VERBOSE): one "Connection from" line per connection. */
    logFile: string;
  };
  /** Images in the runner engine: `busybox` (FROM scratch), `debian` (minbase bookworm), `postgres` (PostgreSQL 15 + sqlite3, entrypoint runs a trusted cluster with user/db `app` on 127.0.0.1:$PGPORT), `sqlite` (Debian with sqlite3), `proxy` (Debian nginx-light, for the host proxy). */
  images: { busybox: string; debian: string; postgres: string; sqlite: string; proxy: string };
  deployHome: string;
}

/** Repository root (this file lives in test/lab/). */
export const repoRoot: string = fileURLToPath(new URL('../..', import.meta.url));

/** Path of the JSON file the lab writes: `<repo>/.lab/lab.json`. */
export function labFile(): string {
  return join(repoRoot, '.lab', 'lab.json');
}

function fail(file: string, why: string): never {
  throw new Error(`Test lab description ${file} ${why}. Run \`npm run lab:up\` (bash test/lab/lab.sh up) as root first.`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(obj: Record<string, unknown>, key: string, file: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') fail(file, `has no string "${where}${key}"`);
  return v;
}

function rec(obj: Record<string, unknown>, key: string, file: string): Record<string, unknown> {
  const v = obj[key];
  if (!isRecord(v)) fail(file, `has no object "${key}"`);
  return v;
}

/** Reads and validates `<repo>/.lab/lab.json`. Throws a clear Error when the lab is not set up. */
export function readLab(): Lab {
  const file = labFile();
  if (!existsSync(file)) fail(file, 'is missing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(file, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(parsed)) fail(file, 'is not a JSON object');
  const registry = rec(parsed, 'registry', file);
  const ssh = rec(parsed, 'ssh', file);
  const images = rec(parsed, 'images', file);
  const port = ssh['port'];
  if (typeof port !== 'number' || !Number.isInteger(port)) fail(file, 'has no integer "ssh.port"');
  return {
    runnerDockerHost: str(parsed, 'runnerDockerHost', file, ''),
    hostDockerHost: str(parsed, 'hostDockerHost', file, ''),
    registry: {
      host: str(registry, 'host', file, 'registry.'),
      username: str(registry, 'username', file, 'registry.'),
      password: str(registry, 'password', file, 'registry.'),
    },
    ssh: {
      host: str(ssh, 'host', file, 'ssh.'),
      port,
      user: str(ssh, 'user', file, 'ssh.'),
      identityFile: str(ssh, 'identityFile', file, 'ssh.'),
      knownHostsFile: str(ssh, 'knownHostsFile', file, 'ssh.'),
      knownHostsLine: str(ssh, 'knownHostsLine', file, 'ssh.'),
      hostKeyFingerprint: str(ssh, 'hostKeyFingerprint', file, 'ssh.'),
      logFile: str(ssh, 'logFile', file, 'ssh.'),
    },
    images: {
      busybox: str(images, 'busybox', file, 'images.'),
      debian: str(images, 'debian', file, 'images.'),
      postgres: str(images, 'postgres', file, 'images.'),
      sqlite: str(images, 'sqlite', file, 'images.'),
      proxy: str(images, 'proxy', file, 'images.'),
    },
    deployHome: str(parsed, 'deployHome', file, ''),
  };
}

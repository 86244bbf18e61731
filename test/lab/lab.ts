// The test lab's description, written by `bash test/lab/lab.sh up` (see test/lab/lab.sh).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One extra lab host for multi-host deploys: a network namespace on the lab bridge
 * (10.77.0.0/24) with its own Docker engine, sshd (port 22) and deploy home.
 */
export interface LabHost {
  /** `h1`, `h2`, ... */
  name: string;
  /** The host's address on the lab bridge, e.g. `10.77.0.11` (reachable from the root namespace only). */
  address: string;
  /** sshd port: 22. */
  port: number;
  /** `deploy`: logs in with the lab's identity file (`ssh.identityFile`). */
  user: string;
  /** The host's engine, e.g. `unix:///run/sdlab-h1.sock`; sshd sets DOCKER_HOST to it. */
  dockerHost: string;
  /** `10.77.0.11 ssh-ed25519 AAAA...` (port 22: no brackets); put it in a known_hosts file. */
  knownHostsLine: string;
  /** The deploy user's home on this host (its /home/deploy) as seen from here, so tests can inspect its files. No other host sees it. */
  home: string;
}

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
  /** Extra lab hosts (network namespaces h1, h2), each with its own engine, sshd and home. */
  hosts: LabHost[];
  /** A lab host (network namespace h3) whose engine is the manager of a single-node swarm. Published ports must use `mode: host` (no routing mesh), and a service's virtual IP does not answer (no IPVS): services that others reach by name use `endpoint_mode: dnsrr`. */
  swarm: LabHost;
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

function int(obj: Record<string, unknown>, key: string, file: string, where: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(file, `has no integer "${where}${key}"`);
  return v;
}

function hostsOf(parsed: Record<string, unknown>, file: string): LabHost[] {
  const v = parsed['hosts'];
  if (!Array.isArray(v) || v.length === 0) fail(file, 'has no non-empty array "hosts"');
  return v.map((h: unknown, i) => labHost(h, `hosts[${i}]`, file));
}

function labHost(h: unknown, key: string, file: string): LabHost {
  const where = `${key}.`;
  if (!isRecord(h)) fail(file, `has no object "${key}"`);
  return {
    name: str(h, 'name', file, where),
    address: str(h, 'address', file, where),
    port: int(h, 'port', file, where),
    user: str(h, 'user', file, where),
    dockerHost: str(h, 'dockerHost', file, where),
    knownHostsLine: str(h, 'knownHostsLine', file, where),
    home: str(h, 'home', file, where),
  };
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
  const port = int(ssh, 'port', file, 'ssh.');
  const username = str(registry, 'username', file, 'registry.');
  const password = str(registry, 'password', file, 'registry.');
  return {
    runnerDockerHost: str(parsed, 'runnerDockerHost', file, ''),
    hostDockerHost: str(parsed, 'hostDockerHost', file, ''),
    registry: {
      host: str(registry, 'host', file, 'registry.'),
      username,
      password,
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
    hosts: hostsOf(parsed, file),
    swarm: labHost(parsed['swarm'], 'swarm', file),
  };
}

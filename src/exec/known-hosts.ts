import { createHash, createHmac } from 'node:crypto';
import { StackDeployError } from '../errors';

/** One public host key pinned for a host, from an OpenSSH known_hosts line. */
export interface PinnedKey {
  readonly keyType: string;
  readonly keyBase64: string;
  readonly revoked: boolean;
}

/** The name a host is pinned under: `host` for port 22, `[host]:port` otherwise (as OpenSSH). */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:…` as `ssh-keygen -lf` and OpenSSH's warnings print it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/u, '')}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  if (length > 64 || keyBlob.length < 4 + length) return 'unknown';
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replace(/\*/gu, '.*').replace(/\?/gu, '.');
  return new RegExp(`^${escaped}$`, 'iu');
}

function hashedHostMatches(entry: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const [, magic, salt, hash] = entry.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return false;
  const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
  return digest === hash;
}

function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedHostMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * The keys that known_hosts text pins for host:port. Comments, blank lines and
 * `@cert-authority` lines are skipped (certificates are not supported); `@revoked` keys are
 * returned marked so that they are refused even if also pinned.
 */
export function pinnedKeysFor(knownHosts: string, host: string, port: number): PinnedKey[] {
  const name = knownHostsName(host, port);
  const keys: PinnedKey[] = [];
  for (const rawLine of knownHosts.split(/\r?\n/u)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/u);
    let revoked = false;
    if (fields[0]?.startsWith('@') === true) {
      const marker = fields.shift();
      if (marker === '@revoked') revoked = true;
      else continue;
    }
    const [hosts, keyType, keyBase64] = fields;
    if (hosts === undefined || keyType === undefined || keyBase64 === undefined) continue;
    if (hostFieldMatches(hosts, name)) keys.push({ keyType, keyBase64, revoked });
  }
  return keys;
}

export type HostKeyVerdict = { readonly accepted: true } | { readonly accepted: false; readonly error: StackDeployError };

/**
 * Decides whether the key a server offered is one pinned for it. There is no trust on first
 * use: a host without a pinned key is refused, with the offered key's fingerprint and the
 * exact line to pin once the fingerprint has been checked out of band.
 */
export function verifyHostKey(knownHosts: string, host: string, port: number, offered: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const pinned = pinnedKeysFor(knownHosts, host, port);
  const offeredBase64 = offered.toString('base64');
  const keyType = keyTypeOf(offered);
  const fingerprint = fingerprintSha256(offered);
  const pinLine = `${name} ${keyType} ${offeredBase64}`;
  const where = { host: name, step: 'connect' };
  if (pinned.some((key) => key.revoked && key.keyBase64 === offeredBase64)) {
    return {
      accepted: false,
      error: new StackDeployError(`the host key offered by ${name} (${keyType} ${fingerprint}) is marked @revoked in ssh-known-hosts`, {
        ...where,
        hint: 'the server must present a new host key; pin it after checking its fingerprint on the server',
      }),
    };
  }
  if (pinned.some((key) => !key.revoked && key.keyBase64 === offeredBase64)) return { accepted: true };
  const active = pinned.filter((key) => !key.revoked);
  if (active.length === 0) {
    return {
      accepted: false,
      error: new StackDeployError(`no host key is pinned for ${name}; the server offered ${keyType} ${fingerprint}`, {
        ...where,
        hint:
          `check that fingerprint on the server (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-/u, '')}_key.pub), ` +
          `then add this line to the ssh-known-hosts input (or --known-hosts file): ${pinLine}`,
      }),
    };
  }
  return {
    accepted: false,
    error: new StackDeployError(
      `HOST KEY MISMATCH for ${name}: the server offered ${keyType} ${fingerprint}, which is not the pinned key; the connection was refused before any command ran`,
      {
        ...where,
        hint:
          'someone may be intercepting the connection, or the server was reinstalled. Check the fingerprint on the server; ' +
          `only if it is right, replace the pinned line with: ${pinLine}`,
      },
    ),
  };
}

/** Key types pinned for the host, to ask the server for one of those (as OpenSSH does). */
export function pinnedKeyTypes(knownHosts: string, host: string, port: number): string[] {
  const types = pinnedKeysFor(knownHosts, host, port)
    .filter((key) => !key.revoked)
    .map((key) => key.keyType);
  return [...new Set(types)];
}

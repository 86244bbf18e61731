import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { fingerprintSha256, keyTypeOf, knownHostsName, pinnedKeyTypes, pinnedKeysFor, verifyHostKey } from '../../../src/exec/known-hosts';

/** An OpenSSH ed25519 public key blob: string "ssh-ed25519" + string key. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(type.length);
  const keyLength = Buffer.alloc(4);
  keyLength.writeUInt32BE(raw.length);
  return Buffer.concat([header, type, keyLength, raw]);
}

const key = ed25519Blob();
const other = ed25519Blob();
const line = (hosts: string, blob: Buffer) => `${hosts} ssh-ed25519 ${blob.toString('base64')}`;
const scratch = mkdtempSync(join(tmpdir(), 'known-hosts-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('knownHostsName', () => {
  test.each([
    ['example.com', 22, 'example.com'],
    ['example.com', 2222, '[example.com]:2222'],
    ['127.0.0.1', 2222, '[127.0.0.1]:2222'],
  ])('%s port %d is pinned as %s', (host, port, expected) => {
    expect(knownHostsName(host, port)).toBe(expected);
  });
});

describe('fingerprintSha256', () => {
  test('matches ssh-keygen -lf', () => {
    const file = join(scratch, 'key.pub');
    execFileSync('sh', ['-c', `printf '%s\\n' "$1" > "$2"`, 'sh', `ssh-ed25519 ${key.toString('base64')}`, file]);
    const printed = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprintSha256(key)).toBe(printed);
    expect(keyTypeOf(key)).toBe('ssh-ed25519');
  });
});

describe('pinnedKeysFor', () => {
  test.each([
    ['exact host, port 22', line('deploy.example.com', key), 'deploy.example.com', 22, 1],
    ['a list of names', line('other.example.com,deploy.example.com,10.0.0.1', key), 'deploy.example.com', 22, 1],
    ['bracketed non-default port', line('[deploy.example.com]:2222', key), 'deploy.example.com', 2222, 1],
    ['port 22 entry does not pin port 2222', line('deploy.example.com', key), 'deploy.example.com', 2222, 0],
    ['wildcard', line('*.example.com', key), 'deploy.example.com', 22, 1],
    ['negated wildcard', line('*.example.com,!deploy.example.com', key), 'deploy.example.com', 22, 0],
    ['case-insensitive names', line('DEPLOY.example.com', key), 'deploy.example.com', 22, 1],
    ['comments and blank lines', `# pinned\n\n${line('deploy.example.com', key)}\n`, 'deploy.example.com', 22, 1],
    ['cert-authority lines are ignored', `@cert-authority ${line('deploy.example.com', key)}`, 'deploy.example.com', 22, 0],
    ['another host', line('evil.example.com', key), 'deploy.example.com', 22, 0],
    ['a dot is not a wildcard', line('deployXexample.com', key), 'deploy.example.com', 22, 0],
  ])('%s', (_name, text, host, port, count) => {
    expect(pinnedKeysFor(text, host, port)).toHaveLength(count);
  });

  test('hashed host names (ssh-keygen -H)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[deploy.example.com]:2222').digest('base64');
    const text = line(`|1|${salt.toString('base64')}|${hash}`, key);
    expect(pinnedKeysFor(text, 'deploy.example.com', 2222)).toHaveLength(1);
    expect(pinnedKeysFor(text, 'deploy.example.com', 22)).toHaveLength(0);
  });

  test('pinned key types are asked for, once each', () => {
    const text = [line('h', key), line('h', other), 'h ecdsa-sha2-nistp256 AAAA', '@revoked h ssh-rsa AAAA'].join('\n');
    expect(pinnedKeyTypes(text, 'h', 22)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
  });
});

describe('verifyHostKey', () => {
  test('accepts the pinned key', () => {
    expect(verifyHostKey(line('[h]:2222', key), 'h', 2222, key)).toEqual({ accepted: true });
  });

  test('accepts any of several pinned keys', () => {
    expect(verifyHostKey([line('h', other), line('h', key)].join('\n'), 'h', 22, key).accepted).toBe(true);
  });

  test('refuses a different key, showing the offered fingerprint and the line to pin', () => {
    const verdict = verifyHostKey(line('[h]:2222', other), 'h', 2222, key);
    expect(verdict.accepted).toBe(false);
    if (verdict.accepted) return;
    expect(verdict.error.message).toBe(
      `HOST KEY MISMATCH for [h]:2222: the server offered ssh-ed25519 ${fingerprintSha256(key)}, which is not the pinned key; the connection was refused before any command ran`,
    );
    expect(verdict.error.context.hint).toContain(`[h]:2222 ssh-ed25519 ${key.toString('base64')}`);
    expect(verdict.error.context.host).toBe('[h]:2222');
  });

  test('refuses a host with no pinned key: no trust on first use', () => {
    const verdict = verifyHostKey('', 'h', 22, key);
    expect(verdict.accepted).toBe(false);
    if (verdict.accepted) return;
    expect(verdict.error.message).toBe(`no host key is pinned for h; the server offered ssh-ed25519 ${fingerprintSha256(key)}`);
    expect(verdict.error.context.hint).toContain(`h ssh-ed25519 ${key.toString('base64')}`);
  });

  test('refuses a revoked key even when it is also pinned', () => {
    const text = [line('h', key), `@revoked ${line('h', key)}`].join('\n');
    const verdict = verifyHostKey(text, 'h', 22, key);
    expect(verdict.accepted).toBe(false);
    if (verdict.accepted) return;
    expect(verdict.error.message).toMatch(/@revoked/u);
  });

  test('a real known_hosts file written by ssh-keygen', () => {
    const keyFile = join(scratch, 'host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const pub = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(' ');
    const blob = Buffer.from(pub[1] ?? '', 'base64');
    expect(verifyHostKey(`[127.0.0.1]:2222 ${pub[0]} ${pub[1]}`, '127.0.0.1', 2222, blob).accepted).toBe(true);
    expect(verifyHostKey(`127.0.0.1 ${pub[0]} ${pub[1]}`, '127.0.0.1', 2222, blob).accepted).toBe(false);
  });
});

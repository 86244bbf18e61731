import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { runAction, runCliBundle } from './run-action';

let lab: Lab;
let privateKey: string;
let hostDockerVersion: string;
const scratch = mkdtempSync(join(tmpdir(), 'ssh-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  lab = readLab();
  privateKey = readFileSync(lab.ssh.identityFile, 'utf8');
  hostDockerVersion = execFileSync('docker', ['-H', lab.hostDockerHost, 'version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();
  writeFileSync(join(scratch, 'compose.yml'), 'services:\n  web:\n    image: 127.0.0.1:5000/labstack/web\n');
  writeFileSync(
    join(scratch, 'stack.yml'),
    `version: 1
name: labstack
services:
  web:
    image: 127.0.0.1:5000/labstack/web
environments:
  lab:
    host: ${lab.ssh.host}
    port: ${lab.ssh.port}
    user: ${lab.ssh.user}
    path: ${lab.deployHome}/labstack
    compose: [compose.yml]
`,
  );
});

/** A known_hosts line for the lab's address with a key that is not the lab's. */
function foreignKnownHostsLine(): string {
  const keyFile = join(scratch, `foreign-${Date.now()}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  const [type, key] = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(' ');
  return `[${lab.ssh.host}]:${lab.ssh.port} ${type} ${key}`;
}

/** Where the sshd log ends now, and the lines written after such a mark. */
function sshdLogMark(): number {
  return statSync(lab.ssh.logFile).size;
}
function sshdLogSince(mark: number): string[] {
  return readFileSync(lab.ssh.logFile).subarray(mark).toString('utf8').split('\n');
}

describe('SSH from the bundle (command check)', () => {
  test('connects with the pinned host key and reaches the host engine', () => {
    const mark = sshdLogMark();
    const run = runAction(
      { command: 'check', 'ssh-private-key': privateKey, 'ssh-known-hosts': lab.ssh.knownHostsLine },
      { cwd: scratch },
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`deploy@127.0.0.1:2222 (lab): Docker ${hostDockerVersion}`);
    expect(run.stdout).toMatch(/docker compose 2\.\d+/u);
    expect(run.outputs.result).toBe('success');
    expect(run.summary).toContain(`| lab | deploy@127.0.0.1:2222 | ${hostDockerVersion} |`);
    // Every line of the private key is registered for masking, and never printed otherwise.
    const keyLines = privateKey.split('\n').filter((line) => line.length > 20);
    expect(keyLines.length).toBeGreaterThan(2);
    const masked = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    const shown = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    for (const line of keyLines) {
      expect(masked).toContain(`::add-mask::${line}`);
      for (const text of [shown.join('\n'), run.stderr, run.summary]) expect(text).not.toContain(line);
    }
    // One connection for the whole command.
    const newLines = sshdLogSince(mark);
    expect(newLines.filter((line) => line.includes('Connection from 127.0.0.1'))).toHaveLength(1);
    expect(newLines.filter((line) => line.includes('Accepted publickey for deploy'))).toHaveLength(1);
  });

  test('a wrong pinned key is refused before any command runs, showing the fingerprint and how to pin', () => {
    const mark = sshdLogMark();
    const run = runAction({ command: 'check', 'ssh-private-key': privateKey, 'ssh-known-hosts': foreignKnownHostsLine() }, { cwd: scratch });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const report = run.summary;
    expect(report).toContain(`HOST KEY MISMATCH for [127.0.0.1]:2222: the server offered ssh-ed25519 ${lab.ssh.hostKeyFingerprint}`);
    expect(report).toContain(`only if it is right, replace the pinned line with: ${lab.ssh.knownHostsLine}`);
    expect(run.stdout).toContain('HOST KEY MISMATCH');
    // The client gave up during key exchange: sshd never authenticated it.
    const newLines = sshdLogSince(mark);
    expect(newLines.some((line) => line.includes('Accepted publickey'))).toBe(false);
  });

  test('no pinned key at all: refused, no trust on first use', () => {
    const run = runAction({ command: 'check', 'ssh-private-key': privateKey, 'ssh-known-hosts': 'other.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl' }, { cwd: scratch });
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain(`no host key is pinned for [127.0.0.1]:2222; the server offered ssh-ed25519 ${lab.ssh.hostKeyFingerprint}`);
    expect(run.summary).toContain(`add this line to the ssh-known-hosts input (or --known-hosts file): ${lab.ssh.knownHostsLine}`);
  });

  test('a key the server does not accept: a clear authentication error', () => {
    const keyFile = join(scratch, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const run = runAction(
      { command: 'check', 'ssh-private-key': readFileSync(keyFile, 'utf8'), 'ssh-known-hosts': lab.ssh.knownHostsLine },
      { cwd: scratch },
    );
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain('SSH authentication failed as deploy@[127.0.0.1]:2222');
  });

  test('the CLI does the same from key and known_hosts files', () => {
    const run = runCliBundle(['check', '-e', 'lab', '--identity', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile], { cwd: scratch });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`deploy@127.0.0.1:2222 (lab): Docker ${hostDockerVersion}`);
  });
});

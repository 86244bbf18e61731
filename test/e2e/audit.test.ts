import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { runCliBundle } from './run-action';

let lab: Lab;
let dir: string;
let hostPath: string;
let envFile: string;

const RISKY = `services:
  web:
    image: nginx:1.27
  db:
    image: postgres:15
    ports: ["5432:5432"]
`;

beforeAll(() => {
  lab = readLab();
  const name = `audit${randomBytes(4).toString('hex')}`;
  dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
  hostPath = `${lab.deployHome}/${name}`;
  writeFileSync(
    join(dir, 'stack.yml'),
    `version: 1\nname: ${name}\nservices:\n  web: {}\nenvironments:\n  lab: { host: ${lab.ssh.host}, port: ${lab.ssh.port}, user: ${lab.ssh.user}, path: ${hostPath}, compose: [compose.yml] }\n`,
  );
  // The env file a deploy leaves, made world-readable, owned by the deploy user.
  mkdirSync(`${hostPath}/.stack-deploy`, { recursive: true });
  envFile = `${hostPath}/.stack-deploy/stack.env`;
  writeFileSync(envFile, 'A=1\n');
  chmodSync(envFile, 0o644);
  const ids = execFileSync('id', [lab.ssh.user], { encoding: 'utf8' });
  const uid = Number(/uid=(\d+)/u.exec(ids)?.[1]);
  const gid = Number(/gid=(\d+)/u.exec(ids)?.[1]);
  for (const path of [hostPath, `${hostPath}/.stack-deploy`, envFile]) chownSync(path, uid, gid);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(hostPath, { recursive: true, force: true });
});

function audit() {
  const run = runCliBundle(['check', '-e', 'lab', '--audit', '--json', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile], { cwd: dir });
  const printed = JSON.parse(run.stdout) as { status: string; outputs: { audit?: string } };
  const findings = JSON.parse(printed.outputs.audit ?? '[]') as { severity: string; where: string; what: string }[];
  return { ...run, findings: findings.map((f) => `${f.severity} ${f.where}: ${f.what}`) };
}

describe('check --audit against the lab host', () => {
  test('reports the exposed database port, the readable env file and the unpinned image; exits 1', () => {
    writeFileSync(join(dir, 'compose.yml'), RISKY.replace('nginx:1.27', 'nginx'));
    const run = audit();
    const host = lab.ssh.port === 22 ? `${lab.ssh.user}@${lab.ssh.host}` : `${lab.ssh.user}@[${lab.ssh.host}]:${lab.ssh.port}`;
    expect(run.findings).toEqual([
      'high compose.yml:6 services.db.ports.0: port 5432 of "db" (a database or queue) is published on all interfaces',
      `high ${host} ${envFile}: the env file is readable by others (mode 644)`,
      'medium compose.yml:3 services.web.image: "web" runs nginx: no tag, so each pull may bring another version',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('HIGH compose.yml:6 services.db.ports.0');
  });

  test('passes once they are fixed: the lab\'s sshd refuses passwords and the deploy user is not root', () => {
    writeFileSync(join(dir, 'compose.yml'), RISKY.replace('"5432:5432"', '"127.0.0.1:5432:5432"'));
    chmodSync(envFile, 0o600);
    const run = audit();
    expect(run.findings).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(0);
  });
});

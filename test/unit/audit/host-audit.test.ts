import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { auditHostCommand, hostFindings, sshdAllowsPasswords } from '../../../src/audit/host-audit';

const WHERE = { host: 'deploy@h:22', envFile: '/opt/shop/.stack-deploy/stack.env' };

describe('sshdAllowsPasswords', () => {
  test.each<[string, string[], boolean | undefined]>([
    ['unset: OpenSSH\'s default is yes', ['Port 22', '#PasswordAuthentication no'], true],
    ['no', ['PasswordAuthentication no'], false],
    ['the first value wins (an included drop-in before the main file)', ['passwordauthentication=no', 'PasswordAuthentication yes'], false],
    ['a Match block does not count', ['Match User ci', '  PasswordAuthentication no'], true],
    ['unreadable', ['# unreadable: /etc/ssh/sshd_config'], undefined],
  ])('%s', (_name, config, expected) => {
    expect(sshdAllowsPasswords(config)).toBe(expected);
  });
});

describe('hostFindings', () => {
  test('a root user, a world-readable env file of another owner, sshd with passwords', () => {
    const output = ['== user', '0', 'root', '== envfile', '644 deploy', '== sshd /etc/ssh/sshd_config', 'Port 22', ''].join('\n');
    expect(hostFindings(output, WHERE).map((f) => `${f.severity} ${f.where}: ${f.what}`)).toEqual([
      'high deploy@h:22: the deploy user is root',
      'high deploy@h:22 /opt/shop/.stack-deploy/stack.env: the env file is readable by others (mode 644)',
      'medium deploy@h:22 /opt/shop/.stack-deploy/stack.env: the env file belongs to deploy, not to the deploy user root',
      'high deploy@h:22 /etc/ssh/sshd_config: sshd allows password logins',
    ]);
  });

  test('a clean host has no findings; a missing env file is a low one', () => {
    const clean = ['== user', '1000', 'deploy', '== envfile', '600 deploy', '== sshd /etc/ssh/sshd_config', 'PasswordAuthentication no'].join('\n');
    expect(hostFindings(clean, WHERE)).toEqual([]);
    expect(hostFindings(clean.replace('600 deploy', 'missing'), WHERE).map((f) => f.severity)).toEqual(['low']);
  });
});

describe('auditHostCommand through a real sh', () => {
  test('reports the user, the env file\'s mode and owner, and an sshd configuration', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    try {
      const envFile = path.join(dir, 'it has spaces; $(x).env');
      writeFileSync(envFile, 'A=1\n');
      chmodSync(envFile, 0o640);
      const [program, ...args] = auditHostCommand(envFile).argv;
      const output = execFileSync(program ?? 'sh', args, { encoding: 'utf8' });
      const me = userInfo();
      expect(output).toContain(`== user\n${me.uid}\n${me.username}\n== envfile\n640 ${me.username}\n== sshd `);
      expect(hostFindings(output, { host: 'local', envFile }).map((f) => f.what)).toContain('the env file is readable by others (mode 640)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { Redactor } from '../../../src/exec/redact';
import type { SshCredentials, SshTarget } from '../../../src/exec/ssh';
import { FakeExecutor, succeeded } from '../fakes';

const logged = vi.hoisted(() => ({ info: [] as string[], warning: [] as string[], secrets: [] as string[] }));
vi.mock('@actions/core', () => ({
  info: (text: string) => logged.info.push(text),
  warning: (text: string) => logged.warning.push(text),
  setSecret: (text: string) => logged.secrets.push(text),
  getInput: () => '',
}));

const { readInputs } = await import('../../../src/action/inputs');
const { runPost } = await import('../../../src/action/post');
const { LOCK } = await import('../../../src/action/state');
const { releaseAbandonedLockCommand } = await import('../../../src/deploy/remote-commands');

const HELD = { host: 'h', port: 22, user: 'deploy', lockDir: '/srv/.stack-deploy/lock', runDir: '/srv/.stack-deploy/runs/r1', runId: 'r1', script: '/srv/.stack-deploy/transaction.sh' };
const KNOWN_HOSTS = 'h ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample';

function stateWith(values: Record<string, string>) {
  return { get: (key: string) => values[key] ?? '', set: (key: string, value: string) => void (values[key] = value) };
}

function reader(values: Record<string, string>) {
  return (name: string): string => values[name] ?? '';
}

interface Connection {
  readonly target: SshTarget;
  readonly credentials: SshCredentials;
  readonly redactor: Redactor;
}

/** A connector that records what it was given and answers the release program with `verdict`. */
function recordingConnector(verdict: string) {
  const connections: Connection[] = [];
  const executor = new FakeExecutor(() => succeeded(`${verdict}\n`), 'deploy@h:22');
  const connect = (target: SshTarget, credentials: SshCredentials, redactor: Redactor) => {
    connections.push({ target, credentials, redactor });
    return Promise.resolve(executor);
  };
  return { connections, executor, connect };
}

beforeEach(() => {
  logged.info.length = 0;
  logged.warning.length = 0;
  logged.secrets.length = 0;
});

describe('runPost', () => {
  test('with nothing left behind it connects nowhere', async () => {
    const { connections, connect } = recordingConnector('released');
    await runPost(stateWith({}), reader({ 'ssh-private-key': 'KEY', 'ssh-known-hosts': KNOWN_HOSTS }), connect);
    expect(connections).toEqual([]);
    expect(logged.info).toEqual(['stack-deploy: nothing to clean up']);
  });

  test.each([
    ['Windows line ends', '-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaC1rZXk\r\n-----END OPENSSH PRIVATE KEY-----\r\n'],
    ['no final newline', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----'],
    ['blank lines and spaces around it', '\n  -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----  \n\n'],
  ])('a key with %s reaches the connection as the main step reads it', async (_case, key) => {
    const inputs = { 'ssh-private-key': key, 'ssh-known-hosts': `  ${KNOWN_HOSTS}\n` };
    const main = readInputs(reader(inputs), {}).settings;
    const { connections, executor, connect } = recordingConnector('released');
    await runPost(stateWith({ [LOCK]: JSON.stringify(HELD) }), reader(inputs), connect);
    expect(connections).toHaveLength(1);
    expect(connections[0]?.target).toEqual({ host: 'h', port: 22, user: 'deploy' });
    expect(connections[0]?.credentials).toEqual({ privateKey: main.sshPrivateKey, knownHosts: main.sshKnownHosts });
    expect(connections[0]?.credentials.privateKey).toBe('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n');
    expect(connections[0]?.credentials.knownHosts).toBe(KNOWN_HOSTS);
    // Masked and redacted as the main step masks it: every line of the key.
    expect(connections[0]?.redactor.redact('b3BlbnNzaC1rZXk')).toBe('***');
    expect(logged.secrets).toContain('b3BlbnNzaC1rZXk');
    expect(executor.calls.map((call) => call.argv)).toEqual([releaseAbandonedLockCommand(HELD).argv]);
    expect(logged.warning).toEqual(['stack-deploy: the run stopped while it held the deploy lock on deploy@h:22; the lock is released (nothing had been switched)']);
  });

  test('the locks of a run over several hosts: each host is connected to and freed, and says how its transaction had ended', async () => {
    const other = { ...HELD, host: 'h2' };
    const { connections, connect } = recordingConnector('released: success');
    await runPost(stateWith({ [LOCK]: JSON.stringify([HELD, other]) }), reader({ 'ssh-private-key': 'KEY', 'ssh-known-hosts': KNOWN_HOSTS }), connect);
    expect(connections.map((c) => c.target.host)).toEqual(['h', 'h2']);
    expect(logged.warning).toEqual([
      'stack-deploy: the run stopped while it held the deploy lock on deploy@h:22, after its transaction there had ended ("success"); the lock is released',
      'stack-deploy: the run stopped while it held the deploy lock on deploy@h2:22, after its transaction there had ended ("success"); the lock is released',
    ]);
  });

  test('without a key it warns and connects nowhere', async () => {
    const { connections, connect } = recordingConnector('released');
    await runPost(stateWith({ [LOCK]: JSON.stringify(HELD) }), reader({ 'ssh-known-hosts': KNOWN_HOSTS }), connect);
    expect(connections).toEqual([]);
    expect(logged.warning).toEqual([
      'stack-deploy: could not release the deploy lock on deploy@h:22: the input "ssh-private-key" is not set. It expires by itself after its lease, or run the unlock command.',
    ]);
  });
});

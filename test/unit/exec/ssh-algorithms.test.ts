import { describe, expect, test } from 'vitest';
import { hostKeyAlgorithms } from '../../../src/exec/ssh';

describe('hostKeyAlgorithms: the host key signatures a connection accepts', () => {
  test.each([
    [['ssh-rsa'], ['rsa-sha2-512', 'rsa-sha2-256']],
    [['ssh-ed25519'], ['ssh-ed25519']],
    [['ssh-ed25519', 'ssh-rsa', 'ssh-rsa'], ['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']],
    [['ecdsa-sha2-nistp256'], ['ecdsa-sha2-nistp256']],
  ])('pinned %j: %j', (pinned, algorithms) => {
    expect(hostKeyAlgorithms(pinned)).toEqual(algorithms);
  });

  test('nothing pinned: modern algorithms only', () => {
    expect(hostKeyAlgorithms([])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256']);
  });

  test.each([[['ssh-rsa']], [[]], [['ssh-ed25519', 'ssh-rsa']]])('pinned %j never accepts SHA-1 ssh-rsa signatures', (pinned) => {
    expect(hostKeyAlgorithms(pinned)).not.toContain('ssh-rsa');
  });
});

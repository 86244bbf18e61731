import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TRANSACTION_SCRIPT } from '../../../src/deploy/host/scripts.generated';

describe('embedded host scripts', () => {
  test('the bundle carries the current transaction.sh (run npm run build after editing it)', () => {
    expect(TRANSACTION_SCRIPT).toBe(readFileSync(new URL('../../../src/deploy/host/transaction.sh', import.meta.url), 'utf8'));
  });

  test.each(['sh', 'bash'])('transaction.sh parses with %s -n', (shell) => {
    execFileSync(shell, ['-n', '-c', TRANSACTION_SCRIPT]);
  });
});

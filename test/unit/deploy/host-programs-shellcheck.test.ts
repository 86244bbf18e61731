import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import {
  acquireLockCommand,
  forceUnlockCommand,
  preflightCommand,
  readRunCommand,
  releaseAbandonedLockCommand,
  releaseLockCommand,
  startTransactionCommand,
  uploadAndPullCommand,
} from '../../../src/deploy/remote-commands';

// Every `sh -c` program stack-deploy sends to hosts passes shellcheck, like transaction.sh (npm run lint).

const PATHS = hostPaths({ path: '/srv/app', runId: 'r' });

const PROGRAMS = [
  ['preflight', preflightCommand(PATHS, 'shop', 'legacy', false, { runId: 'r', owner: '{}', leaseSeconds: 900 })],
  ['read run', readRunCommand(PATHS.runDir)],
  ['acquire lock', acquireLockCommand(PATHS.lock, 'r', '{}', 900)],
  ['release lock', releaseLockCommand(PATHS.lock, 'r')],
  ['release abandoned lock', releaseAbandonedLockCommand({ lockDir: PATHS.lock, script: PATHS.script, runDir: PATHS.runDir, runId: 'r' })],
  ['upload and pull', uploadAndPullCommand(PATHS, Buffer.alloc(0), 'r', ['a@sha256:00'], [{ service: 'db', image: 'postgres:15' }])],
  ['start transaction', startTransactionCommand(PATHS, 'r')],
  ['force unlock', forceUnlockCommand(PATHS, '{}\n')],
] as const;

describe('host programs pass shellcheck', () => {
  test.each(PROGRAMS)('%s', (_name, command) => {
    expect(command.argv.slice(0, 2)).toEqual(['sh', '-c']);
    const result = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: command.argv[2], encoding: 'utf8' });
    expect(result.error, 'shellcheck is not installed (apt-get install shellcheck)').toBeUndefined();
    expect(result.stdout).toBe('');
  });
});

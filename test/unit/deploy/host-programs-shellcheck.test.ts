import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import {
  acquireLockCommand,
  forceUnlockCommand,
  preflightCommand,
  pullImagesCommand,
  readRunCommand,
  releaseAbandonedLockCommand,
  releaseLockCommand,
  startTransactionCommand,
  uploadFilesCommand,
} from '../../../src/deploy/remote-commands';

// Every `sh -c` program stack-deploy sends to hosts passes shellcheck, like transaction.sh (npm run lint).

const PROGRAMS = [
  ['preflight', preflightCommand('/srv/app', 'shop', 'legacy')],
  ['read run', readRunCommand('/srv/app/.stack-deploy/runs/r')],
  ['acquire lock', acquireLockCommand('/srv/app/.stack-deploy/lock', 'r', '{}', 900)],
  ['release lock', releaseLockCommand('/srv/app/.stack-deploy/lock', 'r')],
  ['release abandoned lock', releaseAbandonedLockCommand({ lockDir: '/srv/app/.stack-deploy/lock', script: '/srv/app/.stack-deploy/transaction.sh', runDir: '/srv/app/.stack-deploy/runs/r', runId: 'r' })],
  ['upload', uploadFilesCommand('/srv/app', 'r', Buffer.alloc(0))],
  ['pull', pullImagesCommand('/srv/app/.stack-deploy', 'r', ['a@sha256:00'], '', [{ service: 'db', image: 'postgres:15' }])],
  ['start transaction', startTransactionCommand('/srv/app/.stack-deploy', '/srv/app/.stack-deploy/runs/r', 'r')],
  ['force unlock', forceUnlockCommand('/srv/app/.stack-deploy', '{}\n')],
] as const;

describe('host programs pass shellcheck', () => {
  test.each(PROGRAMS)('%s', (_name, command) => {
    expect(command.argv.slice(0, 2)).toEqual(['sh', '-c']);
    const result = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: command.argv[2], encoding: 'utf8' });
    expect(result.error, 'shellcheck is not installed (apt-get install shellcheck)').toBeUndefined();
    expect(result.stdout).toBe('');
  });
});

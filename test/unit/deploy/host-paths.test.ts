import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as hostAudit from '../../../src/audit/host-audit';
import type { Command } from '../../../src/commands/command';
import * as hostInspect from '../../../src/deploy/host-inspect';
import { hostPaths } from '../../../src/deploy/plan';
import * as remoteCommands from '../../../src/deploy/remote-commands';

// hostPaths is the one place that names the host's layout: the programs sent to the host get
// every path as an argument.

const PATHS = hostPaths({ path: '/srv/app', runId: 'r1' });

/** Every builder of a host program, with arguments taken from hostPaths. */
const PROGRAMS: Record<string, Command> = {
  preflightCommand: remoteCommands.preflightCommand(PATHS, 'shop', 'legacy', false, { runId: 'r1', owner: '{}', leaseSeconds: 900 }),
  readRunCommand: remoteCommands.readRunCommand(PATHS.runDir),
  acquireLockCommand: remoteCommands.acquireLockCommand(PATHS.lock, 'r1', '{}', 900),
  releaseLockCommand: remoteCommands.releaseLockCommand(PATHS.lock, 'r1'),
  handOverLockCommand: remoteCommands.handOverLockCommand(PATHS.lock, 'r1', 'r1-undo'),
  endRolloutCommand: remoteCommands.endRolloutCommand(PATHS, 'r1', '{}'),
  renewLeaseCommand: remoteCommands.renewLeaseCommand(PATHS.lock, 'r1', 900),
  releaseAbandonedLockCommand: remoteCommands.releaseAbandonedLockCommand({ lockDir: PATHS.lock, script: PATHS.script, runDir: PATHS.runDir, runId: 'r1' }),
  uploadAndPullCommand: remoteCommands.uploadAndPullCommand(PATHS, Buffer.alloc(0), 'r1', ['a@sha256:00'], [{ service: 'db', image: 'postgres:15' }]),
  startTransactionCommand: remoteCommands.startTransactionCommand(PATHS, 'r1'),
  forceUnlockCommand: remoteCommands.forceUnlockCommand(PATHS, '{}\n'),
  inspectHostCommand: hostInspect.inspectHostCommand(PATHS, { name: 'shop' }, [{ name: 'web', repo: 'acme/web' }]),
  auditHostCommand: hostAudit.auditHostCommand(PATHS.envFile),
};

/** Names of the host's layout that only hostPaths may spell. */
const LAYOUT_NAMES = ['.stack-deploy', 'last-run', 'releases.jsonl', 'docker-config', 'incoming', 'transaction.sh', 'stack.env', 'images.yml', 'swarm.yml', '/runs', '/pins', '/good', '/lock'];

describe('hostPaths', () => {
  test('the layout under the environment\'s path (what hosts deployed before have)', () => {
    expect(PATHS).toEqual({
      root: '/srv/app',
      state: '/srv/app/.stack-deploy',
      lock: '/srv/app/.stack-deploy/lock',
      envFile: '/srv/app/.stack-deploy/stack.env',
      images: '/srv/app/.stack-deploy/images.yml',
      swarm: '/srv/app/.stack-deploy/swarm.yml',
      envScript: '/srv/app/.stack-deploy/stack.env.sh',
      script: '/srv/app/.stack-deploy/transaction.sh',
      runs: '/srv/app/.stack-deploy/runs',
      runDir: '/srv/app/.stack-deploy/runs/r1',
      runPins: '/srv/app/.stack-deploy/runs/r1/pins',
      lastRun: '/srv/app/.stack-deploy/last-run',
      ledger: '/srv/app/.stack-deploy/releases.jsonl',
      backups: '/srv/app/.stack-deploy/backups',
      pins: '/srv/app/.stack-deploy/pins',
      good: '/srv/app/.stack-deploy/good',
      incoming: '/srv/app/.stack-deploy/incoming.r1',
      incomingPrefix: '/srv/app/.stack-deploy/incoming.',
      dockerConfig: '/srv/app/.stack-deploy/docker-config.r1',
      dockerConfigPrefix: '/srv/app/.stack-deploy/docker-config.',
    });
  });
});

describe('host programs name no host path in their text', () => {
  test('the list covers every builder', () => {
    const builders = [remoteCommands, hostInspect, hostAudit].flatMap((module) => Object.entries(module).filter(([name, value]) => typeof value === 'function' && name.endsWith('Command')).map(([name]) => name));
    expect(Object.keys(PROGRAMS).sort()).toEqual(builders.sort());
  });

  test.each(Object.entries(PROGRAMS))('%s', (_name, command) => {
    const [shell, flag, text = ''] = command.argv;
    expect([shell, flag]).toEqual(['sh', '-c']);
    expect(LAYOUT_NAMES.filter((name) => text.includes(name))).toEqual([]);
    // The same text whatever the path: only the arguments carry it.
    expect(text).not.toContain('/srv/app');
  });
});

describe('paths as arguments reach the same files', () => {
  test('force unlock frees STATE/lock and appends to STATE/releases.jsonl', () => {
    const root = mkdtempSync(join(tmpdir(), 'host-paths-'));
    try {
      const state = join(root, 'app', '.stack-deploy');
      mkdirSync(join(state, 'lock'), { recursive: true });
      writeFileSync(join(state, 'lock', 'owner'), '{"run":"stuck"}\n');
      writeFileSync(join(state, 'releases.jsonl'), '{"result":"success"}\n');
      const { argv, stdin } = remoteCommands.forceUnlockCommand(hostPaths({ path: join(root, 'app'), runId: '' }), '{"action":"unlock"}\n');
      const [program = '', ...args] = argv;
      const result = spawnSync(program, args, { encoding: 'utf8', input: stdin });
      expect(result.stdout).toBe('released\n{"run":"stuck"}\n');
      expect(existsSync(join(state, 'lock'))).toBe(false);
      expect(readFileSync(join(state, 'releases.jsonl'), 'utf8')).toBe('{"result":"success"}\n{"action":"unlock"}\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

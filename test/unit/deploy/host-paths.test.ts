import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';
import { forceUnlockCommand } from '../../../src/deploy/remote-commands';

// hostPaths is the one place that names the host's layout: the programs sent to the host get
// every path as an argument.

const PATHS = hostPaths({ path: '/srv/app', runId: 'r1' });

describe('hostPaths', () => {
  test('the layout under the environment\'s path (what hosts deployed before have)', () => {
    expect(PATHS).toEqual({
      root: '/srv/app',
      state: '/srv/app/.stack-deploy',
      lock: '/srv/app/.stack-deploy/lock',
      envFile: '/srv/app/.stack-deploy/stack.env',
      images: '/srv/app/.stack-deploy/images.yml',
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
      dockerConfig: '/srv/app/.stack-deploy/docker-config.r1',
      dockerConfigPrefix: '/srv/app/.stack-deploy/docker-config.',
    });
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
      const { argv, stdin } = forceUnlockCommand(hostPaths({ path: join(root, 'app'), runId: '' }), '{"action":"unlock"}\n');
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

import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from './run-action';

describe('npm run demo', () => {
  test('deploys v1, v2, and a broken v3 that is rolled back to v2', () => {
    const run = spawnSync(process.execPath, ['scripts/demo.mjs'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('v1: exit 0 (deployed), host serves "v1"');
    expect(run.stdout).toContain('v2: exit 0 (deployed), host serves "v2"');
    expect(run.stdout).toContain('v3: exit 3 (failed and rolled back), host serves "v2"');
  }, 320_000);
});

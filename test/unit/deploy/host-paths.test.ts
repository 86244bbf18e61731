import { describe, expect, test } from 'vitest';
import { hostPaths } from '../../../src/deploy/plan';

// hostPaths is the one place that names the host's layout.

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

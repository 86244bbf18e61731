// vitest globalSetup for the e2e project: bring the lab up (idempotent, fast when it already
// runs) so tests never assume it is running.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './lab';

export default async function setup(): Promise<void> {
  const script = join(repoRoot, 'test', 'lab', 'lab.sh');
  const res = spawnSync('bash', [script, 'up'], {
    cwd: repoRoot,
    stdio: 'inherit',
    timeout: 15 * 60 * 1000,
    killSignal: 'SIGTERM',
  });
  if (res.error) throw new Error(`test lab: could not run ${script} up: ${res.error.message}`);
  if (res.signal) throw new Error(`test lab: ${script} up was killed by ${res.signal} (timeout 15 min?)`);
  if (res.status !== 0) throw new Error(`test lab: ${script} up failed with exit code ${res.status}; see its output above`);
}

// An emergency rollback while the registry is down: the images it goes back to are on the host.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';
import { runAction } from './run-action';

const LAB_SCRIPT = join(import.meta.dirname, '../lab/lab.sh');

let lab: Lab;
let stack: DeployFixture;

beforeAll(async () => {
  lab = readLab();
  stack = new DeployFixture(lab);
  for (const version of ['1.0.0', '2.0.0']) {
    stack.setWeb(`v${version}`);
    const run = await stack.deploy(version);
    expect(run.exitCode, run.stdout).toBe(0);
  }
}, 180_000);
afterAll(() => stack.cleanup());

describe('the registry is down', () => {
  test('rollback uses the images on the host and succeeds', async () => {
    const { command: _deploy, ...base } = stack.inputs();
    execFileSync('bash', [LAB_SCRIPT, 'registry-stop'], { stdio: 'ignore' });
    try {
      const run = runAction({ ...base, command: 'rollback' }, { cwd: stack.dir, env: stack.env('2.0.0'), timeoutMs: 170_000 });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({ result: 'success', version: '1.0.0' });
      expect(run.stdout).toContain('(on the host: not pulled)');
      expect(await stack.serving()).toBe('v1.0.0');
    } finally {
      execFileSync('bash', [LAB_SCRIPT, 'registry-start'], { stdio: 'ignore' });
    }
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';
import { runAction, runCliBundle } from './run-action';

let lab: Lab;
let stack: DeployFixture;
const digests: Record<string, string> = {};

beforeAll(async () => {
  lab = readLab();
  stack = new DeployFixture(lab);
  for (const version of ['1.0.0', '2.0.0']) {
    stack.setWeb(`v${version}`);
    const run = await stack.deploy(version);
    expect(run.exitCode, run.stdout).toBe(0);
    digests[version] = (JSON.parse(run.outputs.images ?? '{}') as Record<string, string>).web ?? '';
  }
}, 180_000);
afterAll(() => stack.cleanup());

function operate(command: string, inputs: Record<string, string> = {}) {
  const { command: _deploy, ...base } = stack.inputs();
  return runAction({ ...base, command, ...inputs }, { cwd: stack.dir, env: stack.env('2.0.0'), timeoutMs: 170_000 });
}

function runDirs(): string[] {
  const dir = `${stack.hostPath}/.stack-deploy/runs`;
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('operations on a deployed environment', () => {
  test('status reports what runs, read only', async () => {
    const ledgerBefore = readFileSync(`${stack.hostPath}/.stack-deploy/releases.jsonl`, 'utf8');
    const run = operate('status');
    expect(run.exitCode, run.stdout).toBe(0);
    const status = JSON.parse(run.outputs.status ?? '{}') as { lock: unknown; services: { service: string; version: string; digest: string; image: string; health: string }[]; ledger: { version: string }[] };
    const web = status.services.find((s) => s.service === 'web');
    expect(web).toMatchObject({ version: '2.0.0', health: 'running', image: stack.runningImage('web'), rollbackVersion: '1.0.0' });
    expect(`${lab.registry.host}/${stack.name}/web@${web?.digest}`).toBe(digests['2.0.0']);
    expect(status.lock).toBeNull();
    expect(status.ledger.map((e) => e.version)).toEqual(['2.0.0', '1.0.0']);
    expect(run.summary).toContain('| Service | Version | Digest | Health | Since | Rollback to |');
    expect(readFileSync(`${stack.hostPath}/.stack-deploy/releases.jsonl`, 'utf8')).toBe(ledgerBefore);
  });

  test('the CLI and the action report the same status', () => {
    const action = JSON.parse(operate('status').outputs.status ?? '{}') as { services: unknown };
    const cli = runCliBundle(['status', '-e', 'lab', '--identity', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, '--json'], { cwd: stack.dir });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as { status: string; outputs: { status: string } };
    expect(printed.status).toBe('success');
    expect((JSON.parse(printed.outputs.status) as { services: unknown }).services).toEqual(action.services);
  });

  test('rollback goes back to its rollback image (v1)', async () => {
    const run = operate('rollback');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ result: 'success', version: '1.0.0' });
    expect(await stack.serving()).toBe('v1.0.0');
    expect(stack.ledger().at(-1)).toMatchObject({ action: 'rollback', version: '1.0.0', result: 'success' });
  });

  test('rollback to a version goes to the images the ledger recorded for it', async () => {
    const run = operate('rollback', { version: '2.0.0' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.serving()).toBe('v2.0.0');
    expect(JSON.parse(run.outputs.images ?? '{}')).toMatchObject({ web: digests['2.0.0'] });
  });

  test('an unknown version is refused before the lock is taken, listing known versions', () => {
    const before = runDirs();
    const run = operate('rollback', { version: '9.9.9' });
    expect(run.exitCode).not.toBe(0);
    expect(run.summary).toContain('version "9.9.9" was never deployed successfully to lab');
    expect(run.summary).toMatch(/the ledger knows: 2\.0\.0, 1\.0\.0/u);
    expect(runDirs()).toEqual(before);
    expect(existsSync(`${stack.hostPath}/.stack-deploy/lock`)).toBe(false);
  });

  test('promotion deploys an existing version without building', async () => {
    const run = operate('deploy', { build: 'false', version: '1.0.0' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).not.toContain('::group::Build');
    expect(JSON.parse(run.outputs.images ?? '{}')).toMatchObject({ web: digests['1.0.0'] });
    expect(await stack.serving()).toBe('v1.0.0');
  });

  test('promotion of a version the registry lacks is refused before anything changes', () => {
    const before = runDirs();
    const run = operate('deploy', { build: 'false', version: '7.7.7' });
    expect(run.exitCode).not.toBe(0);
    expect(run.summary).toContain(`${lab.registry.host}/${stack.name}/web:7.7.7, ${lab.registry.host}/${stack.name}/worker:7.7.7 are not in the registry`);
    expect(runDirs()).toEqual(before);
  });

  test('unlock frees a held lock and writes who did it to the ledger', () => {
    const lockDir = `${stack.hostPath}/.stack-deploy/lock`;
    execFileSync('runuser', ['-u', 'deploy', '--', 'sh', '-c', `mkdir -p ${lockDir} && echo '{"run":"stuck","actor":"bob"}' > ${lockDir}/owner && echo 9999999999 > ${lockDir}/expires`]);
    const run = operate('unlock');
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain('released the deploy lock on deploy@[127.0.0.1]:2222, held by {"run":"stuck","actor":"bob"}');
    expect(existsSync(lockDir)).toBe(false);
    expect(stack.ledger().at(-1)).toMatchObject({ action: 'unlock', result: 'unlocked', actor: 'octocat' });
  });
});

describe('plan', () => {
  /** Every file under the deploy path (name, mode, content), and the stack's containers. */
  function hostSnapshot(): string {
    const files = execFileSync('find', [stack.hostPath, '-type', 'f', '-printf', '%P %m %s\\n'], { encoding: 'utf8' }).split('\n').sort();
    const sums = execFileSync('sh', ['-c', `cd ${stack.hostPath} && find . -type f -print0 | sort -z | xargs -0 sha256sum`], { encoding: 'utf8' });
    const containers = stack.hostDocker(['ps', '-a', '--no-trunc', '--filter', `label=com.docker.compose.project=${stack.project}`, '--format', '{{.ID}} {{.Image}} {{.Status}}']);
    return [files.join('\n'), sums, containers.replace(/Up [^\n]*/gu, 'Up')].join('\n---\n');
  }

  test('shows the digests a promotion would deploy and changes nothing on the host', () => {
    const before = hostSnapshot();
    const run = operate('plan', { build: 'false', version: '2.0.0' });
    expect(run.exitCode, run.stdout).toBe(0);
    const webDigest = (digests['2.0.0'] ?? '').split('@')[1] ?? '';
    expect(run.summary).toContain('nothing was changed');
    expect(run.summary).toMatch(new RegExp(`\\| web \\| [^|]+ \\| [^|]+ \\| ${webDigest} \\| (yes|no \\(same image\\)) \\|`, 'u'));
    expect(hostSnapshot()).toBe(before);
  });

  test('with a build: builds locally, pushes nothing, shows sizes, changes nothing on the host', async () => {
    const before = hostSnapshot();
    stack.setWeb('v4 planned');
    const run = runAction({ ...stack.inputs(), command: 'plan' }, { cwd: stack.dir, env: stack.env('4.0.0'), timeoutMs: 170_000 });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.summary).toMatch(/\| web \| [^|]+ \| [^|]+ \| new build of 4\.0\.0 \| yes \(new build\) \| [\d.]+ MB \(/u);
    const tags = await fetch(`http://${lab.registry.host}/v2/${stack.name}/web/tags/list`, {
      headers: { Authorization: `Basic ${Buffer.from(`${lab.registry.username}:${lab.registry.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(((await tags.json()) as { tags: string[] }).tags).not.toContain('4.0.0');
    expect(hostSnapshot()).toBe(before);
  });
});

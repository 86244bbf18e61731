import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';
import { CLI_ENTRY, runAction } from './run-action';

let lab: Lab;
let stack: DeployFixture;

beforeAll(async () => {
  lab = readLab();
  // httpd -v logs every request: the deploy's health probes leave "response:200" lines.
  stack = new DeployFixture(lab, { webLogsRequests: true });
  stack.setWeb('v3.1.4');
  const run = await stack.deploy('3.1.4');
  expect(run.exitCode, run.stdout).toBe(0);
}, 180_000);
afterAll(() => stack.cleanup());

/** The CLI with stdin a pipe (not a TTY) fed with `input`; the lab's key flags go before any `--`. */
function cli([command, ...args]: readonly string[], input = '') {
  const child = spawnSync(process.execPath, [CLI_ENTRY, command ?? '', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, ...args], {
    cwd: stack.dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  if (child.error !== undefined) throw child.error;
  return { exitCode: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

function withHeldLock<T>(work: () => T): T {
  const lock = `${stack.hostPath}/.stack-deploy/lock`;
  mkdirSync(lock);
  writeFileSync(`${lock}/owner`, '{"actor":"someone else"}\n');
  try {
    return work();
  } finally {
    expect(existsSync(`${lock}/owner`)).toBe(true);
    rmSync(lock, { recursive: true, force: true });
  }
}

describe('logs', () => {
  test('the CLI prints the web service\'s lines, while a deploy holds the lock', () => {
    const run = withHeldLock(() => cli(['logs', '-e', 'lab', 'web']));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/web.*127\.0\.0\.1:\d+: response:200/u);
    expect(run.stdout).not.toContain('stack-deploy: logs of lab');
  });

  test('names only the services asked for, and --since selects by time', () => {
    const all = cli(['logs', '-e', 'lab', 'worker']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).not.toContain('response:200');
    const recent = cli(['logs', '-e', 'lab', 'web', '--since', '2000-01-01T00:00:00Z']);
    expect(recent.exitCode, recent.stderr).toBe(0);
    expect(recent.stdout).toContain('response:200');
    const future = cli(['logs', '-e', 'lab', 'web', '--since', '2999-01-01T00:00:00Z']);
    expect(future.exitCode, future.stderr).toBe(0);
    expect(future.stdout).not.toContain('response:200');
  });

  test('--follow prints new lines as they come, until stopped', async () => {
    const child = spawn(process.execPath, [CLI_ENTRY, 'logs', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, '-e', 'lab', 'web', '--follow'], {
      cwd: stack.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`"${text}" did not appear within 30 s; got: ${stdout}`)), 30_000);
        const check = () => {
          if (!stdout.includes(text)) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await seen('response:200'); // the last lines came: the follow has started
      expect(stdout).not.toContain('response:404');
      await fetch(`http://127.0.0.1:${stack.port}/not-there`, { signal: AbortSignal.timeout(3_000) });
      await seen('response:404');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).not.toBe(0);
  });

  test('an unknown service fails with Compose\'s message', () => {
    const run = cli(['logs', '-e', 'lab', 'nosuchservice']);
    expect(run.exitCode).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/no such service: nosuchservice/iu);
  });

  test('the action prints the last lines of each service in its own log group', () => {
    const { command: _deploy, ...base } = stack.inputs();
    const run = runAction({ ...base, command: 'logs' }, { cwd: stack.dir, env: stack.env('3.1.4'), timeoutMs: 120_000 });
    expect(run.exitCode, run.stdout).toBe(0);
    const web = run.stdout.slice(run.stdout.indexOf('::group::Logs of web'), run.stdout.indexOf('::group::Logs of worker'));
    expect(web).toMatch(/response:200/u);
    expect(run.stdout).toContain('::group::Logs of worker');
    expect(run.outputs.services).toBe('["web","worker"]');
  });
});

describe('exec', () => {
  test('prints the deployed version from the running container', () => {
    const run = cli(['exec', '-e', 'lab', 'web', '--', 'cat', '/www/index.html']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('v3.1.4\n');
  });

  test('passes the command\'s exit code on, and its arguments unsplit', () => {
    const run = cli(['exec', '-e', 'lab', 'web', '--', 'sh', '-c', 'echo "$1"; exit 7', 'sh', 'two words; $HOME']);
    expect(run.stdout).toBe('two words; $HOME\n');
    expect(run.exitCode).toBe(7);
  });

  test('pipes standard input to the command when it is not a terminal', () => {
    const run = cli(['exec', '-e', 'lab', 'web', '--', 'tr', 'a-z', 'A-Z'], 'piped through\n');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe('PIPED THROUGH\n');
  });

  test('gives the command a terminal when standard input is one (run under script(1))', () => {
    const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
    const argv = [process.execPath, CLI_ENTRY, 'exec', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, '-e', 'lab', 'web', '--', 'sh', '-c', 'test -t 0 && test -t 1 && echo has-a-terminal; exit 3'];
    const run = spawnSync('script', ['--quiet', '--return', '--command', argv.map(quote).join(' '), '/dev/null'], {
      cwd: stack.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', TERM: 'xterm' },
      encoding: 'utf8',
      input: '',
      timeout: 60_000,
    });
    expect(run.stdout).toContain('has-a-terminal');
    expect(run.status).toBe(3);
  });

  test('a service that does not run fails', () => {
    const run = cli(['exec', '-e', 'lab', 'nosuchservice', '--', 'true']);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/nosuchservice/u);
  });
});

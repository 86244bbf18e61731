#!/usr/bin/env node
// `npm run demo`: brings the test lab up and deploys examples/demo to it three times:
//   v1 (first deploy), v2 (an update), and a broken v3 whose health check fails, so
//   stack-deploy rolls the host back to v2. After each step it shows what the host serves.
//
// Needs root on Debian (the lab installs packages and starts daemons) and a built CLI
// (`npm run build`). Every request goes to 127.0.0.1 only; every step is bounded in time.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(repo, 'examples', 'demo');
const cli = join(repo, 'dist', 'cli', 'index.js');
const WEB_URL = 'http://127.0.0.1:18090/';
const HOST_DOCKER = 'unix:///run/docker-host.sock';
const PROJECT = 'demo-lab'; // the stack `demo`, environment `lab`
const HOST_PATH = '/home/deploy/demo';

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const banner = (text) => console.log(`\n${bold(`==> ${text}`)}`);

function fail(message) {
  console.error(`\ndemo: ${message}`);
  process.exit(1);
}

/** Runs a command; `inherit` shows its output. Returns { status, stdout }. Bounded by `timeout` ms. */
function run(file, args, { cwd = repo, env = process.env, inherit = false, timeout = 60_000 } = {}) {
  const result = spawnSync(file, args, {
    cwd,
    env,
    timeout,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) fail(`${file} ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function must(file, args, options) {
  const result = run(file, args, options);
  if (result.status !== 0) fail(`\`${file} ${args.join(' ')}\` exited ${result.status}\n${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** What the host serves on the web port right now. */
async function serving() {
  try {
    const response = await fetch(WEB_URL, { signal: AbortSignal.timeout(3_000) });
    const body = (await response.text()).trim();
    return response.ok ? `"${body}"` : `HTTP ${response.status}`;
  } catch (error) {
    return `nothing (${error?.cause?.code ?? error?.name ?? 'error'})`;
  }
}

// 1. The lab: two Docker engines, a registry and sshd on 127.0.0.1 (idempotent).
banner('Starting the lab (bash test/lab/lab.sh up)');
if (run('bash', [join(repo, 'test', 'lab', 'lab.sh'), 'up'], { inherit: true, timeout: 1_200_000 }).status !== 0) {
  fail('the lab did not come up (see above). It needs root on Debian with access to the Debian archive.');
}
const labFile = join(repo, '.lab', 'lab.json');
if (!existsSync(labFile)) fail(`${labFile} is missing after \`lab.sh up\``);
const lab = JSON.parse(readFileSync(labFile, 'utf8'));

if (!existsSync(cli)) fail(`${cli} is missing: run \`npm run build\` first, then \`npm run demo\` again.`);

// 2. A clean slate on the host, so every demo run starts with a first deploy.
banner('Removing what a previous demo left on the host');
const old = must('docker', ['-H', HOST_DOCKER, 'ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`]);
if (old !== '') must('docker', ['-H', HOST_DOCKER, 'rm', '-f', ...old.split('\n')]);
rmSync(HOST_PATH, { recursive: true, force: true });
console.log(old === '' ? 'nothing to remove' : `removed ${old.split('\n').length} container(s) and ${HOST_PATH}`);

// 3. The example in a temporary Git repository (the CLI reads the commit it deploys).
const work = mkdtempSync(join(tmpdir(), 'stack-deploy-demo-'));
const dir = join(work, 'demo');
cpSync(example, dir, { recursive: true });
const git = (...args) => must('git', ['-c', 'user.name=stack-deploy demo', '-c', 'user.email=demo@example.invalid', ...args], { cwd: dir });
git('init', '-q');
git('add', '-A');
git('commit', '-q', '-m', 'demo stack');

const env = {
  ...process.env,
  STACK_DEPLOY_REGISTRY_USERNAME: lab.registry.username,
  STACK_DEPLOY_REGISTRY_PASSWORD: lab.registry.password,
  DOCKER_CONFIG: join(work, 'docker-config'), // keep the registry login out of ~/.docker
};
delete env.DOCKER_HOST; // builds happen on the runner engine
delete env.DOCKER_CONTEXT;

const webDockerfile = (target) => `FROM lab/busybox:latest\nCOPY index.html ${target}\n`;
const steps = [
  { version: 'v1', page: 'v1', expect: 0, serves: 'v1', what: 'first deploy' },
  { version: 'v2', page: 'v2', expect: 0, serves: 'v2', what: 'an update' },
  { version: 'v3', page: 'v3', broken: true, expect: 3, serves: 'v2', what: 'broken: the page is not at /www/index.html, so the health check gets 404' },
];
const recap = [];

for (const step of steps) {
  banner(`Deploying ${step.version} (${step.what})`);
  writeFileSync(join(dir, 'services', 'web', 'index.html'), `${step.page}\n`);
  // The broken version copies the page to the wrong place: httpd answers 404 at /.
  writeFileSync(join(dir, 'services', 'web', 'Dockerfile'), webDockerfile(step.broken ? '/www/oops/index.html' : '/www/index.html'));
  git('commit', '-q', '-a', '-m', `web ${step.version}`);
  git('tag', `${step.version}.0.0`);
  // The release is the tag on the checked-out commit, as a tag-triggered workflow would see it.
  const args = [cli, 'deploy', '-e', 'lab', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, '--ref', `refs/tags/${step.version}.0.0`];
  console.log(`$ stack-deploy ${args.slice(1).join(' ')}\n`);
  const { status } = run(process.execPath, args, { cwd: dir, env, inherit: true, timeout: 300_000 });
  const now = await serving();
  const outcome = status === 0 ? 'deployed' : status === 3 ? 'failed and rolled back' : `exited ${status}`;
  banner(`${step.version} ${outcome}: the host serves ${now}`);
  recap.push(`${step.version}: exit ${status} (${outcome}), host serves ${now}`);
  if (status !== step.expect || now !== `"${step.serves}"`) {
    fail(
      `expected ${step.version} to exit ${step.expect} with the host serving "${step.serves}", ` +
        `but it exited ${status} and the host serves ${now}. The example is kept in ${dir}.`,
    );
  }
}

rmSync(work, { recursive: true, force: true });
banner('Recap');
for (const line of recap) console.log(`  ${line}`);
console.log(`\nThe stack still runs on the lab host (project "${PROJECT}", ${WEB_URL}); \`npm run demo\` again starts over.`);

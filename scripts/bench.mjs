#!/usr/bin/env node
// `npm run bench`: measures stack-deploy against the test lab (bash test/lab/lab.sh up) and writes
// bench/results/latest.md and bench/results/latest.json. See bench/README.md for what is measured.
//
// Needs root on Debian (the lab) and a built CLI (`npm run build`). Every request goes to
// 127.0.0.1 only (but the downtime probe of a start-first service, which runs in a container on
// that stack's network on the lab host); every loop is bounded in count and time. BENCH_QUICK=1:
// sizes 1 and 4, 2 repetitions (for developing this script).
import { buildCacheMarkdown, measureBuildCache } from './bench-build-cache.mjs';
import { downtimeMarkdown, downtimeTargetLines, measureDowntime } from './bench-downtime.mjs';
import { cliEnvironment, readLab } from './bench-lab.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, tmpdir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli', 'index.js');
const HOST_DOCKER = 'unix:///run/docker-host.sock';
const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK ? [1, 4] : [1, 4, 16];
const REPS = QUICK ? 2 : 5; // floor, naive script, promotion (CLI) and promotion (action), per size
const BUILD_REPS = QUICK ? 1 : 5; // build-and-deploy, per size
const ROLLBACK_REPS = QUICK ? 1 : 3;
const DOWNTIME_REPS = QUICK ? 1 : 3;
const STARTUP_REPS = QUICK ? 3 : 9; // start-up: each of node -e '', the action's main and post step, the CLI
const BUDGET_MS = (QUICK ? 10 : 25) * 60_000; // hard stop for the measuring loops
const started = Date.now();
const overBudget = () => Date.now() - started > BUDGET_MS;

const log = (text) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${text}`);
class BenchError extends Error {}
function fail(message) {
  throw new BenchError(message);
}

/** Synchronous command, bounded by `timeout` ms. */
function run(file, args, { cwd = repo, env = process.env, timeout = 60_000, input } = {}) {
  const result = spawnSync(file, args, { cwd, env, timeout, killSignal: 'SIGKILL', encoding: 'utf8', input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (result.error) fail(`${file} ${args.join(' ')}: ${result.error.message}`);
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}
function must(file, args, options) {
  const result = run(file, args, options);
  if (result.status !== 0) fail(`\`${file} ${args.join(' ')}\` exited ${result.status}\n${result.stderr.trim()}\n${result.stdout.trim()}`);
  return result.stdout.trim();
}

/** Asynchronous command (so probes can run meanwhile); resolves { status, stdout, stderr, ms, pid }. */
function runAsync(file, args, { cwd = repo, env = process.env, timeout = 300_000, input, onSpawn } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(file, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr, ms: performance.now() - t0, pid: child.pid });
    });
    child.stdin.end(input ?? '');
  });
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- the lab
log('starting the lab (bash test/lab/lab.sh up)');
if (run('bash', [join(repo, 'test', 'lab', 'lab.sh'), 'up'], { timeout: 1_200_000 }).status !== 0) fail('the lab did not come up; run `bash test/lab/lab.sh up` to see why');
const lab = readLab();
if (!existsSync(cli)) fail(`${cli} is missing: run \`npm run build\` first`);
const sshLog = lab.ssh.logFile;

// ---------------------------------------------------------------- stacks
const STACKS = [
  ...SIZES.map((n) => ({ name: `bench${n}`, n, base: { 1: 18301, 4: 18311, 16: 18331 }[n], timeout: '10s' })),
  { name: 'benchrb', n: 1, base: 18501, timeout: '3s' }, // rollback: a broken version fails its check after 3s
];
const FLOOR_PORT_OFFSET = 100; // the floor's own project runs beside the tool's on other ports
const NAIVE_PORT_OFFSET = 400; // so does the naive script's (18701-18746: clear of benchrb's 18501 and downtime's 186xx)
const NAIVE_POLL_S = 2; // the naive script polls each health URL every 2 s ...
const NAIVE_POLL_MAX = 30; // ... at most 30 times (60 s)
const hostPath = (name) => `${lab.deployHome}/${name}`;
const svcNames = (n) => Array.from({ length: n }, (_, i) => `s${i + 1}`);

function cleanHost(project) {
  // The tool runs the stack as the project `<name>-lab` (its environment is `lab`); the floor as
  // `<name>-floor`, the naive script as `<name>-naive` (each in its own host directory).
  for (const p of [project, `${project}-lab`]) {
    const ids = must('docker', ['-H', HOST_DOCKER, 'ps', '-aq', '--filter', `label=com.docker.compose.project=${p}`]);
    if (ids !== '') must('docker', ['-H', HOST_DOCKER, 'rm', '-f', ...ids.split('\n')], { timeout: 120_000 });
  }
  rmSync(hostPath(project), { recursive: true, force: true });
}
const allProjects = () => STACKS.flatMap((s) => [s.name, `${s.name}-floor`, `${s.name}-naive`]);

const work = mkdtempSync(join(tmpdir(), 'stack-deploy-bench-'));
const env = cliEnvironment(lab, work);

function composeYaml(stack, offset = 0) {
  return `services:\n${svcNames(stack.n)
    .map(
      (s, i) =>
        `  ${s}:\n    image: ${lab.registry.host}/${stack.name}/${s}\n    network_mode: host\n    init: true\n` +
        `    command: ["httpd", "-f", "-p", "127.0.0.1:${stack.base + i + offset}", "-h", "/www"]\n`,
    )
    .join('')}`;
}

function makeStack(stack) {
  const dir = join(work, stack.name);
  mkdirSync(join(dir, 'web'), { recursive: true });
  writeFileSync(join(dir, 'web', 'Dockerfile'), 'FROM lab/busybox:latest\nCOPY index.html /www/index.html\n');
  writeFileSync(join(dir, 'web', 'index.html'), 'v0\n');
  writeFileSync(join(dir, 'compose.yml'), composeYaml(stack));
  const services = svcNames(stack.n)
    .map(
      (s, i) =>
        `  ${s}:\n    build: { context: web, network: host }\n    size_limit: 10MB\n` +
        `    health: { http: "http://127.0.0.1:${stack.base + i}/", timeout: ${stack.timeout}, interval: 100ms }\n`,
    )
    .join('');
  writeFileSync(
    join(dir, 'stack.yml'),
    `version: 1\nname: ${stack.name}\nregistry:\n  host: ${lab.registry.host}\n  namespace: ${stack.name}\nservices:\n${services}` +
      `environments:\n  lab:\n    host: ${lab.ssh.host}\n    port: ${lab.ssh.port}\n    user: ${lab.ssh.user}\n    path: ${hostPath(stack.name)}\n    compose: [compose.yml]\n`,
  );
  stack.dir = dir;
  git(stack, 'init', '-q');
  git(stack, 'add', '-A');
  git(stack, 'commit', '-q', '-m', 'bench stack');
}
const git = (stack, ...args) => must('git', ['-c', 'user.name=stack-deploy bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: stack.dir });

/** Commits a page (and optionally a broken Dockerfile) so the next build differs. */
function setPage(stack, page, broken = false) {
  writeFileSync(join(stack.dir, 'web', 'index.html'), `${page}\n`);
  writeFileSync(join(stack.dir, 'web', 'Dockerfile'), `FROM lab/busybox:latest\nCOPY index.html ${broken ? '/www/oops/index.html' : '/www/index.html'}\n`);
  git(stack, 'commit', '-q', '-a', '--allow-empty', '-m', `page ${page}`);
}

// ---------------------------------------------------------------- the CLI and the sshd log
const cliArgs = (command, ...rest) => [cli, command, '-e', 'lab', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, ...rest];

function sshLogSize() {
  return statSync(sshLog).size;
}
function sshLogSince(offset) {
  const size = statSync(sshLog).size;
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(sshLog, 'r');
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8');
}

/** Polls `ss` while a command runs: client ports to :2222 owned by other processes (e2e tests sharing the lab). */
function watchForeign(ourPid) {
  const foreign = new Set();
  let stop = false;
  const loop = (async () => {
    for (let i = 0; i < 6000 && !stop; i++) {
      const r = spawnSync('ss', ['-tnpH', 'state', 'established', `( dport = :${lab.ssh.port} )`], { encoding: 'utf8', timeout: 5000 });
      for (const line of (r.stdout ?? '').split('\n')) {
        const port = /127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:\d+/.exec(line)?.[1];
        const pids = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
        if (port && pids.length > 0 && !pids.includes(ourPid())) foreign.add(port);
      }
      await sleep(200);
    }
  })();
  return { foreign, stop: async () => ((stop = true), await loop) };
}

/** Counts SSH connections and remote commands in a log window, leaving out connections seen owned by others. */
function countSsh(text, foreign) {
  let connections = 0;
  let sessions = 0;
  let excluded = 0;
  for (const line of text.split('\n')) {
    let m = /Connection from \S+ port (\d+) on/.exec(line);
    if (m) {
      if (foreign.has(m[1])) excluded++;
      else connections++;
      continue;
    }
    m = /Starting session: \S+ for \S+ from \S+ port (\d+)/.exec(line);
    if (m && !foreign.has(m[1])) sessions++;
  }
  return { connections, sessions, excluded };
}

/** Per-phase seconds from the CLI's output: the "    <title>: N.Ns" lines and the Phase/Seconds table. */
function parsePhases(stdout) {
  const phases = {};
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => /^\W*Phase\W+Seconds\W*$/.test(l));
  if (at >= 0) {
    for (const line of lines.slice(at + 1)) {
      if (/^[\s|:-]*$/.test(line) && /-/.test(line)) continue; // table rule
      const m = /^\W*([a-z][a-z -]*[a-z])\W+(\d+(?:\.\d+)?)\W*$/.exec(line);
      if (!m) break;
      phases[m[1]] = Number(m[2]);
    }
  }
  const groups = {};
  for (const line of lines) {
    const m = /^ {4}(.+): (\d+(?:\.\d+)?)s$/.exec(line);
    if (m) groups[m[1]] = Number(m[2]);
  }
  return { phases, groups };
}

/** Runs the CLI in a stack; counts SSH connections and round trips; retries once if dist/ was being rewritten. */
async function runCli(stack, args, { expect = [0], timeout = 600_000 } = {}) {
  for (let attempt = 1; ; attempt++) {
    const offset = sshLogSize();
    let pid = -1;
    const watch = watchForeign(() => pid);
    const result = await runAsync(process.execPath, args, { cwd: stack.dir, env, timeout, onSpawn: (p) => (pid = p) });
    await sleep(300); // sshd writes its last lines after the client has gone
    await watch.stop();
    const ssh = countSsh(sshLogSince(offset), watch.foreign);
    const broken = /SyntaxError|Cannot find module|ERR_MODULE_NOT_FOUND|Unexpected end of input/.test(result.stderr);
    if (!expect.includes(result.status) && broken && attempt === 1) {
      log(`CLI failed to load (dist/ being rebuilt?); retrying in 10 s`);
      await sleep(10_000);
      continue;
    }
    if (!expect.includes(result.status)) {
      fail(`\`stack-deploy ${args.slice(1).join(' ')}\` in ${stack.dir} exited ${result.status} (expected ${expect.join(' or ')})\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
    }
    const parsed = parsePhases(result.stdout);
    if (args.includes('deploy')) addHostPhases(stack, parsed.phases);
    return { ...result, ssh, ...parsed };
  }
}

/** Adds the switch phase split by the host transaction's events (when there are any) to `phases`. */
function addHostPhases(stack, phases) {
  if (!existsSync(join(hostPath(stack.name), '.stack-deploy', 'runs'))) return;
  let host = {};
  try {
    host = hostPhases(latestEvents(stack));
  } catch {
    return; // no events file (yet): the table leaves the cells empty
  }
  Object.assign(phases, host);
  const parts = ['host:record', 'host:compose up', 'host:health', 'host:commit'];
  if (phases.switch !== undefined && parts.every((p) => host[p] !== undefined)) {
    const inTransaction = parts.reduce((a, p) => a + host[p], 0);
    phases['switch outside the transaction'] = Math.round((phases.switch - inTransaction) * 100) / 100;
  }
}

// ---------------------------------------------------------------- the floor: same docker work, one SSH connection, no tool
const sshArgs = ['-i', lab.ssh.identityFile, '-o', `UserKnownHostsFile=${lab.ssh.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', String(lab.ssh.port), `${lab.ssh.user}@${lab.ssh.host}`, 'sh -s'];

function floorScript(stack, images) {
  const project = `${stack.name}-floor`;
  const dir = hostPath(project);
  const override = `services:\n${svcNames(stack.n)
    .map((s) => `  ${s}:\n    image: ${images[s]}\n`)
    .join('')}`;
  const urls = svcNames(stack.n).map((_, i) => `http://127.0.0.1:${stack.base + i + FLOOR_PORT_OFFSET}/`);
  return `set -e
mkdir -p ${dir}
cd ${dir}
cat > compose.yml.tmp <<'EOF_COMPOSE'
${composeYaml(stack, FLOOR_PORT_OFFSET)}EOF_COMPOSE
mv -f compose.yml.tmp compose.yml
cat > override.yml.tmp <<'EOF_OVERRIDE'
${override}EOF_OVERRIDE
mv -f override.yml.tmp override.yml
DOCKER_CONFIG=$(mktemp -d)
export DOCKER_CONFIG
docker login -u ${lab.registry.username} --password-stdin ${lab.registry.host} >/dev/null 2>&1 <<'EOF_PASSWORD'
${lab.registry.password}
EOF_PASSWORD
${svcNames(stack.n)
  .map((s) => `docker pull -q ${images[s]} >/dev/null`)
  .join('\n')}
rm -rf "$DOCKER_CONFIG"
unset DOCKER_CONFIG
docker compose -p ${project} -f compose.yml -f override.yml up -d --no-build >/dev/null 2>&1
set +e
n=0
for url in ${urls.join(' ')}; do
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -gt 300 ] && { echo "not healthy: $url" >&2; exit 1; }
    sleep 0.1
  done
done
echo ok
`;
}

async function runFloor(stack, images) {
  const offset = sshLogSize();
  let pid = -1;
  const watch = watchForeign(() => pid);
  const result = await runAsync('ssh', sshArgs, { input: floorScript(stack, images), timeout: 120_000, onSpawn: (p) => (pid = p) });
  await sleep(300);
  await watch.stop();
  if (result.status !== 0) fail(`floor for ${stack.name} exited ${result.status}: ${result.stderr.trim()}`);
  return { ms: result.ms, ssh: countSsh(sshLogSince(offset), watch.foreign) };
}

// ---------------------------------------------------------------- the naive script: one SSH connection per service
/**
 * What a hand-written deploy script usually does for one service, in its own `ssh … 'sh -s'`:
 * write the compose file and the service's image override, docker login and pull that image,
 * stop the service's container, `docker compose up -d` it, then poll its health URL every 2 s
 * until it answers (at most NAIVE_POLL_MAX times).
 */
function naiveScript(stack, service, index, image) {
  const project = `${stack.name}-naive`;
  const dir = hostPath(project);
  const url = `http://127.0.0.1:${stack.base + index + NAIVE_PORT_OFFSET}/`;
  const files = `-f compose.yml -f ${service}.yml`;
  return `set -e
mkdir -p ${dir}
cd ${dir}
cat > compose.yml.tmp <<'EOF_COMPOSE'
${composeYaml(stack, NAIVE_PORT_OFFSET)}EOF_COMPOSE
mv -f compose.yml.tmp compose.yml
cat > ${service}.yml.tmp <<'EOF_OVERRIDE'
services:
  ${service}:
    image: ${image}
EOF_OVERRIDE
mv -f ${service}.yml.tmp ${service}.yml
DOCKER_CONFIG=$(mktemp -d)
export DOCKER_CONFIG
docker login -u ${lab.registry.username} --password-stdin ${lab.registry.host} >/dev/null 2>&1 <<'EOF_PASSWORD'
${lab.registry.password}
EOF_PASSWORD
docker pull -q ${image} >/dev/null
rm -rf "$DOCKER_CONFIG"
unset DOCKER_CONFIG
docker compose -p ${project} ${files} stop ${service} >/dev/null 2>&1
docker compose -p ${project} ${files} up -d --no-build --no-deps ${service} >/dev/null 2>&1
set +e
n=0
until curl -fsS -o /dev/null --max-time 5 ${url} 2>/dev/null; do
  n=$((n + 1))
  [ "$n" -ge ${NAIVE_POLL_MAX} ] && { echo "not healthy: ${url}" >&2; exit 1; }
  sleep ${NAIVE_POLL_S}
done
echo ok
`;
}

async function runNaive(stack, images) {
  const t0 = performance.now();
  const ssh = { connections: 0, sessions: 0, excluded: 0 };
  for (const [i, service] of svcNames(stack.n).entries()) {
    const offset = sshLogSize();
    let pid = -1;
    const watch = watchForeign(() => pid);
    const result = await runAsync('ssh', sshArgs, { input: naiveScript(stack, service, i, images[service]), timeout: 120_000, onSpawn: (p) => (pid = p) });
    await watch.stop();
    if (result.status !== 0) fail(`naive script for ${stack.name} ${service} exited ${result.status}: ${result.stderr.trim()}`);
    const c = countSsh(sshLogSince(offset), watch.foreign);
    for (const k of Object.keys(ssh)) ssh[k] += c[k];
  }
  return { ms: performance.now() - t0, ssh };
}

// ---------------------------------------------------------------- the bundled action, run as the GitHub runner runs it
const action = join(repo, 'dist', 'index.js');

/** The runner's file-command format (`name<<DELIM` … `DELIM`, or `name=value`), as test/e2e/run-action.ts parses it. */
function parseFileCommands(text) {
  const values = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const body = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
      values[heredoc[1]] = body.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return values;
}

let stepCount = 0;
/**
 * One step of the action: `node dist/index.js` with INPUT_* (upper-cased names, hyphens kept),
 * STATE_* and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE files, in the stack's
 * repository (GITHUB_WORKSPACE). Resolves the process's result and what it wrote to those files.
 */
async function runActionStep(stack, inputs, { state = {}, timeout = 600_000, onSpawn } = {}) {
  const dir = join(work, 'steps', `${++stepCount}`);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STEP_SUMMARY: join(dir, 'summary'), GITHUB_STATE: join(dir, 'state') };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const stepEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: stack.dir,
    RUNNER_TEMP: join(dir, 'tmp'),
    GITHUB_REPOSITORY: `bench/${stack.name}`,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: run('git', ['rev-parse', 'HEAD'], { cwd: stack.dir }).stdout.trim(),
    GITHUB_RUN_ID: String(4200 + stepCount),
    GITHUB_ACTOR: 'bench',
    DOCKER_CONFIG: join(work, 'docker-config-action'),
    ...files,
  };
  for (const [name, value] of Object.entries(inputs)) stepEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(state)) stepEnv[`STATE_${name}`] = value;
  const result = await runAsync(process.execPath, [action], { cwd: stack.dir, env: stepEnv, timeout, onSpawn });
  return { ...result, summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'), state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')), outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')) };
}

/** The action's inputs for a promotion of `version` to the lab (no build: the images are in the registry). */
const actionInputs = (version) => ({
  command: 'deploy',
  environment: 'lab',
  version,
  build: 'false',
  'ssh-private-key': readFileSync(lab.ssh.identityFile, 'utf8'),
  'ssh-known-hosts': lab.ssh.knownHostsLine,
  'registry-username': lab.registry.username,
  'registry-password': lab.registry.password,
});

/**
 * A promotion through the action: its main step, then (as `post-if: always()` does) its post step
 * with the state the main step saved. SSH connections and round trips counted for each step.
 */
async function runActionPromotion(stack, version) {
  const measureStep = async (inputs, state) => {
    const offset = sshLogSize();
    let pid = -1;
    const watch = watchForeign(() => pid); // the action's connections are its own process's (ssh2)
    let result;
    try {
      result = await runActionStep(stack, inputs, { state, onSpawn: (p) => (pid = p) });
    } finally {
      await sleep(300);
      await watch.stop();
    }
    return { ...result, ssh: countSsh(sshLogSince(offset), watch.foreign) };
  };
  const main = await measureStep(actionInputs(version), {});
  if (main.status !== 0) fail(`the action's main step (deploy ${version}) in ${stack.dir} exited ${main.status}\n${main.stdout.slice(-3000)}\n${main.stderr.slice(-3000)}`);
  const post = await measureStep(actionInputs(version), main.state);
  if (post.status !== 0) fail(`the action's post step in ${stack.dir} exited ${post.status}\n${post.stdout.slice(-3000)}\n${post.stderr.slice(-3000)}`);
  const { phases } = parsePhases(main.summary);
  if (Object.keys(phases).length === 0) Object.assign(phases, parsePhases(main.stdout).phases);
  addHostPhases(stack, phases);
  return { main, post, phases, postSays: post.stdout.trim().split('\n').filter((l) => l.includes('stack-deploy')).at(-1) ?? '' };
}

// ---------------------------------------------------------------- probes
/** GETs url every `everyMs` until stop() (at most maxCount); returns { samples: [{t, ok, body}] }. */
function probe(url, everyMs, maxCount) {
  const samples = [];
  let stop = false;
  const loop = (async () => {
    for (let i = 0; i < maxCount && !stop; i++) {
      const t = Date.now();
      const req = fetch(url, { signal: AbortSignal.timeout(Math.max(everyMs * 5, 500)) })
        .then(async (r) => ({ t, ok: r.ok, body: (await r.text()).trim() }))
        .catch(() => ({ t, ok: false, body: '' }))
        .then((s) => samples.push({ ...s, done: Date.now() }));
      void req;
      const next = t + everyMs - Date.now();
      if (next > 0) await sleep(next);
    }
  })();
  return {
    samples,
    stop: async () => {
      stop = true;
      await loop;
      await sleep(Math.max(everyMs * 5, 500) + 50); // in-flight requests end (each is bounded)
      samples.sort((a, b) => a.t - b.t);
      return samples;
    },
  };
}

function latestEvents(stack) {
  const runs = join(hostPath(stack.name), '.stack-deploy', 'runs');
  const dirs = readdirSync(runs)
    .map((d) => ({ d, m: statSync(join(runs, d)).mtimeMs }))
    .sort((a, b) => b.m - a.m);
  const text = readFileSync(join(runs, dirs[0].d, 'events.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Steps of the transaction that hostPhases splits the switch phase by; any other step with a start is timed on its own. */
const HOST_MILESTONE_STEPS = new Set(['transaction', 'record', 'target', 'switch', 'health', 'commit', 'final', 'done', 'logs', 'warning', 'output', 'rollback', 'recover']);

/**
 * The switch phase split by the transaction's own events (host clock, seconds): record (transaction
 * start → switch start), compose up (→ the last "switch ok"), health (→ the last "health ok"),
 * commit (→ "done success"); each only when both its ends are there. Every other step that has a
 * "start" (migrations, backup, smoke, hook, proxy, converge, infrastructure, …) adds
 * `host:<step>`: the sum of its start → next event of the same step and service (it lies inside
 * one of the four above).
 */
function hostPhases(events) {
  const times = (step, status, service) => events.filter((e) => e.step === step && e.status === status && (service === undefined || e.service === service)).map((e) => e.t);
  const t0 = times('transaction', 'start')[0];
  const sw = times('switch', 'start')[0];
  const swOk = times('switch', 'ok', '').at(-1) ?? times('switch', 'ok').at(-1);
  const healthOk = times('health', 'ok').at(-1);
  const commit = times('commit', 'start')[0];
  const done = times('done', 'success')[0];
  const out = {};
  const put = (name, a, b) => {
    if (a !== undefined && b !== undefined && b >= a) out[name] = (b - a) / 1000;
  };
  put('host:record', t0, sw);
  put('host:compose up', sw, swOk);
  put('host:health', swOk, healthOk);
  put('host:commit', healthOk ?? commit, done);
  for (const step of new Set(events.map((e) => e.step))) {
    if (HOST_MILESTONE_STEPS.has(step)) continue;
    let total = 0;
    let found = false;
    events.forEach((e, i) => {
      if (e.step !== step || e.status !== 'start') return;
      const end = events.slice(i + 1).find((x) => x.step === step && x.service === e.service);
      if (end) {
        total += end.t - e.t;
        found = true;
      }
    });
    if (found) out[`host:${step}`] = total / 1000;
  }
  return out;
}

/** How the host switched each service: the first line of `<path>/.stack-deploy/switch/<service>` (or `state/switch/`, whichever exists). */
function hostSwitchStrategies(stack) {
  const root = join(hostPath(stack.name), '.stack-deploy');
  return Object.fromEntries(
    svcNames(stack.n).map((s) => {
      const file = [join(root, 'switch', s), join(root, 'state', 'switch', s)].find((x) => existsSync(x));
      return [s, file ? readFileSync(file, 'utf8').split('\n')[0].trim() || 'unknown' : 'unknown'];
    }),
  );
}

/** What `plan` says of each service's switch: the strategy named on the line that names the service (undefined when no line does). */
function planSwitchStrategies(stack, stdout) {
  const lines = stdout.split('\n');
  return Object.fromEntries(
    svcNames(stack.n).map((s) => {
      const line = lines.find((l) => new RegExp(`(^|[^a-z0-9-])${s}([^a-z0-9-]|$)`).test(l) && /stop-first|start-first|proxy/.test(l));
      return [s, line ? /stop-first|start-first|proxy/.exec(line)[0] : undefined];
    }),
  );
}

// ---------------------------------------------------------------- statistics
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs), values: xs });
const sec = (ms) => Math.round(ms) / 1000;
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
function phaseMedians(runs) {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.phases)))];
  return Object.fromEntries(names.map((p) => [p, median(runs.map((r) => r.phases[p]).filter((v) => v !== undefined))]));
}

// ---------------------------------------------------------------- main
const results = { machine: {}, quick: QUICK, startup: null, sizes: {}, switchStrategies: {}, rollback: null, downtime: null, notes: [] };

/**
 * Start-up: wall-clock of `node -e ''`, of the action's main step (`node dist/index.js`,
 * INPUT_COMMAND=validate on a bench stack: no SSH, no Docker), of its post step with empty state
 * (`STATE_isPost=true`: "nothing to clean up") and of the CLI (`validate`), in one alternating
 * sequence, STARTUP_REPS runs each.
 */
async function measureStartup(stack) {
  const kinds = {
    "node -e ''": () => runAsync(process.execPath, ['-e', ''], { cwd: stack.dir, timeout: 60_000 }),
    'action, main step (command validate)': () => runActionStep(stack, { command: 'validate' }, { timeout: 60_000 }),
    'action, post step (empty state)': () => runActionStep(stack, {}, { state: { isPost: 'true' }, timeout: 60_000 }),
    'CLI (validate)': () => runAsync(process.execPath, [cli, 'validate'], { cwd: stack.dir, env, timeout: 60_000 }),
  };
  const ms = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < STARTUP_REPS && !overBudget(); i++) {
    for (const [k, go] of Object.entries(kinds)) {
      const r = await go();
      if (r.status !== 0) fail(`start-up: ${k} in ${stack.dir} exited ${r.status}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      ms[k].push(r.ms);
    }
  }
  const base = median(ms["node -e ''"]);
  return Object.fromEntries(Object.entries(ms).map(([k, xs]) => [k, { seconds: stats(xs.map(sec)), overNodeSeconds: sec(median(xs) - base) }]));
}

function machineFacts() {
  const ver = (args) => run('docker', args).stdout.trim();
  return {
    date: new Date().toISOString(),
    host: hostname(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    dockerClient: ver(['version', '--format', '{{.Client.Version}}']),
    dockerRunnerEngine: ver(['version', '--format', '{{.Server.Version}}']),
    dockerHostEngine: ver(['-H', HOST_DOCKER, 'version', '--format', '{{.Server.Version}}']),
    compose: ver(['compose', 'version', '--short']),
    ssh: run('ssh', ['-V']).stderr.trim(),
  };
}

async function main() {
  results.machine = machineFacts();
  log(`machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, node ${process.version}${QUICK ? ' (BENCH_QUICK)' : ''}`);
  for (const p of allProjects()) cleanHost(p);
  for (const stack of STACKS) makeStack(stack);

  log(`start-up: node -e '', the action's main and post step and the CLI, ${STARTUP_REPS} runs each`);
  results.startup = await measureStartup(STACKS.find((s) => s.n === 4) ?? STACKS[0]);
  for (const [k, x] of Object.entries(results.startup)) log(`start-up: ${k}: ${f(x.seconds.median, 3)} s (+${f(x.overNodeSeconds, 3)} s over node -e '')`);

  // Floor, naive script, promotion (CLI, then the action) in one alternating sequence; build-and-deploy; per size.
  for (const stack of STACKS.filter((s) => s.name !== 'benchrb')) {
    log(`${stack.name}: building versions 1.0.0 and 2.0.0 of ${stack.n} service(s)`);
    const images = {};
    for (const v of ['1.0.0', '2.0.0']) {
      setPage(stack, `${stack.name} ${v}`);
      const b = await runCli(stack, cliArgs('build', '--version', v, '--json').filter((a) => !['-e', 'lab', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile].includes(a)));
      images[v] = JSON.parse(b.stdout).outputs.images;
      if (typeof images[v] === 'string') images[v] = JSON.parse(images[v]);
    }
    // First deploys (not measured): the host has both versions' images afterwards, as after any two releases.
    await runCli(stack, cliArgs('deploy', '--no-build', '--version', '1.0.0'));
    await runFloor(stack, images['1.0.0']);
    await runNaive(stack, images['1.0.0']);
    // How the services are switched: as the host recorded it for that deploy, and as `plan` says.
    const plan = await runCli(stack, cliArgs('plan', '--no-build', '--version', '2.0.0'), { expect: [0, 1, 2] });
    results.switchStrategies[stack.n] = { host: hostSwitchStrategies(stack), plan: planSwitchStrategies(stack, plan.stdout), planExit: plan.status };
    log(`${stack.name}: switch strategies on the host: ${JSON.stringify(results.switchStrategies[stack.n].host)}; plan says ${JSON.stringify(results.switchStrategies[stack.n].plan)}`);
    // Each project switches to the version it does not run, so every run recreates the containers.
    const current = { floor: '1.0.0', naive: '1.0.0', tool: '1.0.0' };
    const next = (who) => (current[who] = current[who] === '1.0.0' ? '2.0.0' : '1.0.0');
    const floor = [];
    const naive = [];
    const promote = [];
    const viaAction = [];
    for (let i = 0; i < REPS && !overBudget(); i++) {
      const fl = await runFloor(stack, images[next('floor')]);
      floor.push(fl);
      const nv = await runNaive(stack, images[next('naive')]);
      naive.push(nv);
      const pv = next('tool');
      const pr = await runCli(stack, cliArgs('deploy', '--no-build', '--version', pv));
      promote.push(pr);
      const av = next('tool');
      const ac = await runActionPromotion(stack, av);
      viaAction.push(ac);
      log(
        `${stack.name} #${i + 1}: floor ${f(fl.ms / 1000)} s; naive ${f(nv.ms / 1000)} s (${nv.ssh.connections} connections); ` +
          `promotion -> ${pv} ${f(pr.ms / 1000)} s (${pr.ssh.connections} connection(s), ${pr.ssh.sessions} round trips); ` +
          `action -> ${av}: main ${f(ac.main.ms / 1000)} s (${ac.main.ssh.connections}/${ac.main.ssh.sessions}), post ${f(ac.post.ms / 1000)} s (${ac.post.ssh.connections}/${ac.post.ssh.sessions}: ${ac.postSays})`,
      );
    }
    const buildDeploy = [];
    for (let i = 0; i < BUILD_REPS && !overBudget(); i++) {
      const version = `3.0.${i}`;
      setPage(stack, `${stack.name} ${version}`);
      const bd = await runCli(stack, cliArgs('deploy', '--version', version));
      buildDeploy.push(bd);
      log(`${stack.name} build-and-deploy ${version}: ${f(bd.ms / 1000)} s (${bd.ssh.connections} connection(s), ${bd.ssh.sessions} round trips)`);
    }
    const fm = median(floor.map((r) => r.ms));
    const nm = median(naive.map((r) => r.ms));
    const pm = median(promote.map((r) => r.ms));
    const am = median(viaAction.map((r) => r.main.ms));
    const apm = median(viaAction.map((r) => r.main.ms + r.post.ms));
    const bm = median(buildDeploy.map((r) => r.ms));
    const ratio = (a, b) => Math.round((a / b) * 100) / 100;
    results.sizes[stack.n] = {
      services: stack.n,
      floor: { seconds: stats(floor.map((r) => sec(r.ms))), connections: stats(floor.map((r) => r.ssh.connections)), roundTrips: stats(floor.map((r) => r.ssh.sessions)) },
      naive: { seconds: stats(naive.map((r) => sec(r.ms))), connections: stats(naive.map((r) => r.ssh.connections)), roundTrips: stats(naive.map((r) => r.ssh.sessions)) },
      action: viaAction.length
        ? {
            mainSeconds: stats(viaAction.map((r) => sec(r.main.ms))),
            postSeconds: stats(viaAction.map((r) => sec(r.post.ms))),
            mainAndPostSeconds: stats(viaAction.map((r) => sec(r.main.ms + r.post.ms))),
            mainConnections: stats(viaAction.map((r) => r.main.ssh.connections)),
            mainRoundTrips: stats(viaAction.map((r) => r.main.ssh.sessions)),
            postConnections: stats(viaAction.map((r) => r.post.ssh.connections)),
            postRoundTrips: stats(viaAction.map((r) => r.post.ssh.sessions)),
            postSays: [...new Set(viaAction.map((r) => r.postSays))],
            phases: phaseMedians(viaAction),
          }
        : null,
      promote: {
        seconds: stats(promote.map((r) => sec(r.ms))),
        connections: stats(promote.map((r) => r.ssh.connections)),
        roundTrips: stats(promote.map((r) => r.ssh.sessions)),
        excludedForeignConnections: promote.reduce((a, r) => a + r.ssh.excluded, 0),
        phases: phaseMedians(promote),
      },
      buildDeploy: buildDeploy.length
        ? {
            seconds: stats(buildDeploy.map((r) => sec(r.ms))),
            connections: stats(buildDeploy.map((r) => r.ssh.connections)),
            roundTrips: stats(buildDeploy.map((r) => r.ssh.sessions)),
            phases: phaseMedians(buildDeploy),
          }
        : null,
      overhead: { seconds: sec(pm - fm), ratio: ratio(pm, fm) },
      ratios: {
        promotionVsFloor: ratio(pm, fm),
        promotionVsNaive: ratio(pm, nm),
        actionMainVsFloor: ratio(am, fm),
        actionMainAndPostVsFloor: ratio(apm, fm),
        actionMainVsNaive: ratio(am, nm),
        buildAndDeployVsFloor: ratio(bm, fm),
      },
    };
  }

  // Downtime per switch strategy (scripts/bench-downtime.mjs): a deploy, a failed deploy and a
  // manual rollback of one HTTP service under a probe of 100 requests/s; its own stacks
  // (benchdt-*), its own time budget.
  log('downtime: a deploy, a failed deploy and a rollback per switch strategy, probed 100 times a second');
  results.downtime = await measureDowntime({ reps: DOWNTIME_REPS, log, budgetMs: (QUICK ? 8 : 20) * 60_000 });

  // Rollback: a broken version (404, so its 3 s health check fails) is rolled back to the good one.
  const rb = STACKS.find((s) => s.name === 'benchrb');
  log('benchrb: building the good version 1.0.0 and deploying it');
  setPage(rb, 'benchrb good');
  await runCli(rb, cliArgs('deploy', '--version', '1.0.0'));
  setPage(rb, 'benchrb broken', true);
  await runCli(rb, cliArgs('build', '--version', '9.0.0').filter((a) => !['-e', 'lab', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile].includes(a)));
  const rollbacks = [];
  for (let i = 0; i < ROLLBACK_REPS && (i === 0 || !overBudget()); i++) { // at least one run, even past the budget
    const url = `http://127.0.0.1:${rb.base}/`;
    const p = probe(url, 20, 50 * 60);
    const r = await runCli(rb, cliArgs('deploy', '--no-build', '--version', '9.0.0'), { expect: [3] });
    const samples = await p.stop();
    const events = latestEvents(rb);
    const ev = (step, status) => events.find((e) => e.step === step && e.status === status);
    const hs = ev('health', 'start');
    const hf = ev('health', 'failed');
    const rok = ev('rollback', 'ok');
    const done = ev('done', 'rolled-back');
    const timeoutMs = 3000;
    const intervalMs = 100;
    const deadline = hs.t + timeoutMs;
    const back = samples.find((s) => s.t >= hf.t && s.ok && s.body === 'benchrb good');
    const downFrom = samples.find((s) => s.t >= hs.t - 5000 && !(s.ok && s.body === 'benchrb good'));
    rollbacks.push({
      exit: r.status,
      deploySeconds: sec(r.ms),
      detectionMs: hf.t - deadline,
      healthFailedToServingMs: back ? back.done - hf.t : null,
      deadlineToServingMs: back ? back.done - deadline : null,
      deadlineToRollbackOkMs: rok ? rok.t - deadline : null,
      deadlineToDoneMs: done ? done.t - deadline : null,
      oldVersionUnavailableMs: back && downFrom ? back.done - downFrom.t : null,
      intervalMs,
      timeoutMs,
    });
    const x = rollbacks.at(-1);
    log(`rollback #${i + 1}: detection ${x.detectionMs} ms after the deadline; old version answering ${x.deadlineToServingMs} ms after the deadline (${x.healthFailedToServingMs} ms after "health failed")`);
  }
  const pick = (k) => stats(rollbacks.map((x) => x[k]).filter((v) => v !== null).map((v) => v / 1000));
  results.rollback = rollbacks.length
    ? { runs: rollbacks, detectionSeconds: pick('detectionMs'), deadlineToServingSeconds: pick('deadlineToServingMs'), healthFailedToServingSeconds: pick('healthFailedToServingMs'), deadlineToRollbackOkSeconds: pick('deadlineToRollbackOkMs'), deadlineToDoneSeconds: pick('deadlineToDoneMs'), oldVersionUnavailableSeconds: pick('oldVersionUnavailableMs') }
    : null;
  // ---------------------------------------------------------------- build cache: cold against warm
  log('build cache: a one-line change, cold (off) against warm (local)');
  results.buildCache = measureBuildCache({ reps: QUICK ? 1 : 3, log });
  if (overBudget()) results.notes.push(`stopped early: the ${BUDGET_MS / 60000}-minute budget ran out; see the n columns`);
}

/** "s1–s16: stop-first (network_mode: host)": runs of services with the same strategy, per size. */
function strategyLine(n, x) {
  const groups = [];
  for (const [svc, strategy] of Object.entries(x.host)) {
    const g = groups.at(-1);
    if (g && g.strategy === strategy) g.last = svc;
    else groups.push({ first: svc, last: svc, strategy });
  }
  const planAgrees = Object.entries(x.plan).every(([svc, p]) => p === undefined || p === x.host[svc]);
  const planSaid = Object.values(x.plan).some((p) => p !== undefined);
  const why = (strategy) => (strategy === 'stop-first' ? ' (network_mode: host)' : '');
  return `- ${n} service${Number(n) === 1 ? '' : 's'}: ${groups.map((g) => `${g.first === g.last ? g.first : `${g.first}–${g.last}`}: ${g.strategy}${why(g.strategy)}`).join('; ')}${planSaid ? (planAgrees ? ' (`plan` says the same)' : ` (**\`plan\` says otherwise**: ${JSON.stringify(x.plan)})`) : ' (`plan` names no strategy per service; as recorded on the host)'}`;
}

/** The largest phases of a run kind at one size, for the "what bounds it" lines. */
function boundsLine(phases) {
  const top = Object.entries(phases)
    .filter(([p, v]) => !p.startsWith('host:') && p !== 'switch outside the transaction' && Number.isFinite(v))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  const host = Object.entries(phases)
    .filter(([p, v]) => p.startsWith('host:') && Number.isFinite(v))
    .sort((a, b) => b[1] - a[1])
    .map(([p, v]) => `${p} ${f(v)}`);
  return top.map(([p, v]) => `${p} ${f(v, 1)} s${p === 'switch' && host.length ? ` (${host.join(', ')}${phases['switch outside the transaction'] !== undefined ? `, outside the transaction ${f(phases['switch outside the transaction'])}` : ''})` : ''}`).join('; ');
}

function renderMarkdown() {
  const m = results.machine;
  const L = [];
  const spread = (s, d = 2) => (s && s.n ? `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})` : 'n/a');
  const flat = (s) => (!s || !s.n ? 'n/a' : s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`);
  const sizes = Object.values(results.sizes);
  L.push(`# stack-deploy benchmark${QUICK ? ' (quick mode: not the full run)' : ''}`, '');
  L.push(`${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM · Linux ${m.kernel} · Node ${m.node} · Docker CLI ${m.dockerClient}, engines ${m.dockerRunnerEngine} (runner) / ${m.dockerHostEngine} (host) · Compose ${m.compose} · ${m.ssh}`, '');
  L.push('All on one machine (the test lab: two Docker engines, a registry and sshd on 127.0.0.1). Seconds: median (min–max) over n runs. Floor, naive script, promotion (CLI) and promotion (action) ran in one alternating sequence per size.', '');
  if (Object.keys(results.switchStrategies).length) {
    L.push('Switch strategy of the bench services (busybox httpd, `network_mode: host`), as the host recorded it (`<path>/.stack-deploy/switch/<service>`):', '');
    for (const [n, x] of Object.entries(results.switchStrategies)) L.push(strategyLine(n, x));
    L.push('');
  }
  L.push('## Deploy time', '');
  L.push('| services | floor (s) | naive script (s) | promotion, CLI (s) | promotion, action main step (s) | promotion, action main + post (s) | build-and-deploy, CLI (s) | n (floor/naive/CLI/action/build) |');
  L.push('|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of sizes) {
    L.push(`| ${r.services} | ${spread(r.floor.seconds)} | ${spread(r.naive.seconds)} | ${spread(r.promote.seconds)} | ${spread(r.action?.mainSeconds)} | ${spread(r.action?.mainAndPostSeconds)} | ${spread(r.buildDeploy?.seconds)} | ${r.floor.seconds.n}/${r.naive.seconds.n}/${r.promote.seconds.n}/${r.action?.mainSeconds.n ?? 0}/${r.buildDeploy?.seconds.n ?? 0} |`);
  }
  L.push('', '## Ratios (of the medians)', '');
  L.push('| services | promotion CLI / floor | promotion CLI / naive | action main / floor | action main + post / floor | action main / naive | build-and-deploy / floor | overhead, promotion CLI − floor (s) |');
  L.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of sizes) {
    const x = r.ratios;
    L.push(`| ${r.services} | ${f(x.promotionVsFloor)} | ${f(x.promotionVsNaive)} | ${f(x.actionMainVsFloor)} | ${f(x.actionMainAndPostVsFloor)} | ${f(x.actionMainVsNaive)} | ${f(x.buildAndDeployVsFloor)} | ${f(r.overhead.seconds)} |`);
  }
  if (results.startup) {
    L.push('', '## Start-up', '');
    L.push(`Wall-clock of the process alone (median (min–max) over ${Object.values(results.startup)[0].seconds.n} runs, alternating; Node ${m.node}, where the runner's \`node24\` may differ): what loading the bundle costs every step.`, '');
    L.push('| process | seconds | over `node -e \'\'` (s) |', '|---|---:|---:|');
    for (const [k, x] of Object.entries(results.startup)) L.push(`| ${k.startsWith('node') ? `\`${k}\`` : k} | ${spread(x.seconds, 3)} | ${k.startsWith('node') ? '' : f(x.overNodeSeconds, 3)} |`);
  }
  L.push('', '## SSH connections and remote round trips per run', '');
  L.push('| services | floor conn. / round trips | naive conn. / round trips | promotion CLI conn. / round trips | action main step conn. / round trips | action post step conn. / round trips | build-and-deploy conn. / round trips |');
  L.push('|---:|---|---|---|---|---|---|');
  for (const r of sizes) {
    L.push(
      `| ${r.services} | ${flat(r.floor.connections)} / ${flat(r.floor.roundTrips)} | ${flat(r.naive.connections)} / ${flat(r.naive.roundTrips)} | ${flat(r.promote.connections)} / ${flat(r.promote.roundTrips)} | ` +
        `${flat(r.action?.mainConnections)} / ${flat(r.action?.mainRoundTrips)} | ${flat(r.action?.postConnections)} / ${flat(r.action?.postRoundTrips)} | ${r.buildDeploy ? `${flat(r.buildDeploy.connections)} / ${flat(r.buildDeploy.roundTrips)}` : 'n/a'} |`,
    );
  }
  const postSays = [...new Set(sizes.flatMap((r) => r.action?.postSays ?? []))].filter(Boolean);
  if (postSays.length) L.push('', `The post step said: ${postSays.map((t) => `"${t.replace(/\|/g, '\\|')}"`).join('; ')}.`);
  L.push('', '## Where the time goes (median seconds per phase, from the CLI\'s summary and the action\'s step summary)', '');
  const order = ['build', 'resolve', 'connect', 'preflight', 'lock', 'upload', 'pull', 'upload and pull', 'switch', 'host:record', 'host:compose up', 'host:health', 'host:commit'];
  const rank = (p) => (order.includes(p) ? order.indexOf(p) : p === 'switch outside the transaction' ? 200 : p.startsWith('host:') ? 100 : 50);
  const phaseNames = [...new Set(sizes.flatMap((r) => [...Object.keys(r.promote.phases), ...Object.keys(r.action?.phases ?? {}), ...Object.keys(r.buildDeploy?.phases ?? {})]))].sort((a, b) => rank(a) - rank(b));
  L.push(
    '`host:*` split the switch phase by the transaction\'s events on the host (`<path>/.stack-deploy/runs/<run>/events.jsonl`): record (what runs now, rollback tags), compose up, health (until the last service is healthy), commit (good markers, ledger, unlock); any other `host:<step>` is the time of that step of the transaction (start → its end, summed), inside one of these; "switch outside the transaction" = switch − the four (starting the detached script and streaming its events back). An empty cell: the run did not report it.',
    '',
  );
  L.push(`| run | services | ${phaseNames.join(' | ')} |`);
  L.push(`|---|---:|${phaseNames.map(() => '---:').join('|')}|`);
  for (const r of sizes) {
    for (const [label, x] of [['promotion, CLI', r.promote], ['promotion, action main step', r.action], ['build-and-deploy', r.buildDeploy]]) {
      if (x) L.push(`| ${label} | ${r.services} | ${phaseNames.map((p) => (x.phases[p] === undefined || !Number.isFinite(x.phases[p]) ? '' : f(x.phases[p], p.startsWith('host:') || p.startsWith('switch ') ? 2 : 1))).join(' | ')} |`);
    }
  }
  if (results.rollback) {
    const rb = results.rollback;
    L.push('', '## Rollback (one service, health timeout 3 s, interval 100 ms, broken version answers 404)', '');
    L.push('| measure | seconds: median (min–max) |', '|---|---:|');
    L.push(`| detection: "health failed" − (health start + timeout) | ${spread(rb.detectionSeconds, 3)} |`);
    L.push(`| time to roll back: deadline → old version answering (probe every 20 ms) | ${spread(rb.deadlineToServingSeconds, 3)} |`);
    L.push(`| "health failed" → old version answering | ${spread(rb.healthFailedToServingSeconds, 3)} |`);
    L.push(`| deadline → "rollback ok" event (old version passed its check) | ${spread(rb.deadlineToRollbackOkSeconds, 3)} |`);
    L.push(`| deadline → "done" event | ${spread(rb.deadlineToDoneSeconds, 3)} |`);
    L.push(`| old version not answering, in total (switch + 3 s check + roll back) | ${spread(rb.oldVersionUnavailableSeconds, 3)} |`);
    L.push(`| n | ${rb.runs.length} |`);
  }
  if (results.downtime) L.push('', downtimeMarkdown(results.downtime));

  // ---------------------------------------------------------------- targets
  L.push('', '## Against the targets', '');
  const yes = (ok) => (ok ? 'met' : '**not met**');
  const misses = [];
  const target = (text, ok, bound) => {
    L.push(`- ${text} — ${ok === undefined ? 'reported' : yes(ok)}`);
    if (ok === false) misses.push({ text, bound });
  };
  for (const n of [4, 16]) {
    const r = results.sizes[n];
    if (!r) {
      L.push(`- promotion vs floor ≤ 1.5× at ${n} services — not measured (${QUICK ? 'quick mode' : 'budget ran out'})`);
      continue;
    }
    target(
      `promotion vs floor ≤ 1.5× at ${n} services, CLI: ${f(r.ratios.promotionVsFloor)}× (${f(r.promote.seconds.median)} s against ${f(r.floor.seconds.median)} s)`,
      r.ratios.promotionVsFloor <= 1.5,
      `median phases of the CLI promotion at ${n} services: ${boundsLine(r.promote.phases)}; the floor: ${f(r.floor.seconds.median)} s in total`,
    );
    if (r.action) {
      target(
        `promotion vs floor ≤ 1.5× at ${n} services, action: main step ${f(r.ratios.actionMainVsFloor)}× (${f(r.action.mainSeconds.median)} s), main + post ${f(r.ratios.actionMainAndPostVsFloor)}× (${f(r.action.mainAndPostSeconds.median)} s)`,
        r.ratios.actionMainAndPostVsFloor <= 1.5,
        `median phases of the action's main step at ${n} services: ${boundsLine(r.action.phases)}; post step ${f(r.action.postSeconds.median)} s; start-up of the bundle ${results.startup ? `${f(results.startup['action, main step (command validate)'].overNodeSeconds, 3)} s (main) + ${f(results.startup['action, post step (empty state)'].overNodeSeconds, 3)} s (post) over node` : 'not measured'}`,
      );
    }
  }
  const at4 = results.sizes[4];
  if (at4) target(`promotion vs naive script at 4 services: CLI ${f(at4.ratios.promotionVsNaive)}× (${f(at4.promote.seconds.median)} s against ${f(at4.naive.seconds.median)} s), action main step ${f(at4.ratios.actionMainVsNaive)}×`, undefined);
  const counted = sizes.flatMap((r) => [
    ['promotion, CLI', r.services, r.promote],
    ['build-and-deploy', r.services, r.buildDeploy],
    ['action main step', r.services, r.action && { connections: r.action.mainConnections, roundTrips: r.action.mainRoundTrips }],
  ]).filter(([, , x]) => x && x.connections.n);
  const rtMedians = sizes.map((r) => r.promote.roundTrips.median);
  const rtMax = Math.max(...counted.map(([, , x]) => x.roundTrips.max));
  const rtDetail = counted.map(([k, n, x]) => `${k} at ${n}: ${flat(x.roundTrips)}`).join('; ');
  target(
    `round trips per host and deploy ≤ 3 and flat for ${Object.keys(results.sizes).join(', ')} services: promotion medians ${rtMedians.join(', ')}; at most ${rtMax}`,
    rtMax <= 3 && ['promotion, CLI', 'build-and-deploy', 'action main step'].every((k) => new Set(counted.filter(([kk]) => kk === k).map(([, , x]) => x.roundTrips.median)).size <= 1),
    `remote commands counted per run (sshd "Starting session"): ${rtDetail}`,
  );
  const connMax = Math.max(...counted.map(([, , x]) => x.connections.max));
  target(`SSH connections per deploy: 1 — at most ${connMax} (promotion CLI, build-and-deploy and the action's main step, every size)`, connMax === 1, counted.map(([k, n, x]) => `${k} at ${n}: ${flat(x.connections)}`).join('; '));
  if (results.rollback) {
    const rb = results.rollback;
    target(`detection after the health deadline ≤ 1 interval (0.1 s), max: median ${f(rb.detectionSeconds.median, 3)} s, max ${f(rb.detectionSeconds.max, 3)} s`, rb.detectionSeconds.max <= 0.1, `per run (s): ${rb.detectionSeconds.values.map((v) => f(v, 3)).join(', ')}`);
    target(
      `health deadline → old version answering ≤ 0.5 s: median ${f(rb.deadlineToServingSeconds.median, 3)} s, max ${f(rb.deadlineToServingSeconds.max, 3)} s`,
      rb.deadlineToServingSeconds.max <= 0.5,
      `deadline → "health failed" ${f(rb.detectionSeconds.median, 3)} s, "health failed" → old version answering ${f(rb.healthFailedToServingSeconds.median, 3)} s, deadline → "rollback ok" event ${f(rb.deadlineToRollbackOkSeconds.median, 3)} s (medians)`,
    );
  }
  if (results.downtime) L.push(...downtimeTargetLines(results.downtime));
  if (misses.length) {
    L.push('', '### Missed targets: what bounds them', '');
    for (const x of misses) {
      L.push(`- ${x.text}`, `  - measured: ${x.bound}`, '  - why: <!-- to be written after the full run -->');
    }
  }
  if (results.buildCache) L.push('', buildCacheMarkdown(results.buildCache));
  for (const n of results.notes) L.push(`- note: ${n}`);
  L.push('', `Reproduce: \`npm run build && npm run bench\` (as root on Debian; it starts the lab). Raw numbers: latest.json.`, '');
  return L.join('\n');
}

try {
  await main();
} catch (error) {
  console.error(`\nbench: ${error instanceof BenchError ? error.message : error?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  log('cleaning up the host');
  for (const p of allProjects()) cleanHost(p);
  rmSync(work, { recursive: true, force: true });
}
if (process.exitCode) process.exit(process.exitCode);
const outDir = join(repo, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
const md = renderMarkdown();
writeFileSync(join(outDir, 'latest.md'), md);
console.log(`\n${md}`);
log(`wrote bench/results/latest.md and latest.json`);

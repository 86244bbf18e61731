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
const REPS = QUICK ? 2 : 5; // floor and promotion, per size
const BUILD_REPS = QUICK ? 1 : 5; // build-and-deploy, per size
const ROLLBACK_REPS = QUICK ? 1 : 3;
const DOWNTIME_REPS = QUICK ? 1 : 3;
const BUDGET_MS = (QUICK ? 8 : 15) * 60_000; // hard stop for the measuring loops
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
const hostPath = (name) => `${lab.deployHome}/${name}`;
const svcNames = (n) => Array.from({ length: n }, (_, i) => `s${i + 1}`);

function cleanHost(project) {
  // The tool runs the stack as the project `<name>-lab` (its environment is `lab`); the floor as `<name>-floor`.
  for (const p of [project, `${project}-lab`]) {
    const ids = must('docker', ['-H', HOST_DOCKER, 'ps', '-aq', '--filter', `label=com.docker.compose.project=${p}`]);
    if (ids !== '') must('docker', ['-H', HOST_DOCKER, 'rm', '-f', ...ids.split('\n')], { timeout: 120_000 });
  }
  rmSync(hostPath(project), { recursive: true, force: true });
}
const allProjects = () => STACKS.flatMap((s) => [s.name, `${s.name}-floor`]);

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
      const m = /^\W*([a-z][a-z-]*)\W+(\d+(?:\.\d+)?)\W*$/.exec(line);
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
    if (args.includes('deploy') && existsSync(join(hostPath(stack.name), '.stack-deploy', 'runs'))) {
      const host = hostPhases(latestEvents(stack));
      Object.assign(parsed.phases, host);
      if (parsed.phases.switch !== undefined && host['host:commit'] !== undefined) {
        const inTransaction = host['host:record'] + host['host:compose up'] + host['host:health'] + host['host:commit'];
        parsed.phases['switch outside the transaction'] = Math.round((parsed.phases.switch - inTransaction) * 100) / 100;
      }
    }
    return { ...result, ssh, ...parsed };
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

/** The switch phase split by the transaction's own events (host clock, seconds). */
function hostPhases(events) {
  const first = (step, status) => events.find((e) => e.step === step && e.status === status)?.t;
  const last = (step, status) => events.filter((e) => e.step === step && e.status === status).at(-1)?.t;
  const t0 = first('transaction', 'start');
  const sw = first('switch', 'start');
  const swOk = first('switch', 'ok');
  const healthOk = last('health', 'ok');
  const done = first('done', 'success');
  if ([t0, sw, swOk, healthOk, done].some((t) => t === undefined)) return {};
  return { 'host:record': (sw - t0) / 1000, 'host:compose up': (swOk - sw) / 1000, 'host:health': (healthOk - swOk) / 1000, 'host:commit': (done - healthOk) / 1000 };
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
const results = { machine: {}, quick: QUICK, sizes: {}, rollback: null, downtime: null, notes: [] };

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

  // Promotion, floor, build-and-deploy, per size.
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
    const floor = [];
    const promote = [];
    let v = '2.0.0';
    for (let i = 0; i < REPS && !overBudget(); i++) {
      const fl = await runFloor(stack, images[v]);
      floor.push(fl);
      const pr = await runCli(stack, cliArgs('deploy', '--no-build', '--version', v));
      promote.push(pr);
      log(`${stack.name} #${i + 1} -> ${v}: floor ${f(fl.ms / 1000)} s; promotion ${f(pr.ms / 1000)} s (${pr.ssh.connections} connection(s), ${pr.ssh.sessions} round trips)`);
      v = v === '2.0.0' ? '1.0.0' : '2.0.0';
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
    const pm = median(promote.map((r) => r.ms));
    results.sizes[stack.n] = {
      services: stack.n,
      floor: { seconds: stats(floor.map((r) => sec(r.ms))), connections: stats(floor.map((r) => r.ssh.connections)), roundTrips: stats(floor.map((r) => r.ssh.sessions)) },
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
      overhead: { seconds: sec(pm - fm), ratio: Math.round((pm / fm) * 100) / 100 },
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
  for (let i = 0; i < ROLLBACK_REPS && !overBudget(); i++) {
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

function renderMarkdown() {
  const m = results.machine;
  const L = [];
  const spread = (s, d = 2) => `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})`;
  const flat = (s) => (s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`);
  L.push(`# stack-deploy benchmark${QUICK ? ' (quick mode: not the full run)' : ''}`, '');
  L.push(`${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM · Linux ${m.kernel} · Node ${m.node} · Docker CLI ${m.dockerClient}, engines ${m.dockerRunnerEngine} (runner) / ${m.dockerHostEngine} (host) · Compose ${m.compose} · ${m.ssh}`, '');
  L.push('All on one machine (the test lab: two Docker engines, a registry and sshd on 127.0.0.1). Seconds: median (min–max) over n runs.', '');
  L.push('## Deploy time against the floor', '');
  L.push('| services | floor (s) | promotion (s) | overhead (s) | ratio | build-and-deploy (s) | n (floor/promo/build) |');
  L.push('|---:|---:|---:|---:|---:|---:|---|');
  for (const r of Object.values(results.sizes)) {
    L.push(`| ${r.services} | ${spread(r.floor.seconds)} | ${spread(r.promote.seconds)} | ${f(r.overhead.seconds)} | ${f(r.overhead.ratio)} | ${r.buildDeploy ? spread(r.buildDeploy.seconds) : 'n/a'} | ${r.floor.seconds.n}/${r.promote.seconds.n}/${r.buildDeploy?.seconds.n ?? 0} |`);
  }
  L.push('', '## SSH connections and remote round trips per run', '');
  L.push('| services | floor conn. / round trips | promotion conn. / round trips | build-and-deploy conn. / round trips |');
  L.push('|---:|---|---|---|');
  for (const r of Object.values(results.sizes)) {
    L.push(`| ${r.services} | ${flat(r.floor.connections)} / ${flat(r.floor.roundTrips)} | ${flat(r.promote.connections)} / ${flat(r.promote.roundTrips)} | ${r.buildDeploy ? `${flat(r.buildDeploy.connections)} / ${flat(r.buildDeploy.roundTrips)}` : 'n/a'} |`);
  }
  L.push('', '## Where the time goes (median seconds per phase, from the CLI summary)', '');
  const order = ['build', 'resolve', 'connect', 'preflight', 'lock', 'upload', 'pull', 'switch', 'host:record', 'host:compose up', 'host:health', 'host:commit', 'switch outside the transaction'];
  const phaseNames = [...new Set(Object.values(results.sizes).flatMap((r) => [...Object.keys(r.promote.phases), ...Object.keys(r.buildDeploy?.phases ?? {})]))].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
  );
  L.push('`host:*` split the switch phase by the transaction\'s events on the host: record (what runs now, rollback tags), compose up, health (until the last service is healthy), commit (good markers, ledger, unlock); "switch outside the transaction" = switch − their sum (starting the detached script and streaming its events back).', '');
  L.push(`| run | services | ${phaseNames.join(' | ')} |`);
  L.push(`|---|---:|${phaseNames.map(() => '---:').join('|')}|`);
  for (const r of Object.values(results.sizes)) {
    for (const [label, x] of [['promotion', r.promote], ['build-and-deploy', r.buildDeploy]]) {
      if (x) L.push(`| ${label} | ${r.services} | ${phaseNames.map((p) => (x.phases[p] === undefined ? '' : f(x.phases[p], p.startsWith('host:') || p.startsWith('switch ') ? 2 : 1))).join(' | ')} |`);
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
  L.push('', '## Against the targets', '');
  const at4 = results.sizes[4];
  const conns = Object.values(results.sizes).flatMap((r) => [r.promote.connections.max, r.buildDeploy?.connections.max ?? 1]);
  const rts = Object.values(results.sizes).map((r) => r.promote.roundTrips.median);
  const yes = (ok) => (ok ? 'met' : '**not met**');
  if (at4) L.push(`- overhead ≤ 1 s at 4 services (ratio ≤ 2): ${f(at4.overhead.seconds)} s, ratio ${f(at4.overhead.ratio)} — ${yes(at4.overhead.seconds <= 1 && at4.overhead.ratio <= 2)}`);
  L.push(`- one SSH connection per deploy: at most ${Math.max(...conns)} — ${yes(Math.max(...conns) === 1)}`);
  L.push(`- round trips flat in the number of services: promotion medians ${rts.join(', ')} for ${Object.keys(results.sizes).join(', ')} services — ${yes(new Set(rts).size === 1)}`);
  if (results.rollback) {
    L.push(`- time to roll back ≤ 3 s: ${f(results.rollback.deadlineToServingSeconds.median, 3)} s (max ${f(results.rollback.deadlineToServingSeconds.max, 3)}) — ${yes(results.rollback.deadlineToServingSeconds.max <= 3)}`);
    L.push(`- detection ≤ 1 interval (0.1 s): ${f(results.rollback.detectionSeconds.median, 3)} s (max ${f(results.rollback.detectionSeconds.max, 3)}) — ${yes(results.rollback.detectionSeconds.max <= 0.1)}`);
  }
  if (results.downtime) L.push(...downtimeTargetLines(results.downtime));
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

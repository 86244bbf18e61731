#!/usr/bin/env node
// The downtime part of the bench: per switch strategy (stop-first, proxy, start-first), one
// busybox httpd service under a probe of about 100 requests/s while stack-deploy (a) deploys the
// other version, (b) deploys a broken version that fails its health check and is rolled back
// (exit 3), (c) rolls back by hand (`rollback --version 1.0.0`). Each run alternates 1.0.0 ->
// 2.0.0 -> (9.0.0 refused) -> 1.0.0, so every deploy and rollback really switches. Reports, per
// strategy and action: requests sent, failed, the longest gap without a 2xx answer, the probe's
// rate, and the answers that came from the broken release (404 at /: only 9.0.0 lacks the page).
//
// Where the probe runs: stop-first (network_mode host, httpd on 127.0.0.1) and proxy (published
// 127.0.0.1:PORT:8080, the host's proxy owns the port) are probed with fetch from this process on
// 127.0.0.1; start-first publishes no port, so a busybox container on the project's network
// requests http://web:8080/ by the service's name (4 shell loops, each every 40 ms).
//
// `npm run bench` runs it in place of its old 20 requests/s downtime section;
// `node scripts/bench-downtime.mjs` runs it alone (BENCH_QUICK=1 or BENCH_DOWNTIME_REPS=N for
// fewer runs) and writes bench/results/downtime.{json,md}. Needs the lab (`npm run lab:up`) and
// dist/. Every loop is bounded in count and time; every request goes to 127.0.0.1 or stays on the
// lab host's project network. It removes its stacks' containers, networks, host directories and
// proxy route files (/home/deploy/.stack-deploy-proxy/{conf.d,drain}/benchdt-*-lab--*) before
// and after; the host's proxy container itself is left running, as after any deploy.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnvironment, readLab } from './bench-lab.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli', 'index.js');

/** The three stacks: one service `web` each, switched as `strategy` says. */
const STACKS = [
  { strategy: 'stop-first', name: 'benchdt-stop', port: 18601 },
  { strategy: 'proxy', name: 'benchdt-proxy', port: 18611 },
  { strategy: 'start-first', name: 'benchdt-start', port: null },
];
/** What is measured in each repetition, in this order (each one switches: 1 -> 2, stays 2, 2 -> 1). */
const ACTIONS = [
  { key: 'deploy', label: 'deploy 1.0.0 → 2.0.0', command: ['deploy', '--no-build', '--version', '2.0.0'], expect: 0, servingAfter: '2.0.0' },
  { key: 'failedDeploy', label: 'failed deploy of 9.0.0 (rolled back)', command: ['deploy', '--no-build', '--version', '9.0.0'], expect: 3, servingAfter: '2.0.0' },
  { key: 'rollback', label: 'rollback --version 1.0.0', command: ['rollback', '--version', '1.0.0'], expect: 0, servingAfter: '1.0.0' },
];
const HEALTH_TIMEOUT = '3s'; // the broken release fails its check after 3 s ...
const HEALTH_INTERVAL = '100ms'; // ... checked every 100 ms
const DRAIN_TIMEOUT = '2s'; // proxy: how long the old container may finish its requests
const PROBE_EVERY_MS = 10; // 100 requests/s
const PROBE_TIMEOUT_MS = 2000; // each request
const PROBE_MAX = 60_000; // requests per probe (10 minutes at 100/s): a bound, never reached
const PROBE_WORKERS = 4; // start-first: shell loops in the probe container, each every 40 ms
const PROBE_LABEL = 'org.stack-deploy.bench=downtime';
const CLI_TIMEOUT_MS = 300_000;

// ---------------------------------------------------------------- helpers
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Synchronous command, bounded by `timeout` ms; never throws. */
function run(file, args, { cwd = repo, env = process.env, timeout = 60_000, input } = {}) {
  const result = spawnSync(file, args, { cwd, env, timeout, killSignal: 'SIGKILL', encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}
function must(file, args, options) {
  const result = run(file, args, options);
  if (result.status !== 0) throw new Error(`\`${file} ${args.join(' ')}\` exited ${result.status}\n${result.stderr.trim().slice(-2000)}\n${result.stdout.trim().slice(-2000)}`);
  return result.stdout.trim();
}

/** Asynchronous command (the probe runs meanwhile), killed after `timeout` ms; resolves { status, stdout, stderr, ms }. */
function runAsync(file, args, { cwd, env, timeout = CLI_TIMEOUT_MS }) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => ({ n: xs.length, median: median(xs), min: xs.length ? Math.min(...xs) : NaN, max: xs.length ? Math.max(...xs) : NaN, values: xs });
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const project = (stack) => `${stack.name}-lab`; // the environment is `lab`

// ---------------------------------------------------------------- the stacks
/** compose.yml and stack.yml of a stack (exported so that they can be checked with `stack-deploy validate`). */
export function downtimeStackFiles(lab, stack, hostPath = `${lab.deployHome}/${stack.name}`) {
  const image = `${lab.registry.host}/${stack.name}/web`;
  const timing = `timeout: ${HEALTH_TIMEOUT}, interval: ${HEALTH_INTERVAL}`;
  let service;
  let health;
  let extra = '';
  let top = '';
  if (stack.strategy === 'stop-first') {
    // As the rest of the bench: host networking, httpd on a loopback port.
    service = `    network_mode: host\n    command: ["httpd", "-f", "-p", "127.0.0.1:${stack.port}", "-h", "/www"]\n`;
    health = `{ http: "http://127.0.0.1:${stack.port}/", ${timing} }`;
  } else if (stack.strategy === 'proxy') {
    // A published port on the project's bridge network: the host's proxy takes it; the check's
    // URL is rewritten by the transaction to the new container's own address.
    service = `    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]\n    ports: ["127.0.0.1:${stack.port}:8080"]\n`;
    health = `{ http: "http://127.0.0.1:${stack.port}/", ${timing} }`;
    extra = `    drain_timeout: ${DRAIN_TIMEOUT}\n`;
    top = `proxy: { image: ${lab.registry.host}/${stack.name}/nginx:1.22 }\n`;
  } else {
    // No published port: the check runs inside the container.
    service = `    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`;
    health = `{ cmd: [wget, -q, -O, /dev/null, "http://127.0.0.1:8080/"], ${timing} }`;
  }
  return {
    compose: `services:\n  web:\n    image: ${image}\n    init: true\n${service}`,
    stack:
      `version: 1\nname: ${stack.name}\nregistry:\n  host: ${lab.registry.host}\n  namespace: ${stack.name}\n${top}services:\n  web:\n` +
      `    build: { context: web, network: host }\n    size_limit: 10MB\n    health: ${health}\n    switch: ${stack.strategy}\n${extra}` +
      `environments:\n  lab:\n    host: ${lab.ssh.host}\n    port: ${lab.ssh.port}\n    user: ${lab.ssh.user}\n    path: ${hostPath}\n    compose: [compose.yml]\n`,
  };
}

/** Removes what the stacks left on the host: containers (and probe containers), networks, the host directory, proxy routes. */
export function cleanDowntimeHost(lab) {
  const docker = (...args) => run('docker', ['-H', lab.hostDockerHost, ...args], { timeout: 120_000 });
  const ids = (filter) => docker('ps', '-aq', '--filter', filter).stdout.split('\n').filter(Boolean);
  const probes = ids(`label=${PROBE_LABEL}`);
  if (probes.length > 0) docker('rm', '-f', ...probes);
  const proxyDir = join(lab.deployHome, '.stack-deploy-proxy');
  for (const stack of STACKS) {
    const p = project(stack);
    const containers = ids(`label=com.docker.compose.project=${p}`);
    if (containers.length > 0) docker('rm', '-f', ...containers);
    const networks = docker('network', 'ls', '-q', '--filter', `label=com.docker.compose.project=${p}`).stdout.split('\n').filter(Boolean);
    if (networks.length > 0) docker('network', 'rm', ...networks);
    rmSync(join(lab.deployHome, stack.name), { recursive: true, force: true });
    // Its route files: conf.d/<project>--web.conf (and .prev/.next), drain/<project>--web. The
    // proxy keeps what it loaded until its next reload: a route to a removed container, harmless.
    for (const sub of ['conf.d', 'drain']) {
      const dir = join(proxyDir, sub);
      if (existsSync(dir)) for (const file of readdirSync(dir).filter((name) => name.startsWith(`${p}--`))) rmSync(join(dir, file), { force: true });
    }
  }
}

// ---------------------------------------------------------------- probes
/** Classifies an answer: 2xx ok; 404 the broken release (only 9.0.0 has no page at /); anything else failed. */
const classify = (status) => (status >= 200 && status < 300 ? 'ok' : status === 404 ? 'broken' : 'fail');

/** fetch(url) every PROBE_EVERY_MS from this process, without waiting for the answers (each bounded by PROBE_TIMEOUT_MS). */
function startFetchProbe(url) {
  const samples = [];
  const pending = new Set();
  let stopped = false;
  const loop = (async () => {
    let next = Date.now();
    for (let i = 0; i < PROBE_MAX && !stopped; i++) {
      const t = Date.now();
      const request = fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
        .then(async (r) => ({ result: classify(r.status), body: (await r.text()).trim() }))
        .catch(() => ({ result: 'fail', body: '' }))
        .then((s) => {
          samples.push({ t, done: Date.now(), ...s });
          pending.delete(request);
        });
      pending.add(request);
      next += PROBE_EVERY_MS;
      if (next < Date.now() - PROBE_EVERY_MS) next = Date.now(); // fell behind (a busy event loop): no burst
      await sleep(Math.max(0, next - Date.now()));
    }
  })();
  return {
    kind: `fetch from the bench process to ${url}`,
    /** Until one request has been answered 2xx (at most 10 s). */
    ready: async () => {
      for (let i = 0; i < 100 && !samples.some((s) => s.result === 'ok'); i++) await sleep(100);
      if (!samples.some((s) => s.result === 'ok')) throw new Error(`the probe of ${url} got no 2xx answer in 10 s`);
    },
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all([...pending]); // each ends within PROBE_TIMEOUT_MS
      return samples.sort((a, b) => a.t - b.t);
    },
  };
}

// The probe container's script (busybox ash): W loops, each requesting $URL every $STEP µs
// (staggered, so together one request every PROBE_EVERY_MS), printing one line per request:
// `<start> <end> ok <body>`, `<start> <end> broken` (404) or `<start> <end> fail <exit code>`.
// Times are $EPOCHREALTIME (seconds.microseconds: busybox `date` has no %N); the container shares
// the kernel's clock with this process. Each request is bounded by a watchdog that kills any wget
// older than $TMO s (/proc/uptime against the process's start time, both in 1/100 s): busybox
// 1.35's wget segfaults on -T, and `timeout` per request costs a second exec, which halves the
// rate a loaded 2-core machine reaches. Every loop is bounded in count. A plain string: `${...}`
// is the shell's.
const PROBE_SCRIPT = [
  "trap 'exit 0' TERM INT",
  'mkdir -p /tmp/probe',
  'work() {',
  '  w=$1 i=0',
  '  t=$EPOCHREALTIME',
  '  next=$(( ${t%.*}${t#*.} + w * STEP / W ))',
  '  while [ "$i" -lt "$MAX" ]; do',
  '    t=$EPOCHREALTIME; now=${t%.*}${t#*.}',
  '    if [ "$now" -lt "$next" ]; then usleep $((next - now)); elif [ "$now" -gt $((next + STEP)) ]; then next=$now; fi',
  '    t=$EPOCHREALTIME',
  '    wget -q -O "/tmp/probe/body$w" "$URL" 2>"/tmp/probe/err$w"',
  '    rc=$?',
  '    d=$EPOCHREALTIME',
  '    if [ "$rc" -eq 0 ]; then',
  '      body=; read -r body < "/tmp/probe/body$w"',
  '      echo "$t $d ok $body"',
  '    else',
  '      err=; read -r err < "/tmp/probe/err$w"',
  '      case "$err" in *" 404 "*) echo "$t $d broken" ;; *) echo "$t $d fail $rc" ;; esac',
  '    fi',
  '    next=$((next + STEP)) i=$((i + 1))',
  '  done',
  '}',
  'watchdog() {',
  '  j=0',
  '  while [ "$j" -lt $((MAX * STEP / 250000 + 100)) ]; do',
  '    usleep 250000',
  '    read -r up _ < /proc/uptime',
  '    now=${up%.*}${up#*.}',
  '    for p in /proc/[0-9]*; do',
  '      read -r stat 2>/dev/null < "$p/stat" || continue',
  '      set -f; set -- $stat; set +f',
  '      [ "$2" = "(wget)" ] && [ $((now - ${22})) -gt $((TMO * 100)) ] && kill "${p#/proc/}" 2>/dev/null',
  '    done',
  '    j=$((j + 1))',
  '  done',
  '}',
  'watchdog & wd=$!',
  'pids= i=0',
  'while [ "$i" -lt "$W" ]; do work "$i" & pids="$pids $!" i=$((i + 1)); done',
  'wait $pids',
  'kill "$wd"',
].join('\n');

let probeCount = 0;

/** A busybox container on `network` (the lab host's engine) requesting `url` by the service's name. */
function startContainerProbe(lab, network, url) {
  const docker = (args, timeout = 60_000) => run('docker', ['-H', lab.hostDockerHost, ...args], { timeout });
  const name = `benchdt-probe-${process.pid}-${++probeCount}`;
  const id = must('docker', [
    '-H', lab.hostDockerHost, 'run', '-d', '--pull', 'never', '--name', name, '--label', PROBE_LABEL, '--network', network,
    '--log-driver', 'json-file', '--log-opt', 'max-size=50m',
    '-e', `URL=${url}`, '-e', `W=${PROBE_WORKERS}`, '-e', `STEP=${PROBE_EVERY_MS * PROBE_WORKERS * 1000}`,
    '-e', `MAX=${Math.ceil(PROBE_MAX / PROBE_WORKERS)}`, '-e', `TMO=${Math.ceil(PROBE_TIMEOUT_MS / 1000)}`,
    lab.images.busybox, 'sh', '-c', PROBE_SCRIPT,
  ], { timeout: 60_000 });
  const parse = (text) =>
    text
      .split('\n')
      .map((line) => /^(\d+\.\d+) (\d+\.\d+) (ok|broken|fail)(?: (.*))?$/u.exec(line.trim()))
      .filter((m) => m !== null)
      .map((m) => ({ t: Math.round(Number(m[1]) * 1000), done: Math.round(Number(m[2]) * 1000), result: m[3], body: m[3] === 'ok' ? (m[4] ?? '').trim() : '' }));
  return {
    kind: `busybox wget from a container on ${network} to ${url}`,
    /** Until one request has been answered 2xx (at most 10 s): the name resolves and the service answers. */
    ready: async () => {
      for (let i = 0; i < 100; i++) {
        if (parse(docker(['logs', '--tail', '20', id]).stdout).some((s) => s.result === 'ok')) return;
        await sleep(100);
      }
      throw new Error(`the probe container ${name} got no 2xx answer from ${url} in 10 s:\n${docker(['logs', '--tail', '20', id]).stdout}`);
    },
    stop: async () => {
      docker(['stop', '-t', '1', id], 60_000);
      const logs = docker(['logs', id], 60_000);
      docker(['rm', '-f', id], 60_000);
      return parse(logs.stdout).sort((a, b) => a.t - b.t);
    },
  };
}

/** Requests, failures, longest gap without a 2xx and the probe's rate, counting only requests started between t0 and t1. */
function score(samples, t0, t1) {
  const inside = samples.filter((s) => s.t >= t0 && s.t <= t1);
  let longest = 0;
  let lastOk = t0;
  for (const s of inside) {
    if (s.result !== 'ok') continue;
    longest = Math.max(longest, s.t - lastOk);
    lastOk = s.t;
  }
  longest = Math.max(longest, t1 - lastOk);
  const lastAnswer = samples.filter((s) => s.t > t1 && s.result === 'ok').at(-1);
  return {
    requests: inside.length,
    failed: inside.filter((s) => s.result !== 'ok').length,
    brokenAnswers: inside.filter((s) => s.result === 'broken').length,
    longestGapMs: longest,
    ratePerSecond: Math.round((inside.length / Math.max((t1 - t0) / 1000, 0.001)) * 10) / 10,
    answers: [...new Set(inside.filter((s) => s.result === 'ok').map((s) => s.body))].sort(),
    servingAfter: lastAnswer?.body ?? '',
  };
}

// ---------------------------------------------------------------- the measurement
/**
 * Measures every strategy × action `reps` times; `shouldStop()` (e.g. the bench's time budget)
 * ends the repetitions early, as does `budgetMs` from the start of this call.
 */
export async function measureDowntime({ reps = 3, log = console.log, shouldStop = () => false, budgetMs = 20 * 60_000 } = {}) {
  const started = Date.now();
  const stop = () => shouldStop() || Date.now() - started > budgetMs;
  const lab = readLab();
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), 'stack-deploy-bench-downtime-'));
  const env = cliEnvironment(lab, work);
  mkdirSync(env.DOCKER_CONFIG);
  const cliArgs = (command, ...rest) => [cli, command, '-e', 'lab', '-i', lab.ssh.identityFile, '--known-hosts', lab.ssh.knownHostsFile, ...rest];
  const runCli = async (dir, args, expect) => {
    const r = await runAsync(process.execPath, args, { cwd: dir, env });
    if (r.status !== expect) throw new Error(`\`stack-deploy ${args.slice(1).join(' ')}\` in ${dir} exited ${r.status} (expected ${expect})\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    return r;
  };
  const proxyRef = (stack) => `${lab.registry.host}/${stack.name}/nginx:1.22`;
  const results = {};
  const notes = [];
  try {
    cleanDowntimeHost(lab);
    for (const stack of STACKS) {
      if (stop()) break;
      // The stack, in a Git repository of its own: each version is a commit.
      const dir = join(work, stack.name);
      mkdirSync(join(dir, 'web'), { recursive: true });
      const files = downtimeStackFiles(lab, stack);
      writeFileSync(join(dir, 'compose.yml'), files.compose);
      writeFileSync(join(dir, 'stack.yml'), files.stack);
      const git = (...args) => must('git', ['-c', 'user.name=stack-deploy bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: dir });
      git('init', '-q');
      for (const version of ['1.0.0', '2.0.0', '9.0.0']) {
        // 9.0.0 has its page elsewhere: it answers 404 at / and fails its health check.
        writeFileSync(join(dir, 'web', 'index.html'), `${stack.name} ${version}\n`);
        writeFileSync(join(dir, 'web', 'Dockerfile'), `FROM ${lab.images.busybox}\nCOPY index.html ${version === '9.0.0' ? '/www/oops/index.html' : '/www/index.html'}\n`);
        git('add', '-A');
        git('commit', '-q', '-m', `${stack.name} ${version}`);
        log(`downtime ${stack.strategy}: building ${version}`);
        await runCli(dir, [cli, 'build', '--version', version], 0);
      }
      if (stack.strategy === 'proxy') {
        // The host's proxy runs the lab's nginx, from the lab registry (as in test/e2e/proxy.test.ts);
        // a proxy already running on the host is used as it is.
        const pushEnv = { ...env, DOCKER_CONFIG: join(work, 'push-config') };
        mkdirSync(pushEnv.DOCKER_CONFIG, { recursive: true });
        must('docker', ['login', '-u', lab.registry.username, '--password-stdin', lab.registry.host], { env: pushEnv, input: lab.registry.password });
        must('docker', ['tag', lab.images.proxy, proxyRef(stack)], { env: pushEnv });
        must('docker', ['push', '-q', proxyRef(stack)], { env: pushEnv, timeout: 300_000 });
      }
      log(`downtime ${stack.strategy}: deploying 1.0.0 (not measured)`);
      await runCli(dir, cliArgs('deploy', '--no-build', '--version', '1.0.0'), 0);

      let newProbe;
      let probeKind;
      if (stack.strategy === 'start-first') {
        // Compose names the project's default network <project>_default; ask the engine by label.
        const network =
          must('docker', ['-H', lab.hostDockerHost, 'network', 'ls', '--filter', `label=com.docker.compose.project=${project(stack)}`, '--filter', 'label=com.docker.compose.network=default', '--format', '{{.Name}}']).split('\n')[0] ||
          `${project(stack)}_default`;
        newProbe = () => startContainerProbe(lab, network, 'http://web:8080/');
        probeKind = `busybox wget in a container on ${network} to http://web:8080/ (${PROBE_WORKERS} loops, each every ${PROBE_EVERY_MS * PROBE_WORKERS} ms)`;
      } else {
        newProbe = () => startFetchProbe(`http://127.0.0.1:${stack.port}/`);
        probeKind = `fetch from the bench process to http://127.0.0.1:${stack.port}/ (every ${PROBE_EVERY_MS} ms)`;
      }
      const runs = Object.fromEntries(ACTIONS.map((a) => [a.key, []]));
      for (let i = 0; i < reps && !stop(); i++) {
        for (const action of ACTIONS) {
          const probe = newProbe();
          let r;
          let t0;
          let t1;
          let samples;
          try {
            await probe.ready();
            await sleep(300);
            t0 = Date.now();
            r = await runCli(dir, cliArgs(...action.command), action.expect);
            t1 = Date.now();
            await sleep(300); // what serves afterwards
          } finally {
            samples = await probe.stop();
          }
          const x = { ...score(samples, t0, t1), exit: r.status, cliSeconds: r.ms / 1000 };
          runs[action.key].push(x);
          const expected = `${stack.name} ${action.servingAfter}`;
          if (x.servingAfter !== expected) notes.push(`${stack.strategy}, ${action.label} #${i + 1}: served "${x.servingAfter}" afterwards, expected "${expected}"`);
          log(
            `downtime ${stack.strategy} ${action.label} #${i + 1}: ${x.failed}/${x.requests} failed (${x.brokenAnswers} from the broken release), ` +
              `longest gap ${x.longestGapMs} ms, ${x.ratePerSecond} req/s, CLI ${f(x.cliSeconds)} s (exit ${x.exit})`,
          );
        }
      }
      const summary = (xs) => ({
        n: xs.length,
        requests: stats(xs.map((x) => x.requests)),
        failed: stats(xs.map((x) => x.failed)),
        longestGapSeconds: stats(xs.map((x) => x.longestGapMs / 1000)),
        ratePerSecond: stats(xs.map((x) => x.ratePerSecond)),
        brokenAnswers: stats(xs.map((x) => x.brokenAnswers)),
        cliSeconds: stats(xs.map((x) => Math.round(x.cliSeconds * 100) / 100)),
        runs: xs,
      });
      results[stack.strategy] = { probe: probeKind, ...Object.fromEntries(ACTIONS.map((a) => [a.key, summary(runs[a.key])])) };
    }
  } finally {
    cleanDowntimeHost(lab);
    run('docker', ['image', 'rm', proxyRef(STACKS.find((s) => s.strategy === 'proxy'))], { env }); // the tag only: lab/nginx stays
    rmSync(work, { recursive: true, force: true });
  }
  if (Object.keys(results).length < STACKS.length || Object.values(results).some((r) => ACTIONS.some((a) => r[a.key].n < reps))) notes.push('stopped early (time budget): see the n column; a strategy without rows was not reached');
  return {
    what:
      `one busybox httpd service per switch strategy; per repetition: deploy 1.0.0 → 2.0.0, a failed deploy of 9.0.0 (404 at /, so its health check fails after ${HEALTH_TIMEOUT}, ` +
      `checked every ${HEALTH_INTERVAL}; rolled back, exit 3), then \`rollback --version 1.0.0\`; probe: a request every ${PROBE_EVERY_MS} ms, each bounded by ${PROBE_TIMEOUT_MS / 1000} s; ` +
      `only requests started between the CLI's start and its end count`,
    reps,
    stacks: {
      'stop-first': `network_mode: host, httpd on 127.0.0.1:${STACKS[0].port}; health.http on that port`,
      proxy: `published 127.0.0.1:${STACKS[1].port}:8080 on the project's bridge network (the host's proxy owns the port), drain_timeout ${DRAIN_TIMEOUT}; health.http, checked at the container's address`,
      'start-first': 'no published port (the project\'s default network); health.cmd: wget inside the container',
    },
    strategies: results,
    notes,
  };
}

// ---------------------------------------------------------------- reporting
const ORDER = ['stop-first', 'proxy', 'start-first'];

export function downtimeMarkdown(result) {
  const L = ['## Downtime per switch strategy: a deploy, a failed deploy and a rollback (probe: 100 requests/s)', '', `${result.what}.`, ''];
  L.push('| strategy | action | n | requests (median) | failed: median (max) | longest gap without a 2xx, s: median (max) | probe rate, req/s: median (min) | answers from the broken release (max) | CLI run, s (median) |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const strategy of ORDER) {
    const r = result.strategies[strategy];
    if (!r) continue;
    for (const a of ACTIONS) {
      const s = r[a.key];
      if (s.n === 0) {
        L.push(`| ${strategy} | ${a.label} | 0 | | | | | | |`);
        continue;
      }
      L.push(
        `| ${strategy} | ${a.label} | ${s.n} | ${s.requests.median} | ${s.failed.median} (${s.failed.max}) | ${f(s.longestGapSeconds.median, 3)} (${f(s.longestGapSeconds.max, 3)}) | ` +
          `${f(s.ratePerSecond.median, 1)} (${f(s.ratePerSecond.min, 1)}) | ${s.brokenAnswers.max} | ${f(s.cliSeconds.median)} |`,
      );
    }
  }
  L.push('');
  for (const strategy of ORDER) {
    if (result.strategies[strategy]) L.push(`- ${strategy}: ${result.stacks[strategy]}; probe: ${result.strategies[strategy].probe}.`);
  }
  L.push('- failed: no 2xx answer (refused, reset, timed out, or any other status); the broken release is the only one that answers 404 at /.');
  if (result.strategies['start-first']) {
    L.push(
      "- start-first is bounded by Docker's DNS, not by the switch: it answers for a new container under the service's name as soon as the container starts (before its health check passed: refused connections, and the broken release's 404s) and for the old one until it has stopped. start-first is for workers, which take no requests; a service that answers requests belongs behind the proxy (README, \"Switching without downtime\").",
    );
  }
  for (const n of result.notes) L.push(`- note: ${n}`);
  L.push('');
  return L.join('\n');
}

/** "Against the targets" lines: 0 failed requests for proxy and start-first. */
export function downtimeTargetLines(result) {
  return ['proxy', 'start-first'].map((strategy) => {
    const r = result.strategies[strategy];
    const runs = r ? ACTIONS.flatMap((a) => r[a.key].runs) : [];
    if (runs.length === 0) return `- 0 failed requests for ${strategy} (deploy, failed deploy, rollback): not measured`;
    const failed = runs.reduce((sum, x) => sum + x.failed, 0);
    const sent = runs.reduce((sum, x) => sum + x.requests, 0);
    const rate = Math.min(...runs.map((x) => x.ratePerSecond));
    const met = failed === 0 && rate >= 50;
    const bound = !met && strategy === 'start-first' && rate >= 50 ? " (bounded by Docker's DNS, which names a container before it is healthy: see the note under the table)" : '';
    return `- 0 failed requests for ${strategy} (deploy, failed deploy, rollback; probe ≥ 50 requests/s): ${failed} of ${sent} in ${runs.length} runs, slowest probe ${f(rate, 1)} req/s — ${met ? 'met' : '**not met**'}${bound}`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reps = Number(process.env.BENCH_DOWNTIME_REPS ?? (process.env.BENCH_QUICK === '1' ? 1 : 3));
  const t = Date.now();
  const result = await measureDowntime({ reps, budgetMs: (process.env.BENCH_QUICK === '1' ? 8 : 20) * 60_000, log: (text) => console.log(`[downtime ${((Date.now() - t) / 1000).toFixed(0).padStart(4)}s] ${text}`) });
  const outDir = join(repo, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const lab = readLab();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    docker: must('docker', ['version', '--format', '{{.Server.Version}}']),
    dockerHostEngine: must('docker', ['-H', lab.hostDockerHost, 'version', '--format', '{{.Server.Version}}']),
  };
  const md = `${downtimeMarkdown(result)}\n## Against the target\n\n${downtimeTargetLines(result).join('\n')}\n`;
  writeFileSync(join(outDir, 'downtime.json'), `${JSON.stringify({ machine, ...result }, null, 2)}\n`);
  writeFileSync(join(outDir, 'downtime.md'), `# Downtime bench\n\n${machine.date}, Docker ${machine.docker} (host engine ${machine.dockerHostEngine}), Node ${machine.node}\n\n${md}`);
  console.log(md);
}

#!/usr/bin/env node
// The build cache's part of the bench: `stack-deploy build` of a one-line change, with the
// builder's own cache emptied before each build (as on a fresh runner), cold (`--build-cache off`)
// against warm (`--build-cache local`, the previous build's image kept as the cache). The lab's
// builder is the plain `docker` driver, so `local` is the last image with an inline cache.
// `npm run bench` runs it after the rest; `node scripts/bench-build-cache.mjs` runs it alone and
// writes bench/results/build-cache.{json,md}. Needs the lab (`npm run lab:up`) and dist/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliEnvironment, readLab } from './bench-lab.mjs';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist', 'cli', 'index.js');

function must(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 600_000, ...options });
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}\n${(result.stdout ?? '').slice(-2000)}\n${(result.stderr ?? '').slice(-2000)}`);
  return result.stdout;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Builds a one-service stack `reps` times per mode; returns seconds per build and the steps reused. */
export function measureBuildCache({ reps = 3, log = console.log } = {}) {
  const lab = readLab();
  const work = mkdtempSync(join(tmpdir(), 'stack-deploy-bench-cache-'));
  const namespace = `benchcache${Date.now().toString(36)}`;
  const image = `${lab.registry.host}/${namespace}/app`;
  const env = cliEnvironment(lab, work, { XDG_CACHE_HOME: join(work, 'xdg-cache') });
  mkdirSync(join(work, 'docker-config'));
  const dir = join(work, 'stack');
  mkdirSync(join(dir, 'app'), { recursive: true });
  // A dependency step that takes a while and writes 20 MB, before the file that changes.
  writeFileSync(
    join(dir, 'app', 'Dockerfile'),
    `FROM ${lab.images.busybox}\nCOPY deps.txt /deps.txt\nRUN sleep 5 && dd if=/dev/urandom of=/deps.bin bs=1M count=20 2>/dev/null\nCOPY index.html /www/index.html\n`,
  );
  writeFileSync(join(dir, 'app', 'deps.txt'), 'dependencies 1\n');
  writeFileSync(join(dir, 'compose.yml'), `services:\n  app:\n    image: ${image}\n`);
  writeFileSync(
    join(dir, 'stack.yml'),
    `version: 1\nname: benchcache\nregistry:\n  host: ${lab.registry.host}\n  namespace: ${namespace}\nservices:\n  app:\n    build: { context: app, network: host }\nenvironments:\n  lab:\n    host: 127.0.0.1\n    user: deploy\n    path: /tmp/benchcache\n    compose: [compose.yml]\n`,
  );
  const git = (...args) => must('git', ['-c', 'user.name=stack-deploy bench', '-c', 'user.email=bench@example.invalid', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  let change = 0;
  const commitChange = () => {
    change += 1;
    writeFileSync(join(dir, 'app', 'index.html'), `page ${change}\n`);
    git('add', '-A');
    git('commit', '-q', '-m', `change ${change}`);
  };
  const forgetBuilds = () => {
    const refs = must('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image])
      .split('\n')
      .filter((ref) => ref !== '' && !ref.endsWith(':stack-deploy-cache') && !ref.endsWith(':<none>'));
    if (refs.length > 0) must('docker', ['image', 'rm', ...refs]);
    must('docker', ['builder', 'prune', '--all', '--force']);
  };
  const build = (mode) => {
    commitChange();
    forgetBuilds();
    const start = process.hrtime.bigint();
    const out = must(process.execPath, [cli, 'build', '--build-cache', mode, '--version', `1.0.${change}`], { cwd: dir, env });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const phase = /^\s*build\s+([\d.]+)\s*s?$/mu.exec(out)?.[1];
    const reused = /#(\d+) \[3\/4\] RUN/u.exec(out) === null ? undefined : out.includes(`#${/#(\d+) \[3\/4\] RUN/u.exec(out)[1]} CACHED`);
    return { seconds, buildPhase: phase === undefined ? undefined : Number(phase), dependencyStepReused: reused };
  };
  const samples = { off: [], local: [] };
  try {
    log('build cache: priming the local cache (not measured)');
    build('local');
    for (let i = 0; i < reps; i++) {
      for (const mode of ['off', 'local']) {
        // "off" neither reads nor moves the kept image: each "local" build starts from the previous "local" build's image.
        const sample = build(mode);
        samples[mode].push(sample);
        log(`build cache ${mode}: ${sample.seconds.toFixed(2)} s (dependency step reused: ${sample.dependencyStepReused})`);
      }
    }
  } finally {
    spawnSync('sh', ['-c', `docker image ls --format '{{.ID}}' ${image} | xargs -r docker image rm -f`], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
  const summary = (mode) => ({
    n: samples[mode].length,
    medianSeconds: median(samples[mode].map((s) => s.seconds)),
    values: samples[mode].map((s) => Math.round(s.seconds * 100) / 100),
    dependencyStepReused: samples[mode].map((s) => s.dependencyStepReused),
  });
  return {
    what: 'stack-deploy build of a one-line change to a 1-service stack (RUN: sleep 5 + 20 MB), builder cache pruned before each build; docker driver, so local = last image with inline cache',
    cold: summary('off'),
    warm: summary('local'),
  };
}

export function buildCacheMarkdown(result) {
  const row = (name, s) => `| ${name} | ${s.n} | ${s.medianSeconds.toFixed(2)} | ${s.values.join(', ')} | ${s.dependencyStepReused.join(', ')} |`;
  return [
    '## Build cache: a one-line change, cold against warm',
    '',
    result.what,
    '',
    '| build cache | n | median s | all s | dependency step reused |',
    '|---|---|---|---|---|',
    row('off (cold)', result.cold),
    row('local (warm)', result.warm),
    '',
    `Warm saves ${(result.cold.medianSeconds - result.warm.medianSeconds).toFixed(2)} s of ${result.cold.medianSeconds.toFixed(2)} s (median).`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = measureBuildCache({ reps: Number(process.env.BENCH_CACHE_REPS ?? 3) });
  const outDir = join(repo, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const machine = { date: new Date().toISOString(), node: process.version, docker: must('docker', ['version', '--format', '{{.Server.Version}}']).trim() };
  writeFileSync(join(outDir, 'build-cache.json'), `${JSON.stringify({ machine, ...result }, null, 2)}\n`);
  writeFileSync(join(outDir, 'build-cache.md'), `# Build cache bench\n\n${machine.date}, Docker ${machine.docker}, Node ${machine.node}\n\n${buildCacheMarkdown(result)}`);
  console.log(buildCacheMarkdown(result));
}

import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../lab/lab';
import { type ActionRun, ACTION_ENTRY, createStepFiles, stepEnvironment, stepResult } from './run-action';

/**
 * Removes what a test stack named `name` left on an engine: the containers and networks of every
 * Compose project of its environments (all named `<name>-…`; the name is random, so a name filter
 * matches nothing else). Networks must go too: an engine has only about 30 address pools.
 */
export function removeStack(dockerHost: string, name: string): void {
  const docker = (args: string[]) => execFileSync('docker', ['-H', dockerHost, ...args], { encoding: 'utf8' }).trim();
  const containers = docker(['ps', '-aq', '--filter', `name=${name}-`]);
  if (containers !== '') docker(['rm', '-f', ...containers.split('\n')]);
  const networks = docker(['network', 'ls', '-q', '--filter', `name=${name}-`]);
  if (networks !== '') docker(['network', 'rm', ...networks.split('\n')]);
}

/**
 * The Dockerfile of an API image for stacks with PostgreSQL: busybox (httpd serving /www) plus
 * psql and the libraries it needs, copied from the lab's PostgreSQL image, and `files` (in the
 * build context) at /.
 */
export function apiWithPsqlDockerfile(lab: Pick<Lab, 'images'>, files: readonly string[]): string {
  return `FROM ${lab.images.postgres} AS pg
RUN mkdir -p /out/bin && cp /usr/lib/postgresql/15/bin/psql /out/bin/psql \\
 && ldd /usr/lib/postgresql/15/bin/psql | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' | xargs -I{} cp --parents -L {} /out
FROM ${lab.images.busybox}
COPY --from=pg /out/ /
COPY www/ /www/
COPY ${files.join(' ')} /
`;
}

/**
 * A two-service stack (web: busybox httpd on a loopback port; worker: a shell loop) in a
 * temporary repository, deployed to the lab host with the bundled action.
 */
export class DeployFixture {
  readonly name = `e2e${randomBytes(4).toString('hex')}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'deploy-e2e-'));
  // Below the kernel's ephemeral range (32768 and up), where a client connection could hold it.
  readonly port = 20_000 + Math.floor(Math.random() * 12_000);
  readonly hostPath: string;
  /** The Compose project of the fixture's environment `lab` on the host. */
  readonly project = `${this.name}-lab`;

  constructor(readonly lab: Lab, options: { healthTimeout?: string; workerHealth?: string; webLogsRequests?: boolean } = {}) {
    this.hostPath = `${lab.deployHome}/${this.name}`;
    mkdirSync(join(this.dir, 'services/web'), { recursive: true });
    mkdirSync(join(this.dir, 'services/worker'), { recursive: true });
    this.setWeb('v0');
    writeFileSync(join(this.dir, 'services/worker/Dockerfile'), `FROM ${lab.images.busybox}\nCOPY job.sh /job.sh\n`);
    this.setWorker('while true; do sleep 1; done');
    const repo = `${lab.registry.host}/${this.name}`;
    writeFileSync(
      join(this.dir, 'compose.yml'),
      `services:
  web:
    image: ${repo}/web
    network_mode: host
    init: true
    command: ["httpd", "-f",${options.webLogsRequests === true ? ' "-v",' : ''} "-p", "127.0.0.1:${this.port}", "-h", "/www"]
  worker:
    image: ${repo}/worker
    network_mode: host
    init: true
    command: ["sh", "/job.sh"]
`,
    );
    writeFileSync(
      join(this.dir, 'stack.yml'),
      `version: 1
name: ${this.name}
registry: { host: ${lab.registry.host}, namespace: ${this.name} }
services:
  web:
    build: { context: services/web, network: host }
    health: { http: "http://127.0.0.1:${this.port}/", timeout: ${options.healthTimeout ?? '6s'}, interval: 200ms }
  worker:
    build: { context: services/worker, network: host }
    health: ${options.workerHealth ?? '{ timeout: 6s, interval: 200ms }'}
environments:
${this.labEnvironment()}`,
    );
  }

  /** Writes a file of the fixture's repository, making its directories. */
  write(path: string, content: string, mode = 0o644): void {
    mkdirSync(join(this.dir, path, '..'), { recursive: true });
    writeFileSync(join(this.dir, path), content);
    chmodSync(join(this.dir, path), mode);
  }

  /** stack.yml's environment `lab`, under `environments:`. */
  labEnvironment(): string {
    return `  lab:
    host: ${this.lab.ssh.host}
    port: ${this.lab.ssh.port}
    user: ${this.lab.ssh.user}
    path: ${this.hostPath}
    compose: [compose.yml]
`;
  }

  /** The web image serves `text` at /, or (broken) serves nothing there. */
  setWeb(text: string, options: { broken?: boolean } = {}): void {
    writeFileSync(join(this.dir, 'services/web/index.html'), `${text}\n`);
    writeFileSync(
      join(this.dir, 'services/web/Dockerfile'),
      `FROM ${this.lab.images.busybox}\nCOPY index.html ${options.broken === true ? '/www/broken.html' : '/www/index.html'}\n`,
    );
  }

  setWorker(script: string): void {
    writeFileSync(join(this.dir, 'services/worker/job.sh'), `${script}\n`);
  }

  inputs(extra: Record<string, string> = {}): Record<string, string> {
    return {
      command: 'deploy',
      'ssh-private-key': readFileSync(this.lab.ssh.identityFile, 'utf8'),
      'ssh-known-hosts': this.lab.ssh.knownHostsLine,
      'registry-username': this.lab.registry.username,
      'registry-password': this.lab.registry.password,
      'lock-timeout': '5s',
      ...extra,
    };
  }

  env(version: string): Record<string, string> {
    return {
      GITHUB_REF: `refs/tags/v${version}`,
      GITHUB_SHA: randomBytes(20).toString('hex'),
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '4242',
      GITHUB_ACTOR: 'octocat',
      DOCKER_CONFIG: join(this.dir, '.docker'),
    };
  }

  /** Runs the bundled action's main step asynchronously (for tests that act during a deploy). */
  start(version: string, inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}): { done: Promise<ActionRun> } {
    const files = createStepFiles(this.dir, `-${version}`);
    const env = stepEnvironment(files, this.inputs(inputs), { ...this.env(version), ...extraEnv });
    const child = spawn(process.execPath, [ACTION_ENTRY], { cwd: this.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    const done = new Promise<ActionRun>((resolve) => {
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(stepResult(files, code ?? -1, stdout, stderr));
      });
    });
    return { done };
  }

  deploy(version: string, inputs: Record<string, string> = {}, extraEnv: Record<string, string> = {}): Promise<ActionRun> {
    return this.start(version, inputs, extraEnv).done;
  }

  /** What the host serves on the web port right now ('' when nothing answers). */
  async serving(): Promise<string> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.port}/`, { signal: AbortSignal.timeout(3_000) });
      return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
    } catch {
      return '';
    }
  }

  ledger(): { version: string; result: string; services: { name: string; from: string; to: string; pinned: string }[] }[] {
    const file = join(this.hostPath, '.stack-deploy/releases.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ReturnType<DeployFixture['ledger']>[number]);
  }

  hostDocker(args: string[]): string {
    return execFileSync('docker', ['-H', this.lab.hostDockerHost, ...args], { encoding: 'utf8' }).trim();
  }

  /** Image ID the service's running container uses on the host ('' when none runs). */
  runningImage(service: string): string {
    const id = this.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${this.project}`, '--filter', `label=com.docker.compose.service=${service}`]);
    return id === '' ? '' : this.hostDocker(['inspect', '-f', '{{.Image}}', id.split('\n')[0] ?? '']);
  }

  cleanup(): void {
    removeStack(this.lab.hostDockerHost, this.name);
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.hostPath, { recursive: true, force: true });
  }
}

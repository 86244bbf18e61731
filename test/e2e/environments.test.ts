import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Lab, readLab } from '../lab/lab';
import { DeployFixture } from './deploy-fixture';

/**
 * Staging and production of one stack.yml and one compose file on one lab host. Ports and a
 * secret come from each environment's env; production runs a subset of the services.
 */

let lab: Lab;
let stack: EnvironmentsStack;

interface Environment {
  readonly name: 'production' | 'staging';
  readonly path: string;
  readonly project: string;
  readonly port: number;
  readonly secret: string;
}

class EnvironmentsStack extends DeployFixture {
  readonly production: Environment = { name: 'production', path: `${this.hostPath}-production`, project: `${this.name}-production`, port: this.port, secret: `prod-${this.name}` };
  readonly staging: Environment = { name: 'staging', path: `${this.hostPath}-staging`, project: `${this.name}-staging`, port: this.port + 1, secret: `staging-${this.name}` };

  constructor(lab_: Lab) {
    super(lab_);
    const repo = `${lab_.registry.host}/${this.name}`;
    writeFileSync(
      join(this.dir, 'compose.yml'),
      `services:
  web:
    image: ${repo}/web
    network_mode: host
    init: true
    environment: { APP_SECRET: "\${APP_SECRET:?}", WEB_PORT: "\${WEB_PORT:?}" }
    command: ["httpd", "-f", "-p", "127.0.0.1:\${WEB_PORT:?}", "-h", "/www"]
  worker:
    image: ${repo}/worker
    network_mode: host
    init: true
    environment: { APP_SECRET: "\${APP_SECRET:?}" }
    command: ["sh", "/job.sh"]
  frontend:
    image: ${repo}/web
    network_mode: host
    init: true
    environment: { APP_SECRET: "\${APP_SECRET:?}" }
    command: ["httpd", "-f", "-p", "127.0.0.1:\${FRONTEND_PORT:-1}", "-h", "/www"]
`,
    );
    this.manifest();
  }

  manifest(productionProject = ''): void {
    const env = (e: Environment, extra: string) => `  ${e.name}:
    host: ${this.lab.ssh.host}
    port: ${this.lab.ssh.port}
    user: ${this.lab.ssh.user}
    path: ${e.path}
    compose: [compose.yml]
${extra}`;
    writeFileSync(
      join(this.dir, 'stack.yml'),
      `version: 1
name: ${this.name}
registry: { host: ${this.lab.registry.host}, namespace: ${this.name} }
services:
  web:
    build: { context: services/web, network: host }
    health: { cmd: [sh, -c, 'wget -q -O /dev/null "http://127.0.0.1:$WEB_PORT/"'], timeout: 6s, interval: 200ms }
  worker:
    build: { context: services/worker, network: host }
    health: { timeout: 6s, interval: 200ms }
  frontend:
    image_from: web
    health: { timeout: 6s, interval: 200ms }
environments:
${env(this.production, `    services: [web, worker]\n${productionProject === '' ? '' : `    project: ${productionProject}\n`}`)}${env(this.staging, '')}`,
    );
  }

  to(e: Environment, version: string, inputs: Record<string, string> = {}): ReturnType<DeployFixture['start']> {
    return this.start(version, { environment: e.name, env: `WEB_PORT=${e.port}\nFRONTEND_PORT=${e.port + 10}\nAPP_SECRET=${e.secret}\n`, ...inputs });
  }

  async answer(e: Environment): Promise<string> {
    try {
      return (await (await fetch(`http://127.0.0.1:${e.port}/`, { signal: AbortSignal.timeout(3_000) })).text()).trim();
    } catch {
      return '';
    }
  }

  containers(project: string): string[] {
    const ids = this.hostDocker(['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
    return ids === '' ? [] : ids.split('\n');
  }

  services(project: string): string[] {
    return this.containers(project)
      .map((id) => this.hostDocker(['inspect', '-f', '{{index .Config.Labels "com.docker.compose.service"}}', id]))
      .sort();
  }

  removeAll(): void {
    for (const project of [this.production.project, this.staging.project, this.name]) {
      const ids = this.hostDocker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]);
      if (ids !== '') this.hostDocker(['rm', '-f', ...ids.split('\n')]);
    }
    for (const path of [this.production.path, this.staging.path]) rmSync(path, { recursive: true, force: true });
  }
}

beforeAll(() => {
  lab = readLab();
  stack = new EnvironmentsStack(lab);
});

afterAll(() => {
  stack.removeAll();
  stack.cleanup();
});

describe('staging and production on one host', () => {
  test('v1 to both: each answers on its own port, as its own Compose project, with its own services', async () => {
    stack.setWeb('v1');
    for (const e of [stack.production, stack.staging]) {
      const run = await stack.to(e, '1.0.0').done;
      expect(run.exitCode, run.stdout).toBe(0);
    }
    expect(await stack.answer(stack.production)).toBe('v1');
    expect(await stack.answer(stack.staging)).toBe('v1');
    expect(stack.services(stack.production.project)).toEqual(['web', 'worker']);
    expect(stack.services(stack.staging.project)).toEqual(['frontend', 'web', 'worker']);
    expect(stack.containers(stack.name)).toEqual([]);
  });

  test('production to v2, then staging to v3 and v4: neither touches the other', async () => {
    stack.setWeb('v2');
    expect((await stack.to(stack.production, '2.0.0').done).exitCode).toBe(0);
    expect(await stack.answer(stack.production)).toBe('v2');
    expect(await stack.answer(stack.staging)).toBe('v1');
    for (const version of ['3', '4']) {
      stack.setWeb(`v${version}`);
      const run = await stack.to(stack.staging, `${version}.0.0`).done;
      expect(run.exitCode, run.stdout).toBe(0);
    }
    expect(await stack.answer(stack.staging)).toBe('v4');
    expect(await stack.answer(stack.production)).toBe('v2');
  });

  test("rollback of production returns it to its own previous release (v1), not staging's; staging stays at v4", async () => {
    const run = await stack.to(stack.production, '2.0.0', { command: 'rollback' }).done;
    expect(run.exitCode, run.stdout).toBe(0);
    expect(await stack.answer(stack.production)).toBe('v1');
    expect(await stack.answer(stack.staging)).toBe('v4');
    const status = await stack.to(stack.production, '2.0.0', { command: 'status' }).done;
    const parsed = JSON.parse(status.outputs.status ?? '{}') as { project: string; services: { service: string }[] };
    expect(parsed.project).toBe(stack.production.project);
    expect(parsed.services.map((s) => s.service)).toEqual(['web', 'worker']);
  });

  test("each environment's containers hold only its own secret", () => {
    for (const [e, other] of [[stack.production, stack.staging], [stack.staging, stack.production]] as const) {
      for (const id of stack.containers(e.project)) {
        const env = stack.hostDocker(['inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', id]);
        expect(env).toContain(`APP_SECRET=${e.secret}`);
        expect(env).not.toContain(other.secret);
      }
    }
  });

  test('two deploys at once, one to each environment, both succeed', async () => {
    // As a release workflow does: one build, then a deploy job per environment.
    stack.setWeb('v5');
    const built = await stack.to(stack.production, '5.0.0', { command: 'build' }).done;
    expect(built.exitCode, built.stdout).toBe(0);
    const promote = { build: 'false', version: '5.0.0' };
    const [production, staging] = await Promise.all([stack.to(stack.production, '5.0.0', promote).done, stack.to(stack.staging, '5.0.0', promote).done]);
    expect(production.exitCode, production.stdout).toBe(0);
    expect(staging.exitCode, staging.stdout).toBe(0);
    expect(await stack.answer(stack.production)).toBe('v5');
    expect(await stack.answer(stack.staging)).toBe('v5');
  });
});

describe('an environment deployed before it had a project of its own', () => {
  test('keeps running as the project <name>, with a warning, until project is set', async () => {
    stack.removeAll();
    stack.manifest(stack.name);
    stack.setWeb('old');
    expect((await stack.to(stack.production, '6.0.0').done).exitCode).toBe(0);
    expect(stack.services(stack.name)).toEqual(['web', 'worker']);
    stack.manifest();
    stack.setWeb('kept');
    const run = await stack.to(stack.production, '7.0.0').done;
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(`keeps running as the Compose project "${stack.name}"`);
    expect(stack.containers(stack.production.project)).toEqual([]);
    expect(stack.services(stack.name)).toEqual(['web', 'worker']);
    expect(await stack.answer(stack.production)).toBe('kept');
  });
});

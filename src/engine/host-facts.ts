import { composeVersion } from '../commands/compose';
import { dockerVersion } from '../commands/docker';
import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';

export type ComposeFlavor = 'v2' | 'v1';

export interface HostFacts {
  readonly dockerServerVersion: string;
  readonly dockerApiVersion: string;
  readonly compose: { readonly flavor: ComposeFlavor; readonly version: string };
}

interface DockerVersionJson {
  Server?: { Version?: string; ApiVersion?: string } | null;
}

/** Asks a host which Docker engine and which Compose it has; changes nothing. */
export async function readHostFacts(executor: Executor): Promise<HostFacts> {
  const step = 'preflight';
  const docker = await executor.run(dockerVersion(), { step, allowFailure: true });
  let parsed: DockerVersionJson = {};
  try {
    parsed = JSON.parse(docker.stdout) as DockerVersionJson;
  } catch {
    // handled below: no server version
  }
  const server = parsed.Server ?? undefined;
  if (docker.exitCode !== 0 || server?.Version === undefined) {
    const detail = (docker.stderr.trim() || docker.stdout.trim()).split('\n').slice(-5).join('\n');
    throw new StackDeployError('the Docker engine is not reachable on the host', {
      host: executor.host,
      step,
      exitCode: docker.exitCode,
      outputTail: detail,
      hint: 'install Docker on the host and add the SSH user to the "docker" group (or set DOCKER_HOST for it)',
    });
  }
  for (const flavor of ['v2', 'v1'] as const) {
    const compose = await executor.run(composeVersion(flavor), { step, allowFailure: true });
    if (compose.exitCode === 0) {
      return {
        dockerServerVersion: server.Version,
        dockerApiVersion: server.ApiVersion ?? 'unknown',
        compose: { flavor, version: compose.stdout.trim().replace(/^v/u, '') },
      };
    }
  }
  throw new StackDeployError('Docker Compose is not installed on the host', {
    host: executor.host,
    step,
    hint: 'install the Compose v2 plugin ("docker compose") on the host',
  });
}

import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RegistryCredentials } from '../engine/settings';

/**
 * The credentials `docker login` stored for a registry in the runner's Docker config
 * (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), when stored inline (`auths`).
 * Used to read the registry's API on the runner only; never sent to a host.
 */
export function dockerConfigCredentials(registry: string, env: Readonly<Record<string, string | undefined>>): RegistryCredentials | undefined {
  const file = join(env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
  let parsed: { auths?: Record<string, { auth?: string }> };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch {
    return undefined;
  }
  const entry = parsed.auths?.[registry] ?? parsed.auths?.[`https://${registry}`] ?? parsed.auths?.[`http://${registry}`];
  if (entry?.auth === undefined) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function userDockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
}

/**
 * A Docker client config directory private to one run (mode 0700 under `parent`), so that the
 * run's `docker login` and `docker logout` never touch the runner's own config: a login made
 * by an earlier step stays, and this run's logins go when the directory is removed. It starts
 * as a copy of the runner's config.json without `credsStore` (logins made here stay in this
 * file), and links the runner's CLI plugins, buildx builders and contexts.
 */
export async function createRunDockerConfig(parent: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const userDir = userDockerConfigDir(env);
  const dir = await mkdtemp(join(parent, 'stack-deploy-docker-'));
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(join(userDir, 'config.json'), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
  } catch {
    // No config yet, or one docker cannot read either: start empty.
  }
  delete config.credsStore;
  await writeFile(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  for (const shared of ['cli-plugins', 'buildx', 'contexts']) {
    if (existsSync(join(userDir, shared))) await symlink(join(userDir, shared), join(dir, shared));
  }
  return dir;
}

/** Removes a run's private Docker config, and with it every login the run made. */
export async function removeRunDockerConfig(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

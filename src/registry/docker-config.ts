import { readFileSync } from 'node:fs';
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

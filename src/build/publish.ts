import { loginRegistry, logoutRegistry, pushImage } from '../commands/docker';
import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import type { RegistryCredentials } from '../engine/settings';

/**
 * Logs in to each registry that has credentials (password on stdin), runs `work`, and logs out
 * again whatever happened. `onLogin` lets the action's post step log out after a cancelled run.
 */
export async function withRegistryLogins<T>(
  executor: Executor,
  logins: readonly { readonly registry: string; readonly credentials: RegistryCredentials }[],
  onLogin: (registry: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const loggedIn: string[] = [];
  try {
    for (const { registry, credentials } of logins) {
      onLogin(registry);
      try {
        await executor.run(loginRegistry({ registry, username: credentials.username, password: credentials.password }), { step: 'login' });
      } catch (error) {
        const context = error instanceof StackDeployError ? error.context : {};
        throw new StackDeployError(`docker login to ${registry} as ${credentials.username} failed`, {
          ...context,
          step: 'login',
          hint:
            registry === 'ghcr.io'
              ? 'the github-token needs "packages: write" permission in the workflow (or set registry-username/registry-password)'
              : 'check the registry-username and registry-password inputs',
        });
      }
      loggedIn.push(registry);
    }
    return await work();
  } finally {
    // Every registry gets its logout, and a failed logout never hides why the run failed.
    for (const registry of loggedIn) await executor.run(logoutRegistry(registry), { step: 'logout', allowFailure: true }).catch(() => undefined);
  }
}

/** Pushes every tag of every image, one push at a time (layers are shared between tags). */
export async function pushImages(executor: Executor, images: readonly { readonly service: string; readonly refs: readonly string[] }[]): Promise<void> {
  for (const image of images) {
    for (const ref of image.refs) {
      await executor.run(pushImage(ref), { service: image.service, step: 'push' });
    }
  }
}

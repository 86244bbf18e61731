// What every part of the bench shares: the test lab's description (written by
// `bash test/lab/lab.sh up`) and the environment the CLI runs in against it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** .lab/lab.json: the lab's registry, sshd, engines and images. */
export function readLab() {
  return JSON.parse(readFileSync(join(repo, '.lab', 'lab.json'), 'utf8'));
}

/**
 * The CLI's environment: the lab registry's credentials, a Docker config of its own
 * (`<work>/docker-config`), and nothing that would point Docker or the CLI elsewhere.
 */
export function cliEnvironment(lab, work, extra = {}) {
  const env = {
    ...process.env,
    STACK_DEPLOY_REGISTRY_USERNAME: lab.registry.username,
    STACK_DEPLOY_REGISTRY_PASSWORD: lab.registry.password,
    DOCKER_CONFIG: join(work, 'docker-config'),
    ...extra,
  };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  delete env.GITHUB_ACTIONS;
  return env;
}

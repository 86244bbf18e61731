import * as core from '@actions/core';
import { StackDeployError } from '../errors';
import { dotenvValues } from '../engine/dotenv';
import { COMMANDS, type CommandName, type GithubContext, type RunSettings, resolveSettings } from '../engine/settings';
import type { Redactor } from '../exec/redact';

/** Reads one input as the runner passes it (`''` when not set). */
export type InputReader = (name: string) => string;

/** The run's GitHub context, from the runner's environment. */
export function githubContext(env: NodeJS.ProcessEnv): GithubContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    repositoryUrl: env.GITHUB_REPOSITORY === undefined ? undefined : `${server}/${env.GITHUB_REPOSITORY}`,
    runUrl:
      env.GITHUB_REPOSITORY === undefined || env.GITHUB_RUN_ID === undefined
        ? undefined
        : `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT === undefined ? '' : `/attempts/${env.GITHUB_RUN_ATTEMPT}`}`,
    ref: env.GITHUB_REF,
    sha: env.GITHUB_SHA,
    repositoryOwner: env.GITHUB_REPOSITORY_OWNER ?? env.GITHUB_REPOSITORY?.split('/')[0],
    actor: env.GITHUB_ACTOR,
  };
}

export interface ActionInputs {
  readonly settings: RunSettings;
  /** Every secret value, to be masked before anything is logged. */
  readonly secrets: readonly string[];
}

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function parseCommand(value: string): CommandName {
  const name = value.trim() === '' ? 'deploy' : value.trim();
  if ((COMMANDS as readonly string[]).includes(name)) return name as CommandName;
  throw new StackDeployError(`the input "command" is "${name}", which is not a command`, {
    hint: `use one of: ${COMMANDS.join(', ')}`,
  });
}

/** `true` or `false`; undefined when not set (the default is applied with the others). */
function parseBoolean(name: string, value: string): boolean | undefined {
  const text = value.trim().toLowerCase();
  if (text === '') return undefined;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new StackDeployError(`the input "${name}" is "${value}"; it must be "true" or "false"`);
}

/**
 * Reads every input once into one typed object. Nothing else in the action calls getInput.
 * Throws StackDeployError naming the input for a bad value.
 */
export function readInputs(getInput: InputReader, github: GithubContext): ActionInputs {
  const command = parseCommand(getInput('command'));
  const githubToken = optional(getInput('github-token'));
  const registryUsername = optional(getInput('registry-username'));
  const registryPassword = optional(getInput('registry-password'));
  const sshPrivateKey = optional(getInput('ssh-private-key'));
  const envFile = getInput('env');
  const secrets = [githubToken, registryPassword, sshPrivateKey, ...dotenvValues(envFile)].filter(
    (value): value is string => value !== undefined,
  );
  const registryCredentials =
    registryPassword === undefined ? undefined : { username: registryUsername ?? github.actor ?? '', password: registryPassword };
  if (registryCredentials !== undefined && registryCredentials.username === '') {
    throw new StackDeployError('the input "registry-password" is set but there is no user name for it', {
      hint: 'set the input "registry-username"',
    });
  }
  const settings = resolveSettings(
    {
      command,
      manifest: getInput('manifest'),
      environment: getInput('environment'),
      services: getInput('services'),
      version: getInput('version'),
      ...github,
      registryCredentials,
      githubToken,
      sshPrivateKey,
      sshKnownHosts: getInput('ssh-known-hosts'),
      envFile,
      lockTimeout: getInput('lock-timeout'),
      buildCache: getInput('build-cache'),
      build: parseBoolean('build', getInput('build')),
      audit: parseBoolean('audit', getInput('audit')),
      logs: { follow: false },
    },
    { lockTimeout: 'the input "lock-timeout"', buildCache: 'the input "build-cache"' },
  );
  return { secrets, settings };
}

/** Masks every secret of the inputs in the runner's log, and registers it with `redactor`. */
export function maskSecrets(inputs: ActionInputs, redactor: Redactor): void {
  for (const secret of inputs.secrets) {
    // The runner masks a multi-line value only line by line: register each line too.
    for (const part of new Set([secret, ...secret.split(/\r?\n/u)])) if (part.trim().length >= 4) core.setSecret(part.trim());
    redactor.add(secret);
  }
}

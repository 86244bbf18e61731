import { StackDeployError } from '../errors';
import { dotenvValues } from '../engine/dotenv';
import { COMMANDS, type CommandName, type RunSettings, splitList } from '../engine/settings';
import { parseDuration } from '../manifest';

/** Reads one input as the runner passes it (`''` when not set). */
export type InputReader = (name: string) => string;

/** The GitHub context values the action reads from the runner's environment. */
export interface GithubContext {
  readonly ref?: string;
  readonly sha?: string;
  readonly repositoryOwner?: string;
  readonly repositoryUrl?: string;
  readonly runUrl?: string;
  readonly actor?: string;
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

function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  const text = value.trim().toLowerCase();
  if (text === '') return fallback;
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
  const lockTimeoutText = optional(getInput('lock-timeout')) ?? '10m';
  const lockTimeoutMs = parseDuration(lockTimeoutText);
  if (lockTimeoutMs === undefined) {
    throw new StackDeployError(`the input "lock-timeout" is "${lockTimeoutText}", which is not a duration`, {
      hint: 'write it like "90s", "10m" or "1h"',
    });
  }
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
  return {
    secrets,
    settings: {
      command,
      manifest: optional(getInput('manifest')) ?? 'stack.yml',
      environment: optional(getInput('environment')),
      services: splitList(getInput('services')),
      version: optional(getInput('version')),
      ref: github.ref,
      sha: github.sha,
      repositoryOwner: github.repositoryOwner,
      repositoryUrl: github.repositoryUrl,
      runUrl: github.runUrl,
      actor: github.actor,
      registryCredentials,
      githubToken,
      sshPrivateKey: sshPrivateKey === undefined ? undefined : `${sshPrivateKey}\n`,
      sshKnownHosts: optional(getInput('ssh-known-hosts')),
      envFile: envFile.trim() === '' ? undefined : envFile,
      lockTimeoutMs,
      buildCache: parseBoolean('build-cache', getInput('build-cache'), true),
      build: parseBoolean('build', getInput('build'), true),
      audit: parseBoolean('audit', getInput('audit'), false),
      logs: { follow: false },
    },
  };
}

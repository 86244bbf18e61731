import { readFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError, StackDeployError } from '../errors';
import { command } from '../commands/command';
import type { Executor } from '../exec/executor';
import { LocalExecutor } from '../exec/local';
import { Redactor } from '../exec/redact';
import { noCleanupRecorder, systemClock, type Terminal } from '../engine/context';
import { dotenvValues } from '../engine/dotenv';
import { EXIT_CODES } from '../engine/result';
import { runCommand } from '../engine/run';
import { resolveSettings, type RunSettings, splitList } from '../engine/settings';
import { summaryToText } from '../engine/summary';
import { createRunDockerConfig, removeRunDockerConfig } from '../registry/docker-config';
import { parseCli, type CliOptions } from './args';
import { COMMAND_HELP, USAGE } from './help';
import { cliReporter, type Output } from './reporter';

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: NodeJS.ProcessEnv;
  readonly toolVersion: string;
  /** The terminal `exec` and `logs` attach to the remote command. */
  readonly terminal?: Terminal;
}

/** Commands whose standard output is the remote command's: progress goes to stderr, no summary. */
const ATTACHED_COMMANDS: readonly string[] = ['logs', 'exec'];

async function readOptionalFile(path: string | undefined, fallbacks: readonly string[], what: string): Promise<string | undefined> {
  if (path !== undefined) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw new StackDeployError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: `check the path given to the ${what} flag`,
      });
    }
  }
  for (const candidate of fallbacks) {
    try {
      return await readFile(candidate, 'utf8');
    } catch {
      // try the next default location
    }
  }
  return undefined;
}

/** The checked-out commit and ref, when the CLI runs inside a Git work tree. */
async function gitFacts(local: Executor): Promise<{ sha?: string; ref?: string }> {
  const sha = await local.run(command(['git', 'rev-parse', '--verify', 'HEAD']), { allowFailure: true }).catch(() => undefined);
  if (sha === undefined || sha.exitCode !== 0) return {};
  const ref = await local.run(command(['git', 'symbolic-ref', '--quiet', 'HEAD']), { allowFailure: true });
  return { sha: sha.stdout.trim(), ref: ref.exitCode === 0 ? ref.stdout.trim() : sha.stdout.trim() };
}

/** The CLI's flags, files and environment as RunSettings (defaults applied as for the action). */
export async function settingsFrom(options: CliOptions, env: NodeJS.ProcessEnv, local: Executor): Promise<{ settings: RunSettings; secrets: string[] }> {
  const home = env.HOME ?? homedir();
  const sshPrivateKey = await readOptionalFile(options.identity, [join(home, '.ssh', 'id_ed25519'), join(home, '.ssh', 'id_rsa')], '--identity');
  const sshKnownHosts = await readOptionalFile(options.knownHosts, [join(home, '.ssh', 'known_hosts')], '--known-hosts');
  const envFile = await readOptionalFile(options.envFile, [], '--env-file');
  const registryPassword = env.STACK_DEPLOY_REGISTRY_PASSWORD;
  const registryUsername = env.STACK_DEPLOY_REGISTRY_USERNAME;
  if (registryPassword !== undefined && registryUsername === undefined) {
    throw new StackDeployError('STACK_DEPLOY_REGISTRY_PASSWORD is set but STACK_DEPLOY_REGISTRY_USERNAME is not', { hint: 'set both, or neither' });
  }
  const git = await gitFacts(local);
  const settings = resolveSettings(
    {
      command: options.command as RunSettings['command'],
      manifest: options.manifest,
      environment: options.environment,
      // SERVICE arguments (logs, exec) add to --services.
      services: options.serviceArgs.length === 0 ? options.services : [...splitList(options.services ?? ''), ...options.serviceArgs].join(' '),
      version: options.version,
      ref: options.ref ?? git.ref,
      sha: git.sha,
      actor: env.GITHUB_ACTOR ?? env.USER,
      registryCredentials: registryPassword === undefined || registryUsername === undefined ? undefined : { username: registryUsername, password: registryPassword },
      githubToken: env.GITHUB_TOKEN,
      sshPrivateKey,
      sshKnownHosts,
      envFile,
      lockTimeout: options.lockTimeout,
      buildCache: options.buildCache,
      build: options.build,
      audit: options.audit,
      logs: { follow: options.follow, since: options.since },
      exec: options.exec,
      init: options.init,
    },
    { lockTimeout: '--lock-timeout', buildCache: '--build-cache' },
  );
  const secrets = [settings.sshPrivateKey?.trim(), registryPassword, env.GITHUB_TOKEN, ...(envFile === undefined ? [] : dotenvValues(envFile))].filter(
    (s): s is string => s !== undefined,
  );
  return { secrets, settings };
}

/** The CLI from parsed argv to exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    io.stderr.write(`${describeError(error)}\n`);
    return EXIT_CODES.invalid;
  }
  if (options.showToolVersion) {
    io.stdout.write(`stack-deploy ${io.toolVersion}\n`);
    return 0;
  }
  if (options.command === 'help' || options.help) {
    io.stdout.write(options.command === 'help' ? USAGE : (COMMAND_HELP[options.command] ?? USAGE));
    return 0;
  }
  if (options.command === 'schema') {
    const { manifestJsonSchema } = await import('../manifest');
    io.stdout.write(`${JSON.stringify(manifestJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const redactor = new Redactor();
  const attached = ATTACHED_COMMANDS.includes(options.command);
  const reporter = cliReporter(io.stdout, io.stderr, systemClock, options.json || attached);
  const local = new LocalExecutor(redactor, io.env);
  let prepared;
  try {
    prepared = await settingsFrom(options, io.env, local);
  } catch (error) {
    io.stderr.write(`${describeError(error)}\n`);
    return EXIT_CODES.invalid;
  }
  for (const secret of prepared.secrets) redactor.add(secret);
  // docker login and logout of this run go to a config of its own, never the user's.
  const dockerConfig = await createRunDockerConfig(tmpdir(), io.env);
  let result;
  try {
    const runEnv = { ...io.env, DOCKER_CONFIG: dockerConfig };
    result = await runCommand({
      settings: prepared.settings,
      reporter,
      redactor,
      clock: systemClock,
      local: new LocalExecutor(redactor, runEnv),
      cleanup: noCleanupRecorder,
      tempDir: tmpdir(),
      env: runEnv,
      terminal: io.terminal,
    });
  } finally {
    await removeRunDockerConfig(dockerConfig);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ status: result.status, outputs: result.outputs }, null, 2)}\n`);
  } else if (prepared.settings.command !== 'validate' && !attached) {
    io.stdout.write(`\n${summaryToText(result.summary)}`);
  }
  return result.exitCode ?? EXIT_CODES[result.status];
}

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';
import { StackDeployError } from '../errors';
import { readComposeModel } from '../init/compose-model';
import { manifestFromCompose, manifestText } from '../init/manifest-from-compose';
import { formatIssue, MANIFEST_SCHEMA_ID, parseManifest } from '../manifest';
import type { RunContext } from './context';
import type { RunResult } from './result';

export const INIT_DEFAULT_ENVIRONMENT = 'production';
const PLACEHOLDER_HOST = 'deploy.example.com';
const DEFAULT_USER = 'deploy';

async function readCompose(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new StackDeployError(`cannot read the compose file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'pass your compose file with -c, e.g. -c compose.yml',
    });
  }
  try {
    return parse(text) as unknown;
  } catch (error) {
    throw new StackDeployError(`${file} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

function nextSteps(manifestFile: string, environment: string, host: string, port: number): string[] {
  return [
    `Next steps:`,
    `1. Read ${manifestFile} (services, health checks, environment "${environment}"), then run: stack-deploy validate -f ${manifestFile}`,
    `2. Pin the host key. On the server: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`,
    `   Here: ssh-keyscan -p ${port} -t ed25519 ${host} | ssh-keygen -lf -   (the fingerprints must match)`,
    `   Store the line of "ssh-keyscan -p ${port} -t ed25519 ${host}" as the repository secret SSH_KNOWN_HOSTS.`,
    `3. Store the deploy user's private key as the repository secret SSH_PRIVATE_KEY.`,
    `4. Try the connection: stack-deploy check -e ${environment}`,
  ];
}

/**
 * `init`: writes a stack.yml for an existing compose file (see manifestFromCompose), checked
 * against the schema before it is written. Never overwrites a file unless told to.
 */
export async function init(context: RunContext): Promise<RunResult> {
  const { settings, reporter } = context;
  const request = settings.init;
  if (request === undefined) throw new StackDeployError('init needs a compose file', { hint: 'run: stack-deploy init -c compose.yml' });
  const manifestFile = settings.manifest;
  const stackDir = dirname(resolve(manifestFile));
  const composePath = relative(stackDir, resolve(request.composeFile)).split(sep).join('/');
  if (composePath.startsWith('../') || composePath === '..' || composePath.startsWith('/')) {
    throw new StackDeployError(`the compose file ${request.composeFile} is outside the directory of ${manifestFile}`, {
      hint: 'stack.yml refers to compose files below its own directory: write it higher up (-f DIR/stack.yml)',
    });
  }
  const model = readComposeModel(await readCompose(request.composeFile), request.composeFile);
  const environment = settings.environment ?? INIT_DEFAULT_ENVIRONMENT;
  const host = request.host ?? PLACEHOLDER_HOST;
  const draft = manifestFromCompose(model, {
    composeFile: composePath,
    fallbackName: basename(dirname(resolve(request.composeFile))),
    environment: { name: environment, host, user: request.user ?? DEFAULT_USER, path: request.path },
    hasDockerfile: (dir) => existsSync(join(stackDir, dir, 'Dockerfile')),
  });
  const text = manifestText(draft, MANIFEST_SCHEMA_ID);
  const checked = parseManifest(text, manifestFile);
  if (!checked.ok) {
    throw new StackDeployError(`the stack.yml made from ${request.composeFile} is not valid: ${checked.issues.map(formatIssue).join('; ')}`, {
      hint: 'fix the value named (from --host, --user, --path, -e or the compose file) and run init again',
    });
  }
  try {
    await writeFile(manifestFile, text, { flag: request.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new StackDeployError(`${manifestFile} already exists; nothing was written`, { hint: 'add --force to replace it, or write elsewhere with -f FILE' });
    }
    throw error;
  }
  const placeholders = [request.host === undefined ? `environments.${environment}.host (${PLACEHOLDER_HOST})` : undefined, request.user === undefined ? `environments.${environment}.user (${DEFAULT_USER})` : undefined, request.path === undefined ? `environments.${environment}.path` : undefined].filter(
    (item): item is string => item !== undefined,
  );
  const notes = [...draft.notes, ...(placeholders.length > 0 ? [`defaults to check: ${placeholders.join(', ')}`] : [])];
  for (const note of notes) reporter.info(note);
  const services = Object.keys(draft.manifest.services as Record<string, unknown>);
  return {
    status: 'success',
    outputs: { services: JSON.stringify(services) },
    summary: {
      title: `stack-deploy: wrote ${manifestFile}`,
      lines: [`${manifestFile}: stack "${String(draft.manifest.name)}", services ${services.join(', ')}, environment "${environment}".`, '', ...nextSteps(manifestFile, environment, host, 22)],
      tables: [],
    },
  };
}

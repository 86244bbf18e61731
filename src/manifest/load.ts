import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { StackDeployError } from '../errors';
import { type LoadResult, parseManifest } from './parse';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

function readFailure(file: string, error: unknown): StackDeployError {
  const code = errorCode(error);
  if (code === 'ENOENT') {
    return new StackDeployError(
      `${basename(file)} not found in ${dirname(resolve(file))}; set the input "manifest"`,
      { hint: 'add the manifest at the repository root, or set the "manifest" input to its path relative to the working directory' },
      { cause: error },
    );
  }
  if (code === 'EISDIR') {
    return new StackDeployError(`${file} is a directory, not a manifest file`, {
      hint: 'set the "manifest" input to the path of the YAML file, e.g. deploy/stack.yml',
    });
  }
  const reason = code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new StackDeployError(`cannot read ${file}: ${reason}`, { hint: 'check that the file exists and is readable' }, { cause: error });
}

/** Reads and validates the manifest at `file` (relative to the working directory or absolute). */
export async function loadManifest(file: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw readFailure(file, error);
  }
  return parseManifest(text, file);
}

import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { StackDeployError } from '../errors';

/**
 * The real path of `relativePath` under `directory`, refused when it resolves (through a
 * symlink, its own or a parent directory's) outside `directory`: a link to
 * `/proc/self/environ` or `~/.ssh` must not be shipped to a host. A path that does not exist
 * is returned as it is, for the read to report.
 */
export async function realPathInside(directory: string, relativePath: string, what: string): Promise<string> {
  const path = join(directory, relativePath);
  let real: string;
  let realDirectory: string;
  try {
    [real, realDirectory] = await Promise.all([realpath(path), realpath(directory)]);
  } catch {
    return path;
  }
  if (real !== realDirectory && !real.startsWith(`${realDirectory}${sep}`)) {
    throw new StackDeployError(`${what} resolves to ${real}, outside the directory of stack.yml (${realDirectory}); it is not uploaded`, {
      step: 'upload',
      hint: 'files sent to the host must be inside the directory of stack.yml: copy the file there instead of linking to it',
    });
  }
  return real;
}

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { realPathInside } from '../../../src/deploy/local-files';
import { hostPaths } from '../../../src/deploy/plan';
import { uploadAndPullCommand } from '../../../src/deploy/remote-commands';
import { createTar } from '../../../src/deploy/tar-writer';
import { LocalExecutor } from '../../../src/exec/local';
import { Redactor } from '../../../src/exec/redact';
import { SshExecutor } from '../../../src/exec/ssh';
import { rejectionOf } from '../helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'upload-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte value, and bytes that are not valid UTF-8 (a compiled hook program, say). */
const BINARY = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x80])]);

describe('uploading files to the host', () => {
  test('a binary file arrives byte for byte (the archive travels as bytes through a real sh and tar)', async () => {
    const target = join(dir, 'stack');
    mkdirSync(join(target, '.stack-deploy'), { recursive: true });
    const archive = createTar([{ path: 'hooks/notify', content: BINARY, mode: 0o755 }, { path: 'compose.yml', content: 'services: {}\n', mode: 0o600 }], new Date());
    await new LocalExecutor().run(uploadAndPullCommand(hostPaths({ path: target, runId: 'run-1' }), archive, 'run-1', []));
    expect(readFileSync(join(target, 'hooks/notify')).equals(BINARY)).toBe(true);
    expect(readFileSync(join(target, 'compose.yml'), 'utf8')).toBe('services: {}\n');
  });

  test('an archive that cannot be read whole (cut short): the program fails, and no file of it is moved into place', async () => {
    const target = join(dir, 'stack');
    mkdirSync(join(target, '.stack-deploy'), { recursive: true });
    writeFileSync(join(target, 'compose.yml'), 'services: { old: {} }\n');
    const archive = createTar([{ path: 'compose.yml', content: `services: {}\n${'#'.repeat(4096)}\n`, mode: 0o600 }, { path: 'hooks/notify', content: BINARY, mode: 0o755 }], new Date());
    const error = await rejectionOf(() => new LocalExecutor().run(uploadAndPullCommand(hostPaths({ path: target, runId: 'run-1' }), archive.subarray(0, 1024), 'run-1', [])));
    expect(error.message).toContain('exited with code 1');
    expect(readFileSync(join(target, 'compose.yml'), 'utf8')).toBe('services: { old: {} }\n');
    expect(existsSync(join(target, 'hooks'))).toBe(false);
  });

  test('the SSH executor sends a Buffer stdin as the same bytes', async () => {
    let sent: Buffer | undefined;
    // What node-ssh does with stdin: a string is written as UTF-8 text, a stream is piped, anything else is refused.
    const ssh = {
      execCommand: async (_line: string, options: { stdin?: unknown }) => {
        const chunks: Buffer[] = [];
        if (options.stdin instanceof Readable) for await (const chunk of options.stdin) chunks.push(chunk as Buffer);
        else if (typeof options.stdin === 'string') chunks.push(Buffer.from(options.stdin, 'utf8'));
        else throw new Error('options.stdin must be a valid string or readable stream');
        sent = Buffer.concat(chunks);
        return { code: 0, signal: null, stdout: '', stderr: '' };
      },
    };
    const executor = new SshExecutor('deploy@host:22', ssh as never, new Redactor());
    await executor.run(uploadAndPullCommand(hostPaths({ path: '/srv/app', runId: 'run-1' }), BINARY, 'run-1', []));
    expect(sent?.equals(BINARY)).toBe(true);
  });
});

describe('realPathInside: files shipped to the host stay inside the directory of stack.yml', () => {
  beforeEach(() => {
    mkdirSync(join(dir, 'repo', 'hooks'), { recursive: true });
    writeFileSync(join(dir, 'repo', 'hooks', 'notify.sh'), 'echo hi\n');
    writeFileSync(join(dir, 'outside.txt'), 'runner secrets\n');
  });
  const repo = (): string => join(dir, 'repo');

  test('a plain file, and a symlink to a file inside, are read from their real path', async () => {
    symlinkSync('hooks/notify.sh', join(repo(), 'link.sh'));
    expect(await realPathInside(repo(), 'hooks/notify.sh', 'the script hooks/notify.sh')).toBe(join(repo(), 'hooks', 'notify.sh'));
    expect(await realPathInside(repo(), 'link.sh', 'the script link.sh')).toBe(join(repo(), 'hooks', 'notify.sh'));
  });

  test.each([
    ['a symlink to /proc/self/environ', 'env.sh', '/proc/self/environ'],
    ['a symlink to a file next to the repository', 'leak.sh', '../outside.txt'],
  ])('%s is refused, naming where it leads', async (_name, link, target) => {
    symlinkSync(target, join(repo(), link));
    const error = await rejectionOf(() => realPathInside(repo(), link, `the script ${link}`));
    expect(error.message).toMatch(new RegExp(`^the script ${link} resolves to /.*, outside the directory of stack\\.yml \\(${repo()}\\); it is not uploaded$`, 'u'));
    expect(error.context.step).toBe('upload');
  });

  test('a symlinked directory that leads outside is refused', async () => {
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'run.sh'), 'echo\n');
    symlinkSync(join(dir, 'elsewhere'), join(repo(), 'scripts'));
    const error = await rejectionOf(() => realPathInside(repo(), 'scripts/run.sh', 'the script scripts/run.sh'));
    expect(error.message).toContain(`resolves to ${join(dir, 'elsewhere', 'run.sh')}`);
  });

  test('a missing file is left for the read to report', async () => {
    expect(await realPathInside(repo(), 'missing.sh', 'the script missing.sh')).toBe(join(repo(), 'missing.sh'));
  });
});

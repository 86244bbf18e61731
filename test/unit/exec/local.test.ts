import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { command } from '../../../src/commands/command';
import { StackDeployError } from '../../../src/errors';
import { LocalExecutor } from '../../../src/exec/local';
import { Redactor } from '../../../src/exec/redact';

const scratch = mkdtempSync(join(tmpdir(), 'local-exec-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function failureOf(promise: Promise<unknown>): Promise<StackDeployError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StackDeployError) return error;
    throw error;
  }
  throw new Error('expected the command to fail');
}

describe('LocalExecutor', () => {
  test('passes argv without a shell and stdin as bytes', async () => {
    const executor = new LocalExecutor();
    const result = await executor.run(command(['sh', '-c', 'printf "%s|" "$@"; cat', 'sh', '$(id)', 'a b'], { text: 'from stdin' }));
    expect(result).toEqual({ exitCode: 0, stdout: '$(id)|a b|from stdin', stderr: '' });
  });

  test('a failure carries host, redacted command, exit code and the output tail', async () => {
    const redactor = new Redactor();
    redactor.add('hunter2-secret');
    const executor = new LocalExecutor(redactor);
    const lines = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`).join('\n');
    const error = await failureOf(
      executor.run(command(['sh', '-c', `echo "$1" >&2; echo token=hunter2-secret >&2; exit 3`, 'sh', lines]), { service: 'api', step: 'build' }),
    );
    expect(error.message).toBe('sh exited with code 3');
    expect(error.context.host).toBe('local');
    expect(error.context.service).toBe('api');
    expect(error.context.step).toBe('build');
    expect(error.context.exitCode).toBe(3);
    const tail = error.context.outputTail?.split('\n') ?? [];
    expect(tail).toHaveLength(50);
    expect(tail[0]).toBe('line 32');
    expect(tail.at(-1)).toBe('token=***');
  });

  test('secret stdin is never shown, only said to be there', async () => {
    const executor = new LocalExecutor();
    const error = await failureOf(executor.run(command(['sh', '-c', 'cat >/dev/null; exit 1'], { text: 'p4ssw0rd', secret: true })));
    expect(error.context.command).toBe("sh -c 'cat >/dev/null; exit 1' (secret on stdin)");
    expect(JSON.stringify(error)).not.toContain('p4ssw0rd');
  });

  test('allowFailure returns the result instead of throwing', async () => {
    const result = await new LocalExecutor().run(command(['sh', '-c', 'echo out; exit 4']), { allowFailure: true });
    expect(result.exitCode).toBe(4);
    expect(result.stdout).toBe('out\n');
  });

  test('a missing program is a clear failure', async () => {
    const error = await failureOf(new LocalExecutor().run(command(['no-such-program-xyz'])));
    expect(error.message).toBe('no-such-program-xyz is not installed or not on PATH');
  });

  test('a missing working directory: the command does not run', async () => {
    const error = await failureOf(new LocalExecutor().run(command(['touch', 'x']), { cwd: join(scratch, 'missing') }));
    expect(error.message).toMatch(/does not exist/u);
  });

  test('a timeout kills the command', async () => {
    const started = Date.now();
    const error = await failureOf(new LocalExecutor().run(command(['sleep', '30']), { timeoutMs: 200 }));
    expect(error.message).toBe('sleep timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('streams redacted output', async () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    const chunks: string[] = [];
    await new LocalExecutor(redactor).run(command(['echo', 'v=s3cr3t-value']), { onOutput: (chunk) => chunks.push(chunk) });
    expect(chunks.join('')).toBe('v=***\n');
  });
});

describe('LocalExecutor through @actions/exec', () => {
  test('commands that exit at once without reading stdin never break the run', async () => {
    // Input written to a process that has already exited would be an unhandled EPIPE.
    const results = await Promise.all(Array.from({ length: 20 }, () => new LocalExecutor().run(command(['sh', '-c', 'exit 4']), { allowFailure: true })));
    expect(results.map((r) => r.exitCode)).toEqual(Array.from({ length: 20 }, () => 4));
  });

  test('output streams while the command runs', async () => {
    // The command waits until the test has seen its first line: it only ends when output is streamed.
    const signal = join(scratch, 'seen-first-line');
    const chunks: string[] = [];
    const script = 'echo first; i=0; while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e "$1" ] || exit 9; echo second';
    const result = await new LocalExecutor().run(command(['sh', '-c', script, 'sh', signal]), {
      onOutput: (chunk) => {
        chunks.push(chunk);
        if (chunk.includes('first')) writeFileSync(signal, '');
      },
    });
    expect(result.exitCode).toBe(0);
    expect(chunks.join('')).toBe('first\nsecond\n');
  });

  test('binary stdout reaches onStdoutBytes unchanged and is not kept', async () => {
    const received: Buffer[] = [];
    const result = await new LocalExecutor().run(command(['printf', '\\000\\377\\n\\200']), { onStdoutBytes: (chunk) => received.push(chunk) });
    expect(Buffer.concat(received)).toEqual(Buffer.from([0x00, 0xff, 0x0a, 0x80]));
    expect(result.stdout).toBe('');
  });

  test('the command line and its output are never echoed to the log by the toolkit', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    try {
      await new LocalExecutor().run(command(['echo', 'only-through-onOutput']));
      const written = write.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(written).not.toContain('[command]');
      expect(written).not.toContain('only-through-onOutput');
    } finally {
      write.mockRestore();
    }
  });

  test('a multi-byte character split between chunks is decoded whole', async () => {
    const result = await new LocalExecutor().run(command(['sh', '-c', "printf '\\342\\202'; sleep 0.1; printf '\\254'"]));
    expect(result.stdout).toBe('€');
  });
});

describe('Redactor', () => {
  test.each([
    [['abcd'], 'xabcdx abcd', 'x***x ***'],
    [['abc'], 'abc', 'abc'],
    [['secret', 'secret-longer'], 'secret-longer secret', '*** ***'],
    [['line-one\nline-two'], 'a line-two b', 'a *** b'],
    [[], 'nothing', 'nothing'],
  ])('%j masks %j as %j', (secrets, text, expected) => {
    const redactor = new Redactor();
    for (const secret of secrets) redactor.add(secret);
    expect(redactor.redact(text)).toBe(expected);
  });
});

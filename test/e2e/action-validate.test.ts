import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runAction, runCliBundle } from './run-action';

const TEN_MISTAKES = 'test/fixtures/manifests/ten-mistakes.yml';
const scratch = mkdtempSync(join(tmpdir(), 'validate-e2e-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, 'compose.yml'), 'services:\n  api: { image: ghcr.io/acme/api }\n  web: { image: ghcr.io/acme/web }\n');

const VALID = `version: 1
name: shop
services:
  api:
    build: { context: services/api }
  web:
    build: { context: services/web }
environments:
  production:
    host: deploy.example.com
    user: deploy
    path: /opt/shop
    compose: [compose.yml]
`;

describe('the bundled action, command validate', () => {
  test('a valid manifest: success, one summary line, outputs', () => {
    writeFileSync(join(scratch, 'stack.yml'), VALID);
    const run = runAction({ command: 'validate' }, { cwd: scratch });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('stack.yml is valid: stack "shop", 2 services (api, web), 1 environment (production)');
    expect(run.outputs).toEqual({ services: '["api","web"]', result: 'success', 'rolled-back': 'false' });
    expect(run.summary).toContain('## stack-deploy: manifest is valid');
    // The main step removed its private Docker config and says so: the post step has nothing left to remove.
    expect(run.state).toEqual({ isPost: 'true', dockerConfig: '' });
  });

  test('ten mistakes: ten annotations on their lines, a failed run, a summary table', () => {
    const run = runAction({ command: 'validate', manifest: TEN_MISTAKES });
    expect(run.exitCode).toBe(1);
    const annotations = run.stdout.split('\n').filter((line) => line.startsWith('::error title=invalid manifest,file='));
    expect(annotations).toHaveLength(10);
    for (const annotation of annotations) {
      expect(annotation).toMatch(new RegExp(`^::error title=invalid manifest,file=${TEN_MISTAKES},line=(\\d+),col=(\\d+)::${TEN_MISTAKES}:\\1:\\2 \\S+: `, 'u'));
    }
    expect(run.outputs.result).toBe('failed');
    expect(run.summary).toContain('10 problems found');
    expect(run.summary).toContain('| Where | Key | Problem |');
    expect(run.stdout).not.toMatch(/\n\s+at /u); // no stack trace
  });

  test('a missing manifest names the directory and the input to set', () => {
    const run = runAction({ command: 'validate' }, { cwd: join(scratch, '..') });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`stack.yml not found in ${join(scratch, '..')}; set the input "manifest"`);
    expect(run.outputs.result).toBe('failed');
  });

  test('an unknown command is refused before anything runs', () => {
    const run = runAction({ command: 'deploy-everything' }, { cwd: scratch });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('::error::the input "command" is "deploy-everything", which is not a command');
    expect(run.outputs.result).toBe('invalid');
  });

  test('the post step runs after the main step and succeeds', () => {
    const post = runAction({ command: 'validate' }, { cwd: scratch, state: { isPost: 'true' } });
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toContain('stack-deploy: nothing to clean up');
  });
});

describe('the bundled CLI', () => {
  test('validate prints every error and exits 1', () => {
    const run = runCliBundle(['validate', '-f', TEN_MISTAKES]);
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(10);
    for (const line of lines) expect(line.startsWith(`${TEN_MISTAKES}:`)).toBe(true);
  });

  test('validate prints one summary line and exits 0', () => {
    writeFileSync(join(scratch, 'stack.yml'), VALID);
    const run = runCliBundle(['validate'], { cwd: scratch });
    expect(run).toEqual({ exitCode: 0, stdout: 'stack.yml is valid: stack "shop", 2 services (api, web), 1 environment (production)\n', stderr: '' });
  });

  test('a usage error exits 2 with a hint', () => {
    const run = runCliBundle(['validate', '--no-such-flag']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("Unknown option '--no-such-flag'");
    expect(run.stderr).toContain('stack-deploy --help');
  });

  test('schema prints the committed JSON Schema', async () => {
    const { readFileSync } = await import('node:fs');
    const run = runCliBundle(['schema']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(readFileSync('schema/stack.schema.json', 'utf8'));
  });
});

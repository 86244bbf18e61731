import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RunContext } from '../../../src/engine/context';
import { init } from '../../../src/engine/init';
import type { Reporter } from '../../../src/engine/reporter';
import type { RunSettings } from '../../../src/engine/settings';
import { loadManifest } from '../../../src/manifest';
import { rejectionOf } from '../helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'init-'));
  mkdirSync(path.join(dir, 'api'));
  writeFileSync(path.join(dir, 'compose.yml'), 'services:\n  api:\n    build: ./api\n    ports: ["8080:8080"]\n  db:\n    image: postgres:15\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function contextFor(init: RunSettings['init'], extra: Partial<RunSettings> = {}): { context: RunContext; lines: string[] } {
  const lines: string[] = [];
  const reporter: Reporter = {
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
    group: (_title, work) => work(),
  };
  const settings = { command: 'init', manifest: path.join(dir, 'stack.yml'), services: [], lockTimeoutMs: 0, buildCache: 'off', build: true, init, ...extra } as RunSettings;
  return { context: { settings, reporter } as unknown as RunContext, lines };
}

const REQUEST = () => ({ composeFile: path.join(dir, 'compose.yml'), host: 'deploy.example.com', user: 'app', path: '/srv/shop', force: false });

describe('init', () => {
  test('writes a stack.yml that validate accepts, and prints the next steps', async () => {
    const { context, lines } = contextFor(REQUEST());
    const result = await init(context);
    expect(result.status).toBe('success');
    const loaded = await loadManifest(path.join(dir, 'stack.yml'));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.manifest.environments.production).toMatchObject({ host: 'deploy.example.com', user: 'app', path: '/srv/shop', compose: ['compose.yml'] });
    expect(loaded.manifest.services.api?.health?.http).toBe('http://127.0.0.1:8080/');
    expect(lines).toEqual(['db: left to Compose (postgres:15)']);
    const steps = result.summary.lines.join('\n');
    expect(steps).toContain('SSH_PRIVATE_KEY');
    expect(steps).toContain('SSH_KNOWN_HOSTS');
    expect(steps).toContain('ssh-keyscan -p 22 -t ed25519 deploy.example.com | ssh-keygen -lf -');
  });

  test('never overwrites an existing file without force', async () => {
    writeFileSync(path.join(dir, 'stack.yml'), 'mine\n');
    const error = await rejectionOf(() => init(contextFor(REQUEST()).context));
    expect(error.message).toBe(`${path.join(dir, 'stack.yml')} already exists; nothing was written`);
    expect(readFileSync(path.join(dir, 'stack.yml'), 'utf8')).toBe('mine\n');
    await init(contextFor({ ...REQUEST(), force: true }).context);
    expect(readFileSync(path.join(dir, 'stack.yml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*\nversion: 1\n/u);
  });

  test('writes nothing when the result would not validate, naming the bad value', async () => {
    const error = await rejectionOf(() => init(contextFor({ ...REQUEST(), path: 'relative/dir' }).context));
    expect(error.message).toMatch(/environments\.production\.path/u);
    expect(() => readFileSync(path.join(dir, 'stack.yml'))).toThrow(/ENOENT/u);
  });

  test('without flags, placeholders are written and listed', async () => {
    const { context, lines } = contextFor({ composeFile: path.join(dir, 'compose.yml'), force: false }, { environment: 'staging' });
    await init(context);
    expect(lines.at(-1)).toBe('defaults to check: environments.staging.host (deploy.example.com), environments.staging.user (deploy), environments.staging.path');
  });
});

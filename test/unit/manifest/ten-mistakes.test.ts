import { describe, expect, it } from 'vitest';
import { formatIssue, loadManifest, parseManifest } from '../../../src/manifest';
import { manifestFixturePath, readManifestFixture } from './fixtures';

describe('a manifest with ten mistakes', () => {
  it('reports all ten at once, sorted by position, with line:column and hints', () => {
    const result = parseManifest(readManifestFixture('ten-mistakes.yml'), 'stack.yml');

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual([
      'stack.yml:2:10 version: expected 1, got 2',
      'stack.yml:7:17 services.api.size_limit: expected a size like "20MB", got "20 potatoes"',
      'stack.yml:8:5 services.api.helth: unknown key (did you mean "health"?)',
      'stack.yml:13:16 services.worker.health.timeout: expected a duration like "60s", got "sixty"',
      'stack.yml:14:3 services.Admin: "Admin" is not a valid service name: use lowercase letters, digits, "-" and "_", starting with a letter or digit',
      'stack.yml:19:7 services.cache.health.cmd: use either "http" or "cmd", not both',
      'stack.yml:23:11 environments.production.port: must be at most 65535, got 70000',
      'stack.yml:25:11 environments.production.path: "opt/shop" is not an absolute path: start it with "/"',
      'stack.yml:26:35 environments.production.compose.1: "../shared/compose.yml" must stay inside the repository: remove ".." segments',
      'stack.yml:27:21 environments.production.services.1: environment "production" names unknown service "wrker" (did you mean "worker"?)',
    ]);
  });

  it('keeps hints as a separate field', () => {
    const result = parseManifest(readManifestFixture('ten-mistakes.yml'), 'stack.yml');

    expect(result.ok ? undefined : result.issues[2]).toEqual({
      file: 'stack.yml',
      line: 8,
      column: 5,
      path: 'services.api.helth',
      message: 'unknown key',
      hint: 'did you mean "health"?',
    });
  });

  it('labels issues with the file path exactly as given to loadManifest', async () => {
    const file = manifestFixturePath('ten-mistakes.yml');

    const result = await loadManifest(file);

    expect(result.ok).toBe(false);
    expect(result.file).toBe(file);
    expect(result.ok ? undefined : result.issues.map(formatIssue)[0]).toBe(`${file}:2:10 version: expected 1, got 2`);
  });
});

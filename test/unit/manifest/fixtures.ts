import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file in test/fixtures/manifests. */
export function manifestFixturePath(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/manifests/${name}`, import.meta.url));
}

export function readManifestFixture(name: string): string {
  return readFileSync(manifestFixturePath(name), 'utf8');
}

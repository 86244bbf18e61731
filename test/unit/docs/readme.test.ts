import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { type BlockChecker, blockChecker, fencedBlocks } from './readme-blocks';

/**
 * README's examples are copied by users: every yaml block must parse, every workflow example
 * must pass actionlint and every stack.yml example must pass validation. Blocks marked
 * ```yaml fragment are excerpts and only have to parse.
 */

const README = readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');

let checker: BlockChecker;
beforeAll(async () => {
  checker = await blockChecker();
});

describe('README.md', () => {
  test('every yaml example parses, workflows pass actionlint, stack.yml examples validate', () => {
    expect(checker.firstProblem(README, 'README.md')).toBeUndefined();
  });

  test('has the examples this test is for', () => {
    const yamlBlocks = fencedBlocks(README).filter((block) => block.info.startsWith('yaml'));
    const openers = yamlBlocks.map((block) => block.text.split('\n').find((line) => !line.startsWith('#')) ?? '');
    expect(openers).toContain('on:');
    expect(openers).toContain('version: 1');
  });
});

describe('the README check', () => {
  const wrap = (info: string, body: string, indent = '') =>
    ['# Title', '', 'Text.', '', `${indent}\`\`\`${info}`, ...body.split('\n').map((line) => `${indent}${line}`), `${indent}\`\`\``, ''].join('\n');

  test('finds blocks inside list items, with their line', () => {
    const blocks = fencedBlocks(`1. Step:\n\n${wrap('yaml', 'a: 1\nb:\n  c: 2', '   ')}`);
    expect(blocks).toEqual([{ info: 'yaml', text: 'a: 1\nb:\n  c: 2\n', line: 8 }]);
  });

  test('names the line of a block that does not parse', () => {
    expect(checker.firstProblem(wrap('yaml fragment', 'a: 1\nb: [\n'), 'README.md')).toMatch(/^README\.md:\d+: the yaml block starting at line 6 does not parse/u);
  });

  test('flags a workflow example with a stray line above on:', () => {
    const workflow = '- uses: actions/checkout@v4\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]';
    expect(checker.firstProblem(wrap('yaml', workflow), 'README.md')).toMatch(/^README\.md:\d+: the yaml block starting at line 6 does not parse/u);
  });

  test('runs actionlint on workflow examples', () => {
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: x }\n        run: echo';
    expect(checker.firstProblem(wrap('yaml', workflow), 'README.md')).toMatch(/^README\.md:13: workflow example: actionlint: /u);
  });

  test('validates stack.yml examples and names the bad key', () => {
    const manifest = 'version: 1\nname: shop\nservices:\n  api:\n    helth: { http: http://127.0.0.1/ }\nenvironments:\n  production: { host: h, user: u, path: /opt/shop }';
    expect(checker.firstProblem(wrap('yaml', manifest), 'README.md')).toBe(
      'README.md:10: stack.yml example: stack.yml:5:5 services.api.helth: unknown key (did you mean "health"?)',
    );
  });

  test('validates a stack.yml example against the compose file shown before it', () => {
    const compose = wrap('yaml compose.yml', 'services:\n  api: { image: ghcr.io/acme/api }\n  postgres: { image: postgres:15.6 }');
    const stack = (services: string) =>
      wrap('yaml', `version: 1\nname: shop\nservices:\n${services}\nenvironments:\n  production: { host: h, user: u, path: /opt/shop, compose: compose.yml }`);
    expect(checker.firstProblem(`${compose}${stack('  api: { build: {} }')}`, 'README.md')).toBeUndefined();
    expect(checker.firstProblem(`${compose}${stack('  api: { build: {} }\n  web: { build: {} }')}`, 'README.md')).toMatch(/stack\.yml example: .*services\.web: service "web" is not defined in the compose files of environment "production"/u);
  });

  test('refuses an unmarked excerpt, accepts it marked as a fragment', () => {
    expect(checker.firstProblem(wrap('yaml', 'smoke: []'), 'README.md')).toMatch(/^README\.md:6: a yaml block that is neither/u);
    expect(checker.firstProblem(wrap('yaml fragment', 'smoke: []'), 'README.md')).toBeUndefined();
  });
});

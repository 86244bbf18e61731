import { describe, expect, it, test } from 'vitest';
import { formatIssue, parseManifest } from '../../../src/manifest';

const VALID_LINES = [
  'version: 1',
  'name: shop',
  'services:',
  '  api: {}',
  '  worker: {}',
  'environments:',
  '  production:',
  '    host: deploy.example.com',
  '    user: deploy',
  '    path: /opt/shop',
  '    compose: [deploy/compose.yml]',
];

function messages(text: string, file = 'stack.yml'): string[] {
  const result = parseManifest(text, file);
  return result.ok ? [] : result.issues.map(formatIssue);
}

/** The valid manifest above with `extra` lines appended (at line 12 and on). */
function withLines(...extra: string[]): string {
  return [...VALID_LINES, ...extra, ''].join('\n');
}

/** The valid manifest with line `lineNumber` (1-based) replaced. */
function withLineReplaced(lineNumber: number, replacement: string): string {
  return [...VALID_LINES.slice(0, lineNumber - 1), replacement, ...VALID_LINES.slice(lineNumber), ''].join('\n');
}

describe('the base manifest of these tests', () => {
  it('is valid', () => {
    expect(parseManifest(withLines(), 'stack.yml').ok).toBe(true);
  });
});

describe('YAML problems', () => {
  it('reports a syntax error at the parser position', () => {
    expect(messages('version: 1\nservices: [api, worker\nname: shop\n')).toEqual([
      'stack.yml:3:1: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports tabs used for indentation', () => {
    expect(messages('version: 1\nservices:\n\tapi: {}\n')).toEqual(['stack.yml:3:1: tabs are not allowed for indentation: use spaces']);
  });

  it('reports several documents', () => {
    expect(messages('version: 1\n---\nname: shop\n')).toEqual([
      'stack.yml:2:1: expected one YAML document, found several (separated by "---")',
    ]);
  });

  it('reports a duplicate key at its second occurrence, naming the key', () => {
    const text = withLineReplaced(5, '  worker: {}\n  api: { image: ghcr.io/acme/api }');
    expect(messages(text)).toEqual(['stack.yml:6:3 services.api: duplicate key "api" (first defined on line 4)']);
  });

  test.each([
    ['an empty file', ''],
    ['only comments', '# nothing here yet\n'],
    ['an explicit null', '~\n'],
  ])('reports %s once', (_label, text) => {
    expect(messages(text)).toEqual([
      'stack.yml:1:1: the file is empty: expected a mapping with "version", "name", "services" and "environments"',
    ]);
  });

  test.each([
    ['a list', '- version: 1\n', 'stack.yml:1:1: expected a mapping, got a list'],
    ['a string', 'hello\n', 'stack.yml:1:1: expected a mapping, got "hello"'],
  ])('reports a top level that is %s', (_label, text, message) => {
    expect(messages(text)).toEqual([message]);
  });

  it('displays the file path as given', () => {
    expect(messages('', 'examples/stack.yml')[0]).toMatch(/^examples\/stack\.yml:1:1: /u);
  });
});

describe('schema problems', () => {
  it('points at the parent key for a missing key, and at 1:1 for a missing top-level key', () => {
    expect(messages(withLineReplaced(9, '    port: 22').replace('name: shop\n', ''))).toEqual([
      'stack.yml:1:1 name: required key is missing',
      'stack.yml:6:3 environments.production.user: required key is missing',
    ]);
  });

  it('reports an unknown key at the key, with a hint only when a key is close', () => {
    expect(messages(withLines('hooks:', '  pre_deplyo: []', '  whatever: []'))).toEqual([
      'stack.yml:13:3 hooks.pre_deplyo: unknown key (did you mean "pre_deploy"?)',
      'stack.yml:14:3 hooks.whatever: unknown key',
    ]);
  });

  it('suggests top-level keys too', () => {
    expect(messages(withLines('enviroments: {}'))).toEqual(['stack.yml:12:1 enviroments: unknown key (did you mean "environments"?)']);
  });

  test.each([
    ['empty services', 'services: {}', 'services', 'must define at least 1 service'],
    ['services as a list', 'services: [api]', 'services', 'expected a mapping, got a list'],
    ['a number for a string', 'name: 42', 'name', 'expected a string, got 42'],
    ['an empty value', 'name:', 'name', 'expected a string, got nothing'],
    ['version as a string', 'version: "1"', 'version', 'expected 1, got "1"'],
  ])('%s', (_label, line, path, message) => {
    const lines = VALID_LINES.filter((existing) => !existing.startsWith(`${path}:`) && !existing.startsWith('  '));
    const text = [...lines, line, ''].join('\n');
    const found = messages(text).filter((formatted) => formatted.includes(` ${path}: `));
    expect(found.map((formatted) => formatted.replace(/^stack\.yml:\d+:\d+ [^:]+: /u, ''))).toEqual([message]);
  });

  it('reports an empty services mapping at its value', () => {
    const text = withLineReplaced(3, 'services: {}').replace('  api: {}\n  worker: {}\n', '');
    expect(messages(text)).toEqual(['stack.yml:3:11 services: must define at least 1 service']);
  });

  it('lists the allowed values of an enum', () => {
    expect(messages(withLineReplaced(4, '  api: { build: { network: bridge } }'))).toEqual([
      'stack.yml:4:28 services.api.build.network: expected one of: default, host, none',
    ]);
  });

  it('lists the switch strategies, and reads drain_timeout as a duration', () => {
    expect(messages(withLineReplaced(4, '  api: { build: {}, switch: blue-green, drain_timeout: 30 }'))).toEqual([
      'stack.yml:4:29 services.api.switch: expected one of: auto, proxy, start-first, stop-first',
      'stack.yml:4:56 services.api.drain_timeout: expected a duration like "60s", got 30 (add a unit, like "30s")',
    ]);
    expect(messages(withLineReplaced(4, '  api: { build: {}, switch: proxy, drain_timeout: 45s }'))).toEqual([]);
  });

  it('reports a bad image reference with the reason', () => {
    expect(
      messages(
        withLineReplaced(4, '  api: { build: {}, image: ghcr.io/acme/api:1.0 }').replace(
          '  worker: {}',
          '  worker: { image: GHCR.io/Acme/worker }',
        ),
      ),
    ).toEqual([
      'stack.yml:4:28 services.api.image: "ghcr.io/acme/api:1.0" must not include a tag for a built service: stack-deploy chooses the tag to deploy',
      'stack.yml:5:20 services.worker.image: "GHCR.io/Acme/worker" must be lowercase',
    ]);
  });

  it('reports keys that do not go together in a service', () => {
    expect(
      messages(
        withLineReplaced(4, '  api: { build: {}, image_from: worker }').replace(
          '  worker: {}',
          '  worker: { image: postgres:15, release_tag: db-v* }',
        ),
      ),
    ).toEqual([
      'stack.yml:4:21 services.api.image_from: use either "build" or "image_from", not both: a service that shares another one\'s image is not built itself',
      'stack.yml:5:33 services.worker.release_tag: only built services have a release tag',
    ]);
  });

  it('reports image_from naming a service that is not built', () => {
    expect(messages(withLineReplaced(4, '  api: { image_from: worker }'))).toEqual([
      'stack.yml:4:22 services.api.image_from: names service "worker", which is not built by stack-deploy (it has no "build")',
    ]);
  });
});

describe('cross-section checks', () => {
  it('reports unknown services named by environments, backups and migrations', () => {
    expect(
      messages(
        withLines(
          '    services: [api, wrker]',
          'backup:',
          '  - { name: db, service: postgres, command: [pg_dump] }',
          'migrations: { service: apj, command: [./migrate] }',
        ),
      ),
    ).toEqual([
      'stack.yml:12:21 environments.production.services.1: environment "production" names unknown service "wrker" (did you mean "worker"?)',
      'stack.yml:14:26 backup.0.service: backup "db" names unknown service "postgres"',
      'stack.yml:15:24 migrations.service: migrations names unknown service "apj" (did you mean "api"?)',
    ]);
  });

  it('reports duplicate names in backup and smoke lists at the second name', () => {
    expect(
      messages(
        withLines(
          'backup:',
          '  - { name: db, service: api, command: [dump] }',
          '  - { name: db, service: api, sqlite: /data/app.db }',
          'smoke:',
          '  - { name: home, http: "http://127.0.0.1/" }',
          '  - { name: home, run: [./smoke.sh] }',
        ),
      ),
    ).toEqual([
      'stack.yml:14:13 backup.1.name: backup name "db" is already used by backup.0',
      'stack.yml:17:13 smoke.1.name: smoke name "home" is already used by smoke.0',
    ]);
  });

  it('requires exactly one of the alternative keys', () => {
    expect(
      messages(
        withLines(
          'backup:',
          '  - { name: db, service: api }',
          'smoke:',
          '  - name: home',
          '    http: "http://127.0.0.1/"',
          '    run: [./smoke.sh]',
          '  - { name: suite, run: [./smoke.sh], expect: { status: 204 } }',
        ),
      ),
    ).toEqual([
      'stack.yml:13:5 backup.0: needs either "command" or "sqlite"',
      'stack.yml:17:5 smoke.0.run: use either "http" or "run", not both',
      'stack.yml:18:39 smoke.1.expect: "expect" only applies together with "http"',
    ]);
  });
});

describe('smoke checks', () => {
  it('refuses a body_contains with a line break, which the host would match line by line', () => {
    expect(
      messages(
        withLines(
          'smoke:',
          '  - name: home',
          '    http: "http://127.0.0.1/"',
          '    expect: { body_contains: "Welcome\\nanything" }',
        ),
      ),
    ).toEqual([
      'stack.yml:15:30 smoke.0.expect.body_contains: must be one line: a line break would let any body that contains one of its lines pass',
    ]);
  });
});

describe('hostile values are rejected by the schema', () => {
  test.each([
    [2, 'name: "shop; rm -rf /"', 'stack.yml:2:7 name: "shop; rm -rf /" is not a valid stack name: use lowercase letters, digits, "-" and "_", starting with a letter or digit'],
    [10, '    path: /opt/$(id)', 'stack.yml:10:11 environments.production.path: "/opt/$(id)" is not a valid path: use only letters, digits, ".", "_", "-" and "/"'],
    [10, '    path: /opt/../etc', 'stack.yml:10:11 environments.production.path: "/opt/../etc" must not contain ".." segments'],
    [11, '    compose: "a b.yml"', 'stack.yml:11:14 environments.production.compose: "a b.yml" is not a valid compose file: use only letters, digits, ".", "_", "-" and "/", not starting with "-"'],
    [11, '    compose: [/etc/compose.yml]', 'stack.yml:11:15 environments.production.compose.0: "/etc/compose.yml" is absolute: a compose file must be relative to the directory of stack.yml'],
    [8, '    host: "x;touch /tmp/pwned"', 'stack.yml:8:11 environments.production.host: "x;touch /tmp/pwned" is not a valid host: use a host name or an IP address'],
    [8, '    host: -oProxyCommand=id', 'stack.yml:8:11 environments.production.host: "-oProxyCommand=id" is not a valid host: use a host name or an IP address'],
    [9, '    user: "root --"', 'stack.yml:9:11 environments.production.user: "root --" is not a valid user name: use lowercase letters, digits, "-" and "_", starting with a letter or "_"'],
    [7, '  "prod$(id)":', 'stack.yml:7:3 environments.prod$(id): "prod$(id)" is not a valid environment name: use lowercase letters, digits, "-" and "_", starting with a letter or digit'],
  ])('line %i: %s', (lineNumber, replacement, message) => {
    expect(messages(withLineReplaced(lineNumber, replacement))).toEqual([message]);
  });
});

describe('environments that share a host', () => {
  const two = (production: string, staging: string) =>
    messages(
      [
        'version: 1',
        'name: shop',
        'services:',
        '  api: {}',
        'environments:',
        `  production: { host: deploy.example.com, user: deploy, compose: compose.yml, ${production} }`,
        `  staging: { host: deploy.example.com, user: deploy, compose: compose.yml, ${staging} }`,
        '',
      ].join('\n'),
    );

  it('are refused when they share a path, naming both and the key to change', () => {
    expect(two('path: /opt/shop', 'path: /opt/shop/')).toEqual([
      'stack.yml:7:82 environments.staging.path: environments "production" and "staging" share host "deploy.example.com" and path "/opt/shop": their locks, env files, ledgers and backups would be one (give environments.staging.path a directory of its own)',
    ]);
  });

  it('are refused when they share a Compose project', () => {
    expect(two('path: /opt/shop, project: shop', 'path: /opt/shop-staging, project: shop')).toEqual([
      'stack.yml:7:110 environments.staging.project: environments "production" and "staging" share host "deploy.example.com" and Compose project "shop": one would replace the other\'s containers (set environments.staging.project to a name of its own)',
    ]);
  });

  it('are accepted with paths and projects of their own (projects default to <name>-<environment>)', () => {
    expect(two('path: /opt/shop', 'path: /opt/shop-staging')).toEqual([]);
    expect(two('path: /opt/shop', 'path: /opt/shop-staging, project: shop-production')).toHaveLength(1);
  });
});

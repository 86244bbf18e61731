import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { parseDotenv } from '../../../src/compose/dotenv';
import { interpolate } from '../../../src/compose/interpolate';
import { dependencyClosure, readComposeFiles } from '../../../src/compose/model';

const vars = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('interpolate', () => {
  test.each([
    ['${A}', { A: 'x' }, 'x'],
    ['$A/$B', { A: 'x', B: 'y' }, 'x/y'],
    ['${A:-def}', {}, 'def'],
    ['${A:-def}', { A: '' }, 'def'],
    ['${A-def}', { A: '' }, ''],
    ['${A:+set}', { A: 'v' }, 'set'],
    ['${A:+set}', { A: '' }, ''],
    ['${A+set}', { A: '' }, 'set'],
    ['${A:-${B:-deep}}', {}, 'deep'],
    ['$$A and $${B}', { A: 'x' }, '$A and ${B}'],
    ['cost: 5$', {}, 'cost: 5$'],
    ['${UNSET}', {}, ''],
  ])('%s with %j is %j', (text, entries, expected) => {
    expect(interpolate(text, vars(entries))).toEqual({ value: expected, missing: [] });
  });

  it('reports required variables that are missing, with their message', () => {
    expect(interpolate('${A:?set A first}/${B?}/${C:?}', vars({ C: '' })).missing).toEqual([
      { name: 'A', message: 'set A first' },
      { name: 'B', message: 'required variable B is missing a value' },
      { name: 'C', message: 'required variable C is missing a value' },
    ]);
  });

  it('does not report them when the variables are not known', () => {
    expect(interpolate('${A:?set A first}', vars({}), false).missing).toEqual([]);
  });
});

describe('parseDotenv', () => {
  it('reads values as Compose does: comments, export, quotes and escapes', () => {
    const env = parseDotenv(['# comment', 'export A=1', 'B = two # inline comment', "C='single # kept'", 'D="dq \\"x\\" \\n"', 'E=', 'A=3'].join('\n'));
    expect(Object.fromEntries(env)).toEqual({ A: '3', B: 'two', C: 'single # kept', D: 'dq "x" \n', E: '' });
  });
});

describe('readComposeFiles', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'compose-model-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('merges several files in order: later images win, depends_on and ports add up', async () => {
    await writeFile(join(dir, 'a.yml'), 'services:\n  api:\n    image: reg/api\n    depends_on: [db]\n    ports: ["127.0.0.1:8080:80"]\n  db:\n    image: postgres:15\n');
    await writeFile(join(dir, 'b.yml'), 'services:\n  api:\n    depends_on: { queue: { condition: service_healthy } }\n    ports: [{ target: 81, published: "8081" }]\n  db:\n    image: postgres:16\n    healthcheck: { test: [CMD, pg_isready] }\n  queue:\n    image: nats:2.10\n');
    const model = await readComposeFiles({ dir, files: ['a.yml', 'b.yml'] });
    expect(model.issues).toEqual([]);
    const api = model.services.find((s) => s.name === 'api');
    expect(api).toMatchObject({ image: 'reg/api', dependsOn: ['db', 'queue'], ports: [{ hostIp: '127.0.0.1', published: '8080', target: '80' }, { published: '8081', target: '81' }], where: { file: 'a.yml', line: 2 } });
    expect(model.services.find((s) => s.name === 'db')).toMatchObject({ image: 'postgres:16', healthcheck: true });
    expect(dependencyClosure(model, ['api'])).toEqual(['api', 'db', 'queue']);
  });

  it('reads ports in the short and the long syntax: host address, fixed or chosen host port, protocol', async () => {
    const ports = ['"8080:80"', '"127.0.0.1:8081:81"', '"82"', '"127.0.0.1::83"', '"[::1]:8084:84"', '"5353:53/udp"', '"8000-8001:90-91"', '{ target: 95, published: 9095 }', '{ target: 96, host_ip: 127.0.0.1, published: "9096", protocol: udp }', '{ target: 97 }'];
    await writeFile(join(dir, 'p.yml'), `services:\n  api:\n    image: a\n    ports:\n${ports.map((p) => `      - ${p}\n`).join('')}`);
    const model = await readComposeFiles({ dir, files: ['p.yml'] });
    expect(model.services[0]?.ports).toEqual([
      { published: '8080', target: '80', protocol: 'tcp' },
      { hostIp: '127.0.0.1', published: '8081', target: '81', protocol: 'tcp' },
      { target: '82', protocol: 'tcp' },
      { hostIp: '127.0.0.1', target: '83', protocol: 'tcp' },
      { hostIp: '[::1]', published: '8084', target: '84', protocol: 'tcp' },
      { published: '5353', target: '53', protocol: 'udp' },
      { published: '8000-8001', target: '90-91', protocol: 'tcp' },
      { published: '9095', target: '95', protocol: 'tcp' },
      { hostIp: '127.0.0.1', published: '9096', target: '96', protocol: 'udp' },
      { target: '97', protocol: 'tcp' },
    ]);
  });

  it('tells named volumes from bind mounts, anonymous volumes and tmpfs, merged by target across files', async () => {
    const volumes = ['"./data:/data"', '"/srv/x:/x:ro"', '"~/cache:/cache"', '"../shared:/shared"', '"dbdata:/var/lib/db"', '"logs:/logs:rw"', '"/anonymous"', '{ type: volume, source: uploads, target: /uploads }', '{ type: bind, source: ./conf, target: /conf }', '{ type: volume, target: /scratch }', '{ type: tmpfs, target: /tmp }', '"replaced:/replaced"'];
    await writeFile(join(dir, 'v1.yml'), `services:\n  db:\n    image: postgres:15\n    volumes:\n${volumes.map((v) => `      - ${v}\n`).join('')}  app:\n    image: a\n    volumes: ["./src:/src"]\n`);
    await writeFile(join(dir, 'v2.yml'), 'services:\n  db:\n    volumes: ["./host:/replaced", "dbdata:/again"]\n');
    const model = await readComposeFiles({ dir, files: ['v1.yml', 'v2.yml'] });
    expect(model.all.find((s) => s.name === 'db')?.namedVolumes).toEqual(['dbdata', 'logs', 'uploads']);
    expect(model.all.find((s) => s.name === 'app')?.namedVolumes).toEqual([]);
  });

  it('reads container_name and network_mode, the last file winning', async () => {
    await writeFile(join(dir, 'n1.yml'), 'services:\n  api:\n    image: a\n    container_name: shop-api\n    network_mode: bridge\n');
    await writeFile(join(dir, 'n2.yml'), 'services:\n  api:\n    network_mode: host\n');
    const model = await readComposeFiles({ dir, files: ['n1.yml', 'n2.yml'] });
    expect(model.services[0]).toMatchObject({ containerName: 'shop-api', networkMode: 'host' });
  });

  it('keeps only the services of the enabled profiles', async () => {
    await writeFile(join(dir, 'c.yml'), 'services:\n  api: { image: a }\n  debug: { image: b, profiles: [debug] }\n  admin: { image: c, profiles: [ops, admin] }\n');
    const names = async (profiles?: string) => (await readComposeFiles({ dir, files: ['c.yml'], variables: vars(profiles === undefined ? {} : { COMPOSE_PROFILES: profiles }) })).services.map((s) => s.name);
    expect(await names()).toEqual(['api']);
    expect(await names('admin')).toEqual(['api', 'admin']);
    expect(await names('debug, ops')).toEqual(['api', 'debug', 'admin']);
    expect((await readComposeFiles({ dir, files: ['c.yml'] })).all.map((s) => s.name)).toEqual(['api', 'debug', 'admin']);
  });

  it('interpolates ${VAR} from the env file and reports required variables where they are used', async () => {
    await writeFile(join(dir, 'd.yml'), 'services:\n  queue:\n    image: ${REGISTRY:-reg.example}/queue:${QUEUE_TAG:?set QUEUE_TAG}\n    ports: ["${QUEUE_PORT}:4222"]\n');
    const known = await readComposeFiles({ dir, files: ['d.yml'], variables: vars({ QUEUE_TAG: '2.10', QUEUE_PORT: '14222' }) });
    expect(known.services[0]).toMatchObject({ image: 'reg.example/queue:2.10', ports: [{ published: '14222', target: '4222' }] });
    const missing = await readComposeFiles({ dir, files: ['d.yml'], variables: vars({}) });
    expect(missing.issues).toEqual([{ file: 'd.yml', line: 3, column: 12, path: 'services.queue.image', message: 'set QUEUE_TAG', hint: expect.stringContaining('env') }]);
    expect((await readComposeFiles({ dir, files: ['d.yml'] })).issues).toEqual([]);
  });

  it('locates a file that does not parse, and one that cannot be read', async () => {
    await writeFile(join(dir, 'bad.yml'), 'services:\n  api:\n    image: [unclosed\n');
    const model = await readComposeFiles({ dir, files: ['bad.yml', 'missing.yml'] });
    expect(model.issues).toEqual([
      expect.objectContaining({ file: 'bad.yml', line: 4, message: expect.stringMatching(/^the compose file does not parse: /u) }),
      expect.objectContaining({ file: 'missing.yml', line: 1, column: 1, message: 'the compose file missing.yml cannot be read' }),
    ]);
  });
});

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { StackDeployError } from '../../../src/errors';
import { TarReader, type TarLinkEntry } from '../../../src/build/tar';
import { seededRandom } from '../helpers';

/** Deterministic PRNG (mulberry32): the same seed gives the same chunkings on every run. */

function randomBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** `archive` cut into pieces of 1..maxChunk bytes. */
function chunked(archive: Buffer, seed: number, maxChunk: number): Buffer[] {
  const random = seededRandom(seed);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < archive.length; ) {
    const size = 1 + Math.floor(random() * maxChunk);
    chunks.push(archive.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** Buffers compared by digest: deep equality on large buffers is slow. */
function digests(files: ReadonlyMap<string, Buffer | undefined>): Map<string, string> {
  return new Map([...files].map(([name, content]) => [name, createHash('sha256').update(content ?? '').digest('hex')]));
}

interface ReadArchive {
  files: Map<string, Buffer>;
  links: TarLinkEntry[];
  finished: boolean;
}

function readArchive(chunks: readonly Buffer[], skip: (name: string) => boolean = () => false): ReadArchive {
  const files = new Map<string, Buffer>();
  const links: TarLinkEntry[] = [];
  const reader = new TarReader({
    onFile: ({ name, size }) => {
      if (skip(name)) {
        files.set(name, Buffer.alloc(0));
        return undefined;
      }
      const parts: Buffer[] = [];
      return {
        write: (data) => parts.push(Buffer.from(data)),
        end: () => {
          const content = Buffer.concat(parts);
          expect(content.length, `data of ${name}`).toBe(size);
          files.set(name, content);
        },
      };
    },
    onLink: (link) => links.push(link),
  });
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return { files, links, finished: reader.finished };
}

const LONG_DIRECTORY = `deep/${'d'.repeat(60)}/${'e'.repeat(60)}`;
const LONG_FILE_NAME = `${'f'.repeat(120)}.bin`;

/** Files of the fixture tree: small, empty, block-sized, block+1, large, long path, non-ASCII. */
function fixtureFiles(): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['hello.txt', Buffer.from('hello, tar\n')],
    ['empty', Buffer.alloc(0)],
    ['block-512', randomBytes(512, 1)],
    ['block-513', randomBytes(513, 2)],
    ['big/random.bin', randomBytes(300_000, 3)],
    [`${LONG_DIRECTORY}/short.txt`, Buffer.from('under a path longer than 100 characters\n')],
    [`${LONG_DIRECTORY}/${LONG_FILE_NAME}`, randomBytes(5000, 4)],
    ['ünïcødé/naïve.txt', Buffer.from('non-ASCII name\n')],
  ]);
}

const SYMLINK = { name: 'link-to-hello', target: 'hello.txt' };
const LONG_SYMLINK = { name: 'long-link', target: `${LONG_DIRECTORY}/${LONG_FILE_NAME}` };

let workDir: string;
let tree: string;
const files = fixtureFiles();

function makeArchive(name: string, tarOptions: readonly string[], members: readonly string[]): Buffer {
  const archive = join(workDir, name);
  execFileSync('tar', [...tarOptions, '-cf', archive, '-C', tree, ...members]);
  return readFileSync(archive);
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'stack-deploy-tar-'));
  tree = join(workDir, 'tree');
  for (const [name, content] of files) {
    mkdirSync(dirname(join(tree, name)), { recursive: true });
    writeFileSync(join(tree, name), content);
  }
  symlinkSync(SYMLINK.target, join(tree, SYMLINK.name));
  symlinkSync(LONG_SYMLINK.target, join(tree, LONG_SYMLINK.name));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Every name ustar can store: a final component of at most 100 bytes, no link target over 100. */
const USTAR_NAMES = [...files.keys()].filter((name) => !name.endsWith(LONG_FILE_NAME));

describe('TarReader on archives made by the system tar', () => {
  const formats: [string, string[], () => string[], () => string[]][] = [
    ['GNU (long names as "L"/"K" entries)', ['--format=gnu'], () => [...files.keys()], () => [SYMLINK.name, LONG_SYMLINK.name]],
    ['pax (long names as "x" headers)', ['--format=pax'], () => [...files.keys()], () => [SYMLINK.name, LONG_SYMLINK.name]],
    [
      'pax with a global "g" header',
      ['--format=pax', '--pax-option=comment=made-for-a-test'],
      () => [...files.keys()],
      () => [SYMLINK.name],
    ],
    ['ustar (long paths split into prefix and name)', ['--format=ustar'], () => USTAR_NAMES, () => [SYMLINK.name]],
  ];

  test.each(formats)('%s: every file, whole and in random chunkings', (_format, tarOptions, members, links) => {
    const archive = makeArchive(`${tarOptions.join('')}.tar`, tarOptions, [...members(), ...links()]);
    const expectedFiles = new Map(members().map((name) => [name, files.get(name)]));
    const expectedLinks = [
      { name: SYMLINK.name, linkName: SYMLINK.target, kind: 'symlink' },
      { name: LONG_SYMLINK.name, linkName: LONG_SYMLINK.target, kind: 'symlink' },
    ].filter((link) => links().includes(link.name));

    const chunkings: [string, Buffer[]][] = [
      ['whole', [archive]],
      ['1-byte chunks', chunked(archive, 0, 1)],
      ...[1, 2, 3].map((seed): [string, Buffer[]] => [`chunks of 1..700 bytes, seed ${seed}`, chunked(archive, seed, 700)]),
      ...[4, 5].map((seed): [string, Buffer[]] => [`chunks of 1..70000 bytes, seed ${seed}`, chunked(archive, seed, 70_000)]),
    ];
    for (const [, chunks] of chunkings) {
      const read = readArchive(chunks);
      expect(digests(read.files)).toEqual(digests(expectedFiles));
      expect(read.links).toEqual(expectedLinks);
      expect(read.finished).toBe(true);
    }
  });

  test('a file whose data is skipped does not disturb the entries after it', () => {
    const archive = makeArchive('skip.tar', ['--format=gnu'], [...files.keys()]);
    const read = readArchive(chunked(archive, 9, 1000), (name) => name === 'big/random.bin');
    expect(read.files.get('big/random.bin')).toEqual(Buffer.alloc(0));
    const expected = new Map(files);
    expected.set('big/random.bin', Buffer.alloc(0));
    expect(digests(read.files)).toEqual(digests(expected));
  });

  test('directories are skipped; bytes after the end-of-archive marker are ignored', () => {
    const archive = makeArchive('dirs.tar', [], ['big', 'hello.txt']);
    const read = readArchive([archive, Buffer.from('trailing garbage that is not a tar header')]);
    expect([...read.files.keys()]).toEqual(['big/random.bin', 'hello.txt']);
  });

  test.each<[string, (archive: Buffer) => Buffer, RegExp]>([
    ['truncated inside a file', (archive) => archive.subarray(0, 512 + 100), /truncated/u],
    ['truncated inside a header', (archive) => archive.subarray(0, 200), /truncated/u],
    [
      'a corrupted header',
      (archive) => {
        const copy = Buffer.from(archive);
        copy[10] = (copy[10] ?? 0) ^ 0xff;
        return copy;
      },
      /checksum/u,
    ],
    ['not a tar archive', () => Buffer.from('{"this": "is JSON, not tar"}'.padEnd(1024, ' ')), /checksum|unreadable/u],
  ])('refuses %s', (_case, damage, message) => {
    const archive = makeArchive('damaged.tar', ['--format=gnu'], ['hello.txt', 'big']);
    const run = () => readArchive(chunked(damage(archive), 7, 300));
    expect(run).toThrow(StackDeployError);
    expect(run).toThrow(message);
  });
});

/** One hand-written header: for fields the system tar only writes for huge files. */
function handMadeHeader(name: string, sizeField: Buffer): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  sizeField.copy(header, 124);
  header.write('0', 156, 'latin1');
  header.write('ustar\0' + '00', 257, 'latin1');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}

test('reads a size written in base-256 (GNU, for files of 8 GiB and more)', () => {
  const data = randomBytes(700, 11);
  const size = Buffer.alloc(12);
  size[0] = 0x80;
  size.writeUInt32BE(data.length, 8);
  const archive = Buffer.concat([handMadeHeader('huge.bin', size), data, Buffer.alloc(512 - (data.length % 512)), Buffer.alloc(1024)]);
  const read = readArchive(chunked(archive, 12, 100));
  expect(read.files).toEqual(new Map([['huge.bin', data]]));
});

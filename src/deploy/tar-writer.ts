/** A file to put in an archive: path relative to the archive root, content, permission bits. */
export interface ArchiveFile {
  readonly path: string;
  readonly content: string | Buffer;
  readonly mode: number;
}

function field(text: string, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  buffer.write(text, 'utf8');
  return buffer;
}

function octal(value: number, length: number): Buffer {
  return field(`${value.toString(8).padStart(length - 1, '0')}\0`, length);
}

/**
 * A ustar archive of regular files, for sending several files in one command. Paths must fit
 * ustar's 100-byte name field (stack-deploy's own paths and validated compose paths do).
 */
export function createTar(files: readonly ArchiveFile[], mtime: Date): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const data = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8');
    if (Buffer.byteLength(file.path) > 100) throw new Error(`archive path too long: ${file.path}`);
    const header = Buffer.concat([
      field(file.path, 100),
      octal(file.mode & 0o7777, 8),
      octal(0, 8),
      octal(0, 8),
      octal(data.length, 12),
      octal(Math.floor(mtime.getTime() / 1000), 12),
      Buffer.from('        '),
      Buffer.from('0'),
      field('', 100),
      field('ustar\0', 6),
      field('00', 2),
      field('', 32),
      field('', 32),
      octal(0, 8),
      octal(0, 8),
      field('', 155),
      field('', 12),
    ]);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

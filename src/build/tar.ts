import { StackDeployError } from '../errors';

/**
 * A streaming tar reader: push the archive's bytes in chunks of any size and it reports each
 * regular file as it starts and hands its data over in order, holding at most one 512-byte
 * header (plus long-name and pax records) in memory. Reads ustar and GNU tar, GNU long names
 * and long link names (`L`, `K`) and pax extended headers (`x`, and global `g`) for `path`,
 * `linkpath` and `size`. Directories, devices and other entry types are skipped.
 */

/** A regular file about to be read. */
export interface TarFileEntry {
  /** The path inside the archive, as written (no leading "./" stripped). */
  readonly name: string;
  /** Data bytes that follow. */
  readonly size: number;
}

/** A symbolic or hard link. A symlink's target is relative to its own directory, a hard link's to the archive root. */
export interface TarLinkEntry {
  readonly name: string;
  readonly linkName: string;
  readonly kind: 'symlink' | 'hardlink';
}

/** Receives one regular file's data. */
export interface TarFileSink {
  /**
   * The next piece of the file's data. It may be a view into the chunk given to `push`:
   * copy it to keep it once that chunk may be reused.
   */
  write(data: Buffer): void;
  /** All data has been written. */
  end(): void;
}

export interface TarReaderHandlers {
  /** A regular file starts. Return a sink for its data, or undefined to skip the data. */
  onFile(entry: TarFileEntry): TarFileSink | undefined;
  onLink?(entry: TarLinkEntry): void;
}

const BLOCK = 512;
/** Long names and pax records larger than this are refused: no real archive has them. */
const MAX_METADATA_BYTES = 1024 * 1024;

interface PendingNames {
  path?: string;
  linkPath?: string;
  size?: number;
}

type Phase =
  | { readonly kind: 'header' }
  /** Data of a regular file, then padding. */
  | { readonly kind: 'file'; remaining: number; readonly padding: number; readonly sink: TarFileSink | undefined }
  /** Data of a long name or pax record, collected whole. */
  | { readonly kind: 'metadata'; readonly type: MetadataType; readonly size: number; readonly parts: Buffer[]; received: number }
  /** Bytes to drop (skipped entries and padding). */
  | { readonly kind: 'skip'; remaining: number }
  | { readonly kind: 'finished' };

type MetadataType = 'L' | 'K' | 'x' | 'g';

export class TarReader {
  readonly #handlers: TarReaderHandlers;
  readonly #header = Buffer.alloc(BLOCK);
  #headerFill = 0;
  #phase: Phase = { kind: 'header' };
  /** Zero blocks seen in a row: two end the archive. */
  #zeroBlocks = 0;
  /** Set by `L`, `K` and `x` entries for the next entry only. */
  #next: PendingNames = {};
  /** Set by `g` entries for every following entry. */
  #global: PendingNames = {};
  #bytesRead = 0;

  constructor(handlers: TarReaderHandlers) {
    this.#handlers = handlers;
  }

  /** True once the end-of-archive marker (two zero blocks) has been read. */
  get finished(): boolean {
    return this.#phase.kind === 'finished';
  }

  /** Feeds the next bytes of the archive. Bytes after the end-of-archive marker are ignored. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const phase = this.#phase;
      switch (phase.kind) {
        case 'finished':
          this.#bytesRead += chunk.length - offset;
          return;
        case 'header': {
          const take = Math.min(BLOCK - this.#headerFill, chunk.length - offset);
          chunk.copy(this.#header, this.#headerFill, offset, offset + take);
          this.#headerFill += take;
          offset += take;
          if (this.#headerFill === BLOCK) {
            this.#headerFill = 0;
            this.#readHeader();
            this.#bytesRead += BLOCK;
          }
          break;
        }
        case 'file': {
          const take = Math.min(phase.remaining, chunk.length - offset);
          if (take > 0) phase.sink?.write(chunk.subarray(offset, offset + take));
          phase.remaining -= take;
          offset += take;
          this.#bytesRead += take;
          if (phase.remaining === 0) {
            phase.sink?.end();
            this.#phase = phase.padding > 0 ? { kind: 'skip', remaining: phase.padding } : { kind: 'header' };
          }
          break;
        }
        case 'metadata': {
          const take = Math.min(phase.size - phase.received, chunk.length - offset);
          phase.parts.push(Buffer.from(chunk.subarray(offset, offset + take)));
          phase.received += take;
          offset += take;
          this.#bytesRead += take;
          if (phase.received === phase.size) {
            this.#applyMetadata(phase.type, Buffer.concat(phase.parts));
            const padding = paddingAfter(phase.size);
            this.#phase = padding > 0 ? { kind: 'skip', remaining: padding } : { kind: 'header' };
          }
          break;
        }
        case 'skip': {
          const take = Math.min(phase.remaining, chunk.length - offset);
          phase.remaining -= take;
          offset += take;
          this.#bytesRead += take;
          if (phase.remaining === 0) this.#phase = { kind: 'header' };
          break;
        }
      }
    }
  }

  /**
   * The archive has no more bytes. Throws when it stopped inside an entry. An archive that
   * ends on an entry boundary without the end-of-archive marker is accepted.
   */
  end(): void {
    const phase = this.#phase;
    if (phase.kind === 'finished') return;
    const insideHeader = phase.kind === 'header' && this.#headerFill > 0;
    const insideEntry = phase.kind === 'file' || phase.kind === 'metadata' || (phase.kind === 'skip' && phase.remaining > 0);
    if (insideHeader || insideEntry) {
      throw new StackDeployError(`the tar archive is truncated: it ends inside an entry after ${this.#bytesRead + this.#headerFill} bytes`);
    }
    this.#phase = { kind: 'finished' };
  }

  #readHeader(): void {
    const header = this.#header;
    if (header.every((byte) => byte === 0)) {
      this.#zeroBlocks += 1;
      if (this.#zeroBlocks === 2) this.#phase = { kind: 'finished' };
      return;
    }
    this.#zeroBlocks = 0;
    verifyChecksum(header, this.#bytesRead);

    const type = String.fromCharCode(header[156] ?? 0);
    const headerSize = readNumber(header, 124, 12, 'size', this.#bytesRead);
    if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
      if (headerSize > MAX_METADATA_BYTES) {
        throw new StackDeployError(`the tar archive has a ${headerSize}-byte "${type}" header record at byte ${this.#bytesRead}, larger than any real one`);
      }
      this.#phase =
        headerSize > 0 ? { kind: 'metadata', type, size: headerSize, parts: [], received: 0 } : { kind: 'header' };
      if (headerSize === 0) this.#applyMetadata(type, Buffer.alloc(0));
      return;
    }

    const pending = { ...this.#global, ...this.#next };
    this.#next = {};
    const name = pending.path ?? headerName(header);
    const size = pending.size ?? headerSize;
    const padding = paddingAfter(size);

    if (type === '0' || type === '\0' || type === '7') {
      const sink = this.#handlers.onFile({ name, size });
      if (size === 0) {
        sink?.end();
        return;
      }
      this.#phase = { kind: 'file', remaining: size, padding, sink };
      return;
    }
    if (type === '1' || type === '2') {
      const linkName = pending.linkPath ?? readString(header, 157, 100);
      this.#handlers.onLink?.({ name, linkName, kind: type === '2' ? 'symlink' : 'hardlink' });
    }
    if (size > 0) this.#phase = { kind: 'skip', remaining: size + padding };
  }

  #applyMetadata(type: MetadataType, data: Buffer): void {
    switch (type) {
      case 'L':
        this.#next.path = cString(data);
        return;
      case 'K':
        this.#next.linkPath = cString(data);
        return;
      case 'x':
        Object.assign(this.#next, parsePax(data, this.#bytesRead));
        return;
      case 'g':
        Object.assign(this.#global, parsePax(data, this.#bytesRead));
        return;
    }
  }
}

function paddingAfter(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Text up to the first NUL. */
function cString(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('utf8', 0, end === -1 ? data.length : end);
}

function readString(header: Buffer, offset: number, length: number): string {
  return cString(header.subarray(offset, offset + length));
}

/** The name field, joined to the ustar prefix field when the header is POSIX ustar. */
function headerName(header: Buffer): string {
  const name = readString(header, 0, 100);
  const isPosixUstar = header.toString('latin1', 257, 263) === 'ustar\0';
  if (!isPosixUstar) return name;
  const prefix = readString(header, 345, 155);
  return prefix === '' ? name : `${prefix}/${name}`;
}

/** An octal field, or GNU's base-256 form (high bit of the first byte set) for large values. */
function readNumber(header: Buffer, offset: number, length: number, field: string, position: number): number {
  const bytes = header.subarray(offset, offset + length);
  const first = bytes[0] ?? 0;
  if ((first & 0x80) !== 0) {
    if (first === 0xff) throw new StackDeployError(`the tar header at byte ${position} has a negative ${field}`);
    let value = first & 0x7f;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new StackDeployError(`the tar header at byte ${position} has a ${field} too large to read`);
    return value;
  }
  const text = bytes.toString('latin1').replace(/[\0 ]+$/u, '').replace(/^ +/u, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/u.test(text)) {
    throw new StackDeployError(`the tar header at byte ${position} has an unreadable ${field} field "${text}"`, {
      hint: 'the input is not a tar archive, or it is corrupted',
    });
  }
  return Number.parseInt(text, 8);
}

function verifyChecksum(header: Buffer, position: number): void {
  const expected = readNumber(header, 148, 8, 'checksum', position);
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  if (sum !== expected) {
    throw new StackDeployError(`the tar header at byte ${position} has a wrong checksum`, {
      hint: 'the input is not a tar archive, or it is corrupted',
    });
  }
}

/** pax records: `<length> <key>=<value>\n`, where length counts the whole record in bytes. */
function parsePax(data: Buffer, position: number): PendingNames {
  const names: PendingNames = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? Number.NaN : Number.parseInt(data.toString('latin1', offset, space), 10);
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) {
      if (data.subarray(offset).every((byte) => byte === 0)) break;
      throw new StackDeployError(`the tar archive has a malformed pax record before byte ${position}`);
    }
    const record = data.toString('utf8', space + 1, offset + length - 1);
    offset += length;
    const equals = record.indexOf('=');
    if (equals === -1) continue;
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') names.path = value;
    else if (key === 'linkpath') names.linkPath = value;
    else if (key === 'size' && /^\d+$/u.test(value)) names.size = Number.parseInt(value, 10);
  }
  return names;
}

import { posix } from 'node:path';
import { constants as zlibConstants, deflateRawSync, gzipSync } from 'node:zlib';
import { saveImage } from '../commands/docker';
import { StackDeployError } from '../errors';
import type { Executor } from '../exec/executor';
import { TarReader, type TarFileEntry, type TarFileSink, type TarLinkEntry } from './tar';

/**
 * An image's size as a registry stores it, measured before anything is pushed: the bytes of
 * its gzip-compressed layers plus its config blob.
 */
export interface ImageSize {
  /** Layers gzip-compressed (Node's zlib, default level; already-compressed layers as they are) plus the config blob. */
  readonly compressedBytes: number;
  /** Layers as `docker image save` writes them, plus the config blob. */
  readonly uncompressedBytes: number;
  /** Distinct layers. */
  readonly layers: number;
}

/** Files this small are kept in memory and compressed only if the manifest lists them as layers. */
const SMALL_FILE_BYTES = 1024;
/** A docker-save manifest.json is a few hundred bytes per image; anything this large is not one. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
const SAVE_MANIFEST = 'manifest.json';
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Measures `ref` (a local image) by streaming `docker image save` through a tar reader and
 * gzip, holding at most one megabyte of a layer in memory. Layers are compressed as they
 * stream past, before the archive's manifest.json (written last) says which files are layers,
 * so every file that may be one is compressed: names ending in `layer.tar` (docker before 25)
 * or under `blobs/` (docker 25+).
 */
export async function measureImageSize(executor: Executor, ref: string, options: { service?: string } = {}): Promise<ImageSize> {
  const where = { step: 'size', service: options.service, host: executor.host };
  const archive = new SavedImageArchive();
  const reader = new TarReader(archive);
  let readFailure: unknown;
  try {
    await executor.run(saveImage(ref), {
      step: 'size',
      service: options.service,
      onStdoutBytes: (chunk) => {
        if (readFailure !== undefined) return;
        try {
          reader.push(chunk);
        } catch (error) {
          // docker keeps writing until it exits; the rest of its output is dropped.
          readFailure = error;
        }
      },
    });
    if (readFailure !== undefined) throw readFailure;
    reader.end();
    return archive.measure(ref);
  } catch (error) {
    const failure =
      error instanceof StackDeployError
        ? error
        : new StackDeployError(`could not measure image ${ref}: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
    throw failure.withContext({
      ...where,
      hint: failure.context.hint ?? `check that the image ${ref} exists locally (docker image ls) and that docker image save works for it`,
    });
  }
}

interface SavedFile {
  readonly size: number;
  /** The gzip-compressed size; absent for files not compressed while streaming. */
  readonly compressed?: GzipSizeCounter;
  /** The content of small files and of manifest.json. */
  readonly content?: Buffer;
}

/** Everything about a `docker image save` archive needed to size it, gathered while it streams. */
class SavedImageArchive {
  readonly #files = new Map<string, SavedFile>();
  readonly #links = new Map<string, string>();

  onFile(entry: TarFileEntry): TarFileSink | undefined {
    const name = normalizeName(entry.name);
    if (name === SAVE_MANIFEST || (entry.size <= SMALL_FILE_BYTES && mayBeLayer(name))) {
      if (entry.size > MAX_MANIFEST_BYTES) {
        throw new StackDeployError(`the ${SAVE_MANIFEST} of the saved image is ${entry.size} bytes, too large to be a docker save manifest`);
      }
      return new CollectingSink((content) => this.#files.set(name, { size: entry.size, content }));
    }
    if (mayBeLayer(name)) {
      const counter = new GzipSizeCounter(entry.size);
      this.#files.set(name, { size: entry.size, compressed: counter });
      return counter;
    }
    this.#files.set(name, { size: entry.size });
    return undefined;
  }

  onLink(entry: TarLinkEntry): void {
    const name = normalizeName(entry.name);
    const target =
      entry.kind === 'symlink' ? normalizeName(posix.join(posix.dirname(name), entry.linkName)) : normalizeName(entry.linkName);
    this.#links.set(name, target);
  }

  measure(ref: string): ImageSize {
    const manifest = this.#manifestFor(ref);
    const layerNames = [...new Set(manifest.layers.map((layer) => this.#resolve(layer)))];
    const configName = this.#resolve(manifest.config);
    const config = this.#files.get(configName);
    if (config === undefined) throw missingFile(configName, 'config');

    let compressedBytes = config.size;
    let uncompressedBytes = config.size;
    for (const layerName of layerNames) {
      const layer = this.#files.get(layerName);
      if (layer === undefined) throw missingFile(layerName, 'layer');
      compressedBytes += compressedSize(layer);
      uncompressedBytes += layer.size;
    }
    return { compressedBytes, uncompressedBytes, layers: layerNames.length };
  }

  #manifestFor(ref: string): { config: string; layers: string[] } {
    const file = this.#files.get(SAVE_MANIFEST);
    if (file?.content === undefined) {
      throw new StackDeployError(`the output of docker image save for ${ref} has no ${SAVE_MANIFEST}`, {
        hint: 'the docker engine wrote an archive format this tool does not know',
      });
    }
    return parseSaveManifest(file.content.toString('utf8'), ref);
  }

  /** Follows links (docker writes a repeated layer as a symlink to its first copy). */
  #resolve(name: string): string {
    let current = normalizeName(name);
    for (let hops = 0; hops < 16; hops += 1) {
      const target = this.#links.get(current);
      if (target === undefined) return current;
      current = target;
    }
    throw new StackDeployError(`the saved image has a link loop at ${name}`);
  }
}

function missingFile(name: string, what: string): StackDeployError {
  return new StackDeployError(`the saved image's ${SAVE_MANIFEST} names the ${what} ${name}, which the archive does not contain`);
}

function compressedSize(file: SavedFile): number {
  if (file.compressed !== undefined) return file.compressed.compressedBytes;
  const content = file.content ?? Buffer.alloc(0);
  return isGzip(content) ? content.length : gzipSync(content).length;
}

function mayBeLayer(name: string): boolean {
  return name.endsWith('layer.tar') || name.startsWith('blobs/');
}

function normalizeName(name: string): string {
  return posix.normalize(name).replace(/^(?:\.\/)+/u, '').replace(/\/+$/u, '');
}

function isGzip(data: Buffer): boolean {
  return data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1];
}

/** Reads docker save's manifest.json: `[{"Config": "...", "RepoTags": [...], "Layers": [...]}]`. */
function parseSaveManifest(text: string, ref: string): { config: string; layers: string[] } {
  const invalid = (why: string) =>
    new StackDeployError(`the ${SAVE_MANIFEST} of the saved image ${ref} ${why}`, {
      hint: 'the docker engine wrote an archive format this tool does not know',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('is not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw invalid('is not a non-empty list');
  const images = parsed.filter(isRecord);
  const image =
    images.length === 1 ? images[0] : images.find((entry) => Array.isArray(entry['RepoTags']) && entry['RepoTags'].includes(ref));
  if (image === undefined) throw invalid(`describes ${parsed.length} images and none is tagged ${ref}`);
  const config = image['Config'];
  const layers = image['Layers'];
  if (typeof config !== 'string' || config === '') throw invalid('has no "Config" path');
  if (!Array.isArray(layers) || !layers.every((layer): layer is string => typeof layer === 'string')) {
    throw invalid('has no "Layers" list of paths');
  }
  return { config, layers };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps a file's data whole (for small files only). */
class CollectingSink implements TarFileSink {
  readonly #parts: Buffer[] = [];
  readonly #done: (content: Buffer) => void;

  constructor(done: (content: Buffer) => void) {
    this.#done = done;
  }

  write(data: Buffer): void {
    this.#parts.push(Buffer.from(data));
  }

  end(): void {
    this.#done(Buffer.concat(this.#parts));
  }
}

/** Data compressed at a time; the only part of a layer held in memory. */
const PIECE_BYTES = 1024 * 1024;
/** Deflate's window: each piece is compressed with the previous 32 KiB as its dictionary. */
const WINDOW_BYTES = 32 * 1024;
/** gzip's 10-byte header and 8-byte trailer (CRC-32 and length) around the deflate data. */
const GZIP_FRAME_BYTES = 18;

/**
 * Counts the gzip-compressed size of one file as its data streams in. A file that already
 * starts with the gzip magic bytes counts as its own size and is not compressed again.
 *
 * Compression is synchronous, one piece of `PIECE_BYTES` at a time: `onStdoutBytes` cannot
 * pause `docker image save`, and an asynchronous `zlib.createGzip()` falls behind it and queues
 * the whole layer in memory (seen: +120 MB of RSS for a 121 MB layer). Blocking the data
 * handler lets the pipe throttle docker instead. Each piece is raw deflate with the previous
 * 32 KiB as preset dictionary and a sync flush, so the pieces put together form one valid
 * deflate stream, as long as a continuous one give or take a few bytes per piece; a file of
 * one piece counts exactly as `gzipSync` of it.
 */
class GzipSizeCounter implements TarFileSink {
  readonly #size: number;
  /** Views into the executor's chunks, which are never reused. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #window: Buffer | undefined;
  #mode: 'undecided' | 'as-is' | 'gzip' = 'undecided';
  #compressedBytes = GZIP_FRAME_BYTES;
  #ended = false;

  constructor(size: number) {
    this.#size = size;
  }

  /** The count; read it after `end`. */
  get compressedBytes(): number {
    if (!this.#ended) throw new StackDeployError('a layer was measured before all its data was read');
    return this.#mode === 'as-is' ? this.#size : this.#compressedBytes;
  }

  write(data: Buffer): void {
    if (this.#mode === 'as-is') return;
    this.#pending.push(data);
    this.#pendingBytes += data.length;
    if (this.#mode === 'undecided' && this.#pendingBytes >= GZIP_MAGIC.length) {
      this.#mode = isGzip(Buffer.concat(this.#pending.slice(0, GZIP_MAGIC.length))) ? 'as-is' : 'gzip';
      if (this.#mode === 'as-is') this.#pending = [];
    }
    if (this.#mode === 'gzip' && this.#pendingBytes >= PIECE_BYTES) this.#compressPiece(false);
  }

  end(): void {
    if (this.#mode !== 'as-is') {
      this.#mode = 'gzip';
      this.#compressPiece(true);
    }
    this.#ended = true;
  }

  #compressPiece(last: boolean): void {
    const piece = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    const output = deflateRawSync(piece, {
      ...(this.#window !== undefined ? { dictionary: this.#window } : {}),
      finishFlush: last ? zlibConstants.Z_FINISH : zlibConstants.Z_SYNC_FLUSH,
    });
    this.#compressedBytes += output.length;
    // Pieces before the last are at least PIECE_BYTES long, so the window is their end.
    if (!last) this.#window = Buffer.from(piece.subarray(piece.length - WINDOW_BYTES));
  }
}

/** A registry manifest's stored size: `config.size` plus every `layers[].size`. */
export function manifestCompressedSize(rawManifestJson: string): number {
  const manifest = unwrapManifest(parseJson(rawManifestJson, 'image manifest'));
  if (isIndex(manifest)) {
    throw new StackDeployError('the image manifest is an index (manifest list) of several platforms, so it has no single size', {
      step: 'size',
      hint: 'choose a platform (such as linux/amd64) and measure the manifest that the index lists for it',
    });
  }
  if (!isRecord(manifest)) throw notAManifest('is not a JSON object');
  if (manifest['schemaVersion'] === 1) throw notAManifest('uses the obsolete schema version 1, which records no sizes');
  const config = manifest['config'];
  const layers = manifest['layers'];
  if (!isRecord(config) || !isByteCount(config['size'])) throw notAManifest('has no "config.size"');
  if (!Array.isArray(layers)) throw notAManifest('has no "layers" list');
  let total = config['size'];
  for (const [index, layer] of layers.entries()) {
    if (!isRecord(layer) || !isByteCount(layer['size'])) throw notAManifest(`has no "layers[${index}].size"`);
    total += layer['size'];
  }
  return total;
}

/**
 * The digest of the manifest an index (manifest list) names for `platform`, written
 * `os/architecture` or `os/architecture/variant` (`linux/amd64`, `linux/arm/v7`).
 */
export function pickPlatformManifest(rawIndexJson: string, platform: string): string {
  const [os, architecture, variant, ...rest] = platform.split('/');
  if (os === undefined || os === '' || architecture === undefined || architecture === '' || variant === '' || rest.length > 0) {
    throw new StackDeployError(`platform "${platform}" is not of the form os/architecture[/variant]`, {
      step: 'size',
      hint: 'write a platform such as linux/amd64 or linux/arm/v7',
    });
  }
  const index = unwrapManifest(parseJson(rawIndexJson, 'image index'));
  if (!isIndex(index)) {
    throw new StackDeployError('the manifest is a single-platform image manifest, not an index of platforms', {
      step: 'size',
      hint: 'measure it directly with manifestCompressedSize',
    });
  }
  const children = index.manifests.filter(isRecord).flatMap((child) => {
    const childPlatform = child['platform'];
    const digest = child['digest'];
    if (!isRecord(childPlatform) || typeof digest !== 'string') return [];
    const childVariant = typeof childPlatform['variant'] === 'string' ? childPlatform['variant'] : undefined;
    return [{ os: childPlatform['os'], architecture: childPlatform['architecture'], variant: childVariant, digest }];
  });
  const sameArchitecture = children.filter((child) => child.os === os && child.architecture === architecture);
  // Without a variant, the one manifest of that architecture; among several, the one without a variant.
  const withoutVariant = sameArchitecture.filter((child) => child.variant === undefined);
  const matches =
    variant !== undefined
      ? sameArchitecture.filter((child) => child.variant === variant)
      : sameArchitecture.length > 1 && withoutVariant.length > 0
        ? withoutVariant
        : sameArchitecture;
  const describe = (child: { os: unknown; architecture: unknown; variant: string | undefined }) =>
    [child.os, child.architecture, child.variant].filter((part) => typeof part === 'string').join('/');
  const available = children
    .filter((child) => child.os !== 'unknown')
    .map(describe)
    .join(', ');
  const [match, ...others] = matches;
  if (match === undefined || others.length > 0) {
    const why =
      match === undefined
        ? `lists no manifest for platform ${platform}`
        : `lists several manifests for platform ${platform} (${sameArchitecture.map(describe).join(', ')})`;
    throw new StackDeployError(`the image index ${why}`, {
      step: 'size',
      hint: available === '' ? 'the index lists no platforms' : `choose one of: ${available}`,
    });
  }
  return match.digest;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackDeployError(`the ${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { step: 'size' });
  }
}

/**
 * `docker manifest inspect --verbose` wraps the registry manifest (`{"Ref", "Descriptor",
 * "SchemaV2Manifest" | "OCIManifest"}`), and prints a list of those for an index.
 */
function unwrapManifest(value: unknown): unknown {
  if (Array.isArray(value)) return { manifests: value.map((entry: unknown) => (isRecord(entry) ? entry['Descriptor'] : entry)) };
  if (!isRecord(value)) return value;
  return value['SchemaV2Manifest'] ?? value['OCIManifest'] ?? value;
}

function isIndex(value: unknown): value is { manifests: unknown[] } {
  return isRecord(value) && Array.isArray(value['manifests']);
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function notAManifest(why: string): StackDeployError {
  return new StackDeployError(`the image manifest ${why}`, {
    step: 'size',
    hint: 'pass the raw manifest of one image (Docker v2 schema 2 or OCI), as docker buildx imagetools inspect --raw prints it',
  });
}

const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'] as const;

/**
 * SI units (1 kB = 1000 B): whole bytes below 1000 ("999 B"), then one decimal below 100 of a
 * unit ("12.3 MB") and whole units from 100 ("300 kB").
 */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  let unit = 0;
  let value = bytes;
  while (unit < SI_UNITS.length - 1 && roundForDisplay(value) >= 1000) {
    value /= 1000;
    unit += 1;
  }
  const shown = roundForDisplay(value);
  return `${shown >= 100 ? shown.toFixed(0) : shown.toFixed(1)} ${SI_UNITS[unit]}`;
}

function roundForDisplay(value: number): number {
  return value >= 99.95 ? Math.round(value) : Math.round(value * 10) / 10;
}

/** "+1.2 MB (+10.4%)", "-300 kB (-3.0%)", "±0 B"; without a percentage when `previous` is 0. */
export function formatSizeDelta(current: number, previous: number): string {
  const delta = current - previous;
  if (delta === 0) return '±0 B';
  const sign = delta > 0 ? '+' : '-';
  const amount = `${sign}${formatBytes(Math.abs(delta))}`;
  if (previous === 0) return amount;
  const percent = Math.abs((delta / previous) * 100).toFixed(1);
  return `${amount} (${sign}${percent}%)`;
}

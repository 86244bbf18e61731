"use strict";
exports.id = 883;
exports.ids = [883,82];
exports.modules = {

/***/ 18556:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  z3: () => (/* binding */ formatBytes),
  N$: () => (/* binding */ formatSizeDelta),
  mQ: () => (/* binding */ manifestCompressedSize),
  zD: () => (/* binding */ measureImageSize)
});

// UNUSED EXPORTS: pickPlatformManifest

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(38522);
// EXTERNAL MODULE: ./src/commands/docker.ts
var docker = __webpack_require__(81420);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
;// CONCATENATED MODULE: ./src/build/tar.ts

const BLOCK = 512;
/** Long names and pax records larger than this are refused: no real archive has them. */
const MAX_METADATA_BYTES = 1024 * 1024;
class TarReader {
    #handlers;
    #header = Buffer.alloc(BLOCK);
    #headerFill = 0;
    #phase = { kind: 'header' };
    /** Zero blocks seen in a row: two end the archive. */
    #zeroBlocks = 0;
    /** Set by `L`, `K` and `x` entries for the next entry only. */
    #next = {};
    /** Set by `g` entries for every following entry. */
    #global = {};
    #bytesRead = 0;
    constructor(handlers) {
        this.#handlers = handlers;
    }
    /** True once the end-of-archive marker (two zero blocks) has been read. */
    get finished() {
        return this.#phase.kind === 'finished';
    }
    /** Feeds the next bytes of the archive. Bytes after the end-of-archive marker are ignored. */
    push(chunk) {
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
                    if (take > 0)
                        phase.sink?.write(chunk.subarray(offset, offset + take));
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
                    if (phase.remaining === 0)
                        this.#phase = { kind: 'header' };
                    break;
                }
            }
        }
    }
    /**
     * The archive has no more bytes. Throws when it stopped inside an entry. An archive that
     * ends on an entry boundary without the end-of-archive marker is accepted.
     */
    end() {
        const phase = this.#phase;
        if (phase.kind === 'finished')
            return;
        const insideHeader = phase.kind === 'header' && this.#headerFill > 0;
        const insideEntry = phase.kind === 'file' || phase.kind === 'metadata' || (phase.kind === 'skip' && phase.remaining > 0);
        if (insideHeader || insideEntry) {
            throw new errors/* StackDeployError */.O1(`the tar archive is truncated: it ends inside an entry after ${this.#bytesRead + this.#headerFill} bytes`);
        }
        this.#phase = { kind: 'finished' };
    }
    #readHeader() {
        const header = this.#header;
        if (header.every((byte) => byte === 0)) {
            this.#zeroBlocks += 1;
            if (this.#zeroBlocks === 2)
                this.#phase = { kind: 'finished' };
            return;
        }
        this.#zeroBlocks = 0;
        verifyChecksum(header, this.#bytesRead);
        const type = String.fromCharCode(header[156] ?? 0);
        const headerSize = readNumber(header, 124, 12, 'size', this.#bytesRead);
        if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
            if (headerSize > MAX_METADATA_BYTES) {
                throw new errors/* StackDeployError */.O1(`the tar archive has a ${headerSize}-byte "${type}" header record at byte ${this.#bytesRead}, larger than any real one`);
            }
            this.#phase =
                headerSize > 0 ? { kind: 'metadata', type, size: headerSize, parts: [], received: 0 } : { kind: 'header' };
            if (headerSize === 0)
                this.#applyMetadata(type, Buffer.alloc(0));
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
        if (size > 0)
            this.#phase = { kind: 'skip', remaining: size + padding };
    }
    #applyMetadata(type, data) {
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
function paddingAfter(size) {
    return (BLOCK - (size % BLOCK)) % BLOCK;
}
/** Text up to the first NUL. */
function cString(data) {
    const end = data.indexOf(0);
    return data.toString('utf8', 0, end === -1 ? data.length : end);
}
function readString(header, offset, length) {
    return cString(header.subarray(offset, offset + length));
}
/** The name field, joined to the ustar prefix field when the header is POSIX ustar. */
function headerName(header) {
    const name = readString(header, 0, 100);
    const isPosixUstar = header.toString('latin1', 257, 263) === 'ustar\0';
    if (!isPosixUstar)
        return name;
    const prefix = readString(header, 345, 155);
    return prefix === '' ? name : `${prefix}/${name}`;
}
/** An octal field, or GNU's base-256 form (high bit of the first byte set) for large values. */
function readNumber(header, offset, length, field, position) {
    const bytes = header.subarray(offset, offset + length);
    const first = bytes[0] ?? 0;
    if ((first & 0x80) !== 0) {
        if (first === 0xff)
            throw new errors/* StackDeployError */.O1(`the tar header at byte ${position} has a negative ${field}`);
        let value = first & 0x7f;
        for (const byte of bytes.subarray(1))
            value = value * 256 + byte;
        if (!Number.isSafeInteger(value))
            throw new errors/* StackDeployError */.O1(`the tar header at byte ${position} has a ${field} too large to read`);
        return value;
    }
    const text = bytes.toString('latin1').replace(/[\0 ]+$/u, '').replace(/^ +/u, '');
    if (text === '')
        return 0;
    if (!/^[0-7]+$/u.test(text)) {
        throw new errors/* StackDeployError */.O1(`the tar header at byte ${position} has an unreadable ${field} field "${text}"`, {
            hint: 'the input is not a tar archive, or it is corrupted',
        });
    }
    return Number.parseInt(text, 8);
}
function verifyChecksum(header, position) {
    const expected = readNumber(header, 148, 8, 'checksum', position);
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1)
        sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
    if (sum !== expected) {
        throw new errors/* StackDeployError */.O1(`the tar header at byte ${position} has a wrong checksum`, {
            hint: 'the input is not a tar archive, or it is corrupted',
        });
    }
}
/** pax records: `<length> <key>=<value>\n`, where length counts the whole record in bytes. */
function parsePax(data, position) {
    const names = {};
    let offset = 0;
    while (offset < data.length) {
        const space = data.indexOf(0x20, offset);
        const length = space === -1 ? Number.NaN : Number.parseInt(data.toString('latin1', offset, space), 10);
        if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) {
            if (data.subarray(offset).every((byte) => byte === 0))
                break;
            throw new errors/* StackDeployError */.O1(`the tar archive has a malformed pax record before byte ${position}`);
        }
        const record = data.toString('utf8', space + 1, offset + length - 1);
        offset += length;
        const equals = record.indexOf('=');
        if (equals === -1)
            continue;
        const key = record.slice(0, equals);
        const value = record.slice(equals + 1);
        if (key === 'path')
            names.path = value;
        else if (key === 'linkpath')
            names.linkPath = value;
        else if (key === 'size' && /^\d+$/u.test(value))
            names.size = Number.parseInt(value, 10);
    }
    return names;
}

;// CONCATENATED MODULE: ./src/build/size.ts





/** Files this small are kept in memory and compressed only if the manifest lists them as layers. */
const SMALL_FILE_BYTES = 1024;
/** A docker-save manifest.json is a few hundred bytes per image; anything this large is not one. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
const SAVE_MANIFEST = 'manifest.json';
const GZIP_MAGIC = [0x1f, 0x8b];
/**
 * Measures `ref` (a local image) by streaming `docker image save` through a tar reader and
 * gzip, holding at most one megabyte of a layer in memory. Layers are compressed as they
 * stream past, before the archive's manifest.json (written last) says which files are layers,
 * so every file that may be one is compressed: names ending in `layer.tar` (docker before 25)
 * or under `blobs/` (docker 25+).
 */
async function measureImageSize(executor, ref, options = {}) {
    const where = { step: 'size', service: options.service, host: executor.host };
    const archive = new SavedImageArchive();
    const reader = new TarReader(archive);
    let readFailure;
    try {
        await executor.run((0,docker/* saveImage */.lE)(ref), {
            step: 'size',
            service: options.service,
            onStdoutBytes: (chunk) => {
                if (readFailure !== undefined)
                    return;
                try {
                    reader.push(chunk);
                }
                catch (error) {
                    // docker keeps writing until it exits; the rest of its output is dropped.
                    readFailure = error;
                }
            },
        });
        if (readFailure !== undefined)
            throw readFailure;
        reader.end();
        return archive.measure(ref);
    }
    catch (error) {
        const failure = error instanceof errors/* StackDeployError */.O1
            ? error
            : new errors/* StackDeployError */.O1(`could not measure image ${ref}: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
        throw failure.withContext({
            ...where,
            hint: failure.context.hint ?? `check that the image ${ref} exists locally (docker image ls) and that docker image save works for it`,
        });
    }
}
/** Everything about a `docker image save` archive needed to size it, gathered while it streams. */
class SavedImageArchive {
    #files = new Map();
    #links = new Map();
    onFile(entry) {
        const name = normalizeName(entry.name);
        if (name === SAVE_MANIFEST || (entry.size <= SMALL_FILE_BYTES && mayBeLayer(name))) {
            if (entry.size > MAX_MANIFEST_BYTES) {
                throw new errors/* StackDeployError */.O1(`the ${SAVE_MANIFEST} of the saved image is ${entry.size} bytes, too large to be a docker save manifest`);
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
    onLink(entry) {
        const name = normalizeName(entry.name);
        const target = entry.kind === 'symlink' ? normalizeName(external_node_path_.posix.join(external_node_path_.posix.dirname(name), entry.linkName)) : normalizeName(entry.linkName);
        this.#links.set(name, target);
    }
    measure(ref) {
        const manifest = this.#manifestFor(ref);
        const layerNames = [...new Set(manifest.layers.map((layer) => this.#resolve(layer)))];
        const configName = this.#resolve(manifest.config);
        const config = this.#files.get(configName);
        if (config === undefined)
            throw missingFile(configName, 'config');
        let compressedBytes = config.size;
        let uncompressedBytes = config.size;
        for (const layerName of layerNames) {
            const layer = this.#files.get(layerName);
            if (layer === undefined)
                throw missingFile(layerName, 'layer');
            compressedBytes += compressedSize(layer);
            uncompressedBytes += layer.size;
        }
        return { compressedBytes, uncompressedBytes, layers: layerNames.length };
    }
    #manifestFor(ref) {
        const file = this.#files.get(SAVE_MANIFEST);
        if (file?.content === undefined) {
            throw new errors/* StackDeployError */.O1(`the output of docker image save for ${ref} has no ${SAVE_MANIFEST}`, {
                hint: 'the docker engine wrote an archive format this tool does not know',
            });
        }
        return parseSaveManifest(file.content.toString('utf8'), ref);
    }
    /** Follows links (docker writes a repeated layer as a symlink to its first copy). */
    #resolve(name) {
        let current = normalizeName(name);
        for (let hops = 0; hops < 16; hops += 1) {
            const target = this.#links.get(current);
            if (target === undefined)
                return current;
            current = target;
        }
        throw new errors/* StackDeployError */.O1(`the saved image has a link loop at ${name}`);
    }
}
function missingFile(name, what) {
    return new errors/* StackDeployError */.O1(`the saved image's ${SAVE_MANIFEST} names the ${what} ${name}, which the archive does not contain`);
}
function compressedSize(file) {
    if (file.compressed !== undefined)
        return file.compressed.compressedBytes;
    const content = file.content ?? Buffer.alloc(0);
    return isGzip(content) ? content.length : (0,external_node_zlib_.gzipSync)(content).length;
}
function mayBeLayer(name) {
    return name.endsWith('layer.tar') || name.startsWith('blobs/');
}
function normalizeName(name) {
    return external_node_path_.posix.normalize(name).replace(/^(?:\.\/)+/u, '').replace(/\/+$/u, '');
}
function isGzip(data) {
    return data[0] === GZIP_MAGIC[0] && data[1] === GZIP_MAGIC[1];
}
/** Reads docker save's manifest.json: `[{"Config": "...", "RepoTags": [...], "Layers": [...]}]`. */
function parseSaveManifest(text, ref) {
    const invalid = (why) => new errors/* StackDeployError */.O1(`the ${SAVE_MANIFEST} of the saved image ${ref} ${why}`, {
        hint: 'the docker engine wrote an archive format this tool does not know',
    });
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        throw invalid('is not JSON');
    }
    if (!Array.isArray(parsed) || parsed.length === 0)
        throw invalid('is not a non-empty list');
    const images = parsed.filter(isRecord);
    const image = images.length === 1 ? images[0] : images.find((entry) => Array.isArray(entry['RepoTags']) && entry['RepoTags'].includes(ref));
    if (image === undefined)
        throw invalid(`describes ${parsed.length} images and none is tagged ${ref}`);
    const config = image['Config'];
    const layers = image['Layers'];
    if (typeof config !== 'string' || config === '')
        throw invalid('has no "Config" path');
    if (!Array.isArray(layers) || !layers.every((layer) => typeof layer === 'string')) {
        throw invalid('has no "Layers" list of paths');
    }
    return { config, layers };
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Keeps a file's data whole (for small files only). */
class CollectingSink {
    #parts = [];
    #done;
    constructor(done) {
        this.#done = done;
    }
    write(data) {
        this.#parts.push(Buffer.from(data));
    }
    end() {
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
class GzipSizeCounter {
    #size;
    /** Views into the executor's chunks, which are never reused. */
    #pending = [];
    #pendingBytes = 0;
    #window;
    #mode = 'undecided';
    #compressedBytes = GZIP_FRAME_BYTES;
    #ended = false;
    constructor(size) {
        this.#size = size;
    }
    /** The count; read it after `end`. */
    get compressedBytes() {
        if (!this.#ended)
            throw new errors/* StackDeployError */.O1('a layer was measured before all its data was read');
        return this.#mode === 'as-is' ? this.#size : this.#compressedBytes;
    }
    write(data) {
        if (this.#mode === 'as-is')
            return;
        this.#pending.push(data);
        this.#pendingBytes += data.length;
        if (this.#mode === 'undecided' && this.#pendingBytes >= GZIP_MAGIC.length) {
            this.#mode = isGzip(Buffer.concat(this.#pending.slice(0, GZIP_MAGIC.length))) ? 'as-is' : 'gzip';
            if (this.#mode === 'as-is')
                this.#pending = [];
        }
        if (this.#mode === 'gzip' && this.#pendingBytes >= PIECE_BYTES)
            this.#compressPiece(false);
    }
    end() {
        if (this.#mode !== 'as-is') {
            this.#mode = 'gzip';
            this.#compressPiece(true);
        }
        this.#ended = true;
    }
    #compressPiece(last) {
        const piece = Buffer.concat(this.#pending);
        this.#pending = [];
        this.#pendingBytes = 0;
        const output = (0,external_node_zlib_.deflateRawSync)(piece, {
            ...(this.#window !== undefined ? { dictionary: this.#window } : {}),
            finishFlush: last ? external_node_zlib_.constants.Z_FINISH : external_node_zlib_.constants.Z_SYNC_FLUSH,
        });
        this.#compressedBytes += output.length;
        // Pieces before the last are at least PIECE_BYTES long, so the window is their end.
        if (!last)
            this.#window = Buffer.from(piece.subarray(piece.length - WINDOW_BYTES));
    }
}
/** A registry manifest's stored size: `config.size` plus every `layers[].size`. */
function manifestCompressedSize(rawManifestJson) {
    const manifest = unwrapManifest(parseJson(rawManifestJson, 'image manifest'));
    if (isIndex(manifest)) {
        throw new errors/* StackDeployError */.O1('the image manifest is an index (manifest list) of several platforms, so it has no single size', {
            step: 'size',
            hint: 'choose a platform (such as linux/amd64) and measure the manifest that the index lists for it',
        });
    }
    if (!isRecord(manifest))
        throw notAManifest('is not a JSON object');
    if (manifest['schemaVersion'] === 1)
        throw notAManifest('uses the obsolete schema version 1, which records no sizes');
    const config = manifest['config'];
    const layers = manifest['layers'];
    if (!isRecord(config) || !isByteCount(config['size']))
        throw notAManifest('has no "config.size"');
    if (!Array.isArray(layers))
        throw notAManifest('has no "layers" list');
    let total = config['size'];
    for (const [index, layer] of layers.entries()) {
        if (!isRecord(layer) || !isByteCount(layer['size']))
            throw notAManifest(`has no "layers[${index}].size"`);
        total += layer['size'];
    }
    return total;
}
/**
 * The digest of the manifest an index (manifest list) names for `platform`, written
 * `os/architecture` or `os/architecture/variant` (`linux/amd64`, `linux/arm/v7`).
 */
function pickPlatformManifest(rawIndexJson, platform) {
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
        if (!isRecord(childPlatform) || typeof digest !== 'string')
            return [];
        const childVariant = typeof childPlatform['variant'] === 'string' ? childPlatform['variant'] : undefined;
        return [{ os: childPlatform['os'], architecture: childPlatform['architecture'], variant: childVariant, digest }];
    });
    const sameArchitecture = children.filter((child) => child.os === os && child.architecture === architecture);
    // Without a variant, the one manifest of that architecture; among several, the one without a variant.
    const withoutVariant = sameArchitecture.filter((child) => child.variant === undefined);
    const matches = variant !== undefined
        ? sameArchitecture.filter((child) => child.variant === variant)
        : sameArchitecture.length > 1 && withoutVariant.length > 0
            ? withoutVariant
            : sameArchitecture;
    const describe = (child) => [child.os, child.architecture, child.variant].filter((part) => typeof part === 'string').join('/');
    const available = children
        .filter((child) => child.os !== 'unknown')
        .map(describe)
        .join(', ');
    const [match, ...others] = matches;
    if (match === undefined || others.length > 0) {
        const why = match === undefined
            ? `lists no manifest for platform ${platform}`
            : `lists several manifests for platform ${platform} (${sameArchitecture.map(describe).join(', ')})`;
        throw new StackDeployError(`the image index ${why}`, {
            step: 'size',
            hint: available === '' ? 'the index lists no platforms' : `choose one of: ${available}`,
        });
    }
    return match.digest;
}
function parseJson(text, what) {
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new errors/* StackDeployError */.O1(`the ${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { step: 'size' });
    }
}
/**
 * `docker manifest inspect --verbose` wraps the registry manifest (`{"Ref", "Descriptor",
 * "SchemaV2Manifest" | "OCIManifest"}`), and prints a list of those for an index.
 */
function unwrapManifest(value) {
    if (Array.isArray(value))
        return { manifests: value.map((entry) => (isRecord(entry) ? entry['Descriptor'] : entry)) };
    if (!isRecord(value))
        return value;
    return value['SchemaV2Manifest'] ?? value['OCIManifest'] ?? value;
}
function isIndex(value) {
    return isRecord(value) && Array.isArray(value['manifests']);
}
function isByteCount(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
function notAManifest(why) {
    return new errors/* StackDeployError */.O1(`the image manifest ${why}`, {
        step: 'size',
        hint: 'pass the raw manifest of one image (Docker v2 schema 2 or OCI), as docker buildx imagetools inspect --raw prints it',
    });
}
const SI_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
/**
 * SI units (1 kB = 1000 B): whole bytes below 1000 ("999 B"), then one decimal below 100 of a
 * unit ("12.3 MB") and whole units from 100 ("300 kB").
 */
function formatBytes(bytes) {
    if (bytes < 0)
        return `-${formatBytes(-bytes)}`;
    if (bytes < 1000)
        return `${Math.round(bytes)} B`;
    let unit = 0;
    let value = bytes;
    while (unit < SI_UNITS.length - 1 && roundForDisplay(value) >= 1000) {
        value /= 1000;
        unit += 1;
    }
    const shown = roundForDisplay(value);
    return `${shown >= 100 ? shown.toFixed(0) : shown.toFixed(1)} ${SI_UNITS[unit]}`;
}
function roundForDisplay(value) {
    return value >= 99.95 ? Math.round(value) : Math.round(value * 10) / 10;
}
/** "+1.2 MB (+10.4%)", "-300 kB (-3.0%)", "±0 B"; without a percentage when `previous` is 0. */
function formatSizeDelta(current, previous) {
    const delta = current - previous;
    if (delta === 0)
        return '±0 B';
    const sign = delta > 0 ? '+' : '-';
    const amount = `${sign}${formatBytes(Math.abs(delta))}`;
    if (previous === 0)
        return amount;
    const percent = Math.abs((delta / previous) * 100).toFixed(1);
    return `${amount} (${sign}${percent}%)`;
}


/***/ }),

/***/ 81420:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ tagImage),
/* harmony export */   Ep: () => (/* binding */ loadImageFile),
/* harmony export */   GH: () => (/* binding */ pushImage),
/* harmony export */   RD: () => (/* binding */ requireArgument),
/* harmony export */   Yt: () => (/* binding */ logoutRegistry),
/* harmony export */   ZF: () => (/* binding */ dockerVersion),
/* harmony export */   ZS: () => (/* binding */ loginRegistry),
/* harmony export */   _w: () => (/* binding */ buildImage),
/* harmony export */   lE: () => (/* binding */ saveImage),
/* harmony export */   rS: () => (/* binding */ saveImageFile),
/* harmony export */   ry: () => (/* binding */ buildxVersion)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(83916);
/* harmony import */ var _command__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(53155);



/** Refuses a value that would be empty or read as an option; returns it unchanged otherwise. */
function requireArgument(value, what) {
    if (value.trim() === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} is empty`, { hint: `set a non-empty ${what}` });
    }
    if (value.startsWith('-')) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} "${value}" starts with "-" and would be read as an option`, {
            hint: `a ${what} must not start with "-"`,
        });
    }
    return value;
}
/** An image reference (`ghcr.io/acme/api:1.2.3`, an image ID): not empty, no leading "-", no white space. */
function requireImageRef(ref, what = 'image reference') {
    requireArgument(ref, what);
    if (/\s/u.test(ref)) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} "${ref}" contains white space`, {
            hint: 'an image reference looks like registry/owner/name:tag and has no spaces',
        });
    }
    return ref;
}
function dockerVersion() {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'version', '--format', '{{json .}}']);
}
function buildxVersion() {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'buildx', 'version']);
}
/**
 * `docker buildx build` or `docker build`. Argument order: `--file`, `--target`, `--build-arg`…,
 * `--label`…, `--tag`…, `--platform`, `--network`, `--load`, `--iidfile`, `--cache-from`…,
 * `--cache-to`…, then the context last.
 */
function buildImage(opts) {
    const context = requireArgument(opts.context, 'build context');
    const platforms = opts.platforms ?? [];
    const cacheTo = opts.cacheTo ?? [];
    if (opts.builder === 'classic') {
        const refused = [platforms.length > 0 ? 'platforms' : undefined, cacheTo.length > 0 ? 'cache-to' : undefined].filter((name) => name !== undefined);
        if (refused.length > 0) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the classic docker builder does not support ${refused.join(' or ')}`, {
                step: 'build',
                hint: 'install the docker buildx plugin (https://github.com/docker/buildx#installing), or remove those build options',
            });
        }
    }
    if (opts.tags.length === 0) {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1('a build needs at least one tag', { step: 'build', hint: 'pass the image tag to build' });
    }
    const argv = opts.builder === 'buildx' ? ['docker', 'buildx', 'build'] : ['docker', 'build'];
    if (opts.dockerfile !== undefined)
        argv.push('--file', dockerfilePath(context, opts.dockerfile));
    if (opts.target !== undefined)
        argv.push('--target', requireArgument(opts.target, 'build target'));
    for (const pair of sortedPairs(opts.buildArgs ?? {}, 'build argument'))
        argv.push('--build-arg', pair);
    for (const pair of sortedPairs(opts.labels ?? {}, 'label'))
        argv.push('--label', pair);
    for (const tag of opts.tags)
        argv.push('--tag', requireImageRef(tag, 'image tag'));
    if (platforms.length > 0) {
        argv.push('--platform', platforms.map((platform) => requireArgument(platform, 'platform')).join(','));
    }
    if (opts.network !== undefined)
        argv.push('--network', requireArgument(opts.network, 'build network'));
    if (opts.builder === 'buildx' && opts.load !== false)
        argv.push('--load');
    if (opts.iidFile !== undefined)
        argv.push('--iidfile', requireArgument(opts.iidFile, 'image ID file'));
    for (const source of opts.cacheFrom ?? [])
        argv.push('--cache-from', requireArgument(source, 'cache source'));
    for (const destination of cacheTo)
        argv.push('--cache-to', requireArgument(destination, 'cache destination'));
    argv.push(context);
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(argv);
}
/**
 * Docker resolves `--file` against the working directory, not the context: a relative
 * Dockerfile is joined onto the context here. Paths are POSIX (builds run on Linux hosts);
 * an absolute POSIX or Windows path is kept as given.
 */
function dockerfilePath(context, dockerfile) {
    requireArgument(dockerfile, 'Dockerfile path');
    const path = node_path__WEBPACK_IMPORTED_MODULE_0__.posix.isAbsolute(dockerfile) || node_path__WEBPACK_IMPORTED_MODULE_0__.win32.isAbsolute(dockerfile) ? dockerfile : node_path__WEBPACK_IMPORTED_MODULE_0__.posix.join(context, dockerfile);
    return requireArgument(path, 'Dockerfile path');
}
/** `K=V` pairs sorted by key (code-unit order, the same on every machine). */
function sortedPairs(record, what) {
    return Object.keys(record)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((key) => {
        if (key === '' || key.includes('=') || /\s/u.test(key) || key.startsWith('-')) {
            throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`${what} name "${key}" is not valid`, {
                step: 'build',
                hint: `a ${what} name must be non-empty, must not start with "-" and contains no "=" or white space`,
            });
        }
        return `${key}=${record[key] ?? ''}`;
    });
}
function pushImage(ref) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'push', requireImageRef(ref)]);
}
/** Writes the image as a tar archive (`docker save` format) to standard output. */
function saveImage(ref) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'save', requireImageRef(ref)]);
}
/** Gives an image another name (the local build cache keeps each service's last image so). */
function tagImage(source, target) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'tag', requireImageRef(source, 'source image'), requireImageRef(target, 'target image')]);
}
/** Writes the image as a tar archive (`docker save` format) to a file. */
function saveImageFile(ref, file) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'save', '--output', requireArgument(file, 'image archive'), requireImageRef(ref)]);
}
/** Loads images from a tar archive written by `docker save`. */
function loadImageFile(file) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'image', 'load', '--input', requireArgument(file, 'image archive')]);
}
/** `docker login` with the password on standard input (marked secret), never in argv. */
function loginRegistry(opts) {
    const registry = requireImageRef(opts.registry, 'registry');
    const username = requireArgument(opts.username, 'registry username');
    if (opts.password === '') {
        throw new _errors__WEBPACK_IMPORTED_MODULE_1__/* .StackDeployError */ .O1(`the password for registry ${registry} is empty`, {
            hint: 'pass a registry token (for GHCR, the GITHUB_TOKEN with packages: write)',
        });
    }
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'login', registry, '--username', username, '--password-stdin'], {
        text: opts.password,
        secret: true,
    });
}
function logoutRegistry(registry) {
    return (0,_command__WEBPACK_IMPORTED_MODULE_2__/* .command */ .G)(['docker', 'logout', requireImageRef(registry, 'registry')]);
}


/***/ }),

/***/ 56082:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ loadAndReport),
/* harmony export */   validate: () => (/* binding */ validate)
/* harmony export */ });
/* unused harmony export envVariables */
/* harmony import */ var _compose_dotenv__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(65508);
/* harmony import */ var _manifest__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(81237);


/** The variables compose files are interpolated with: the env text when it is given. */
function envVariables(envText) {
    return envText === undefined || envText.trim() === '' ? undefined : (0,_compose_dotenv__WEBPACK_IMPORTED_MODULE_1__/* .parseDotenv */ .q)(envText);
}
/**
 * Loads stack.yml and reports every problem in it (each one also as an annotation on its file
 * and line). Commands that need a manifest start here. The environments' compose files are read
 * too, unless `compose` is false: commands that neither deploy nor report what runs need none.
 */
async function loadAndReport(file, reporter, failedStatus, variables, options = {}) {
    const loaded = await (0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .loadManifest */ .eY)(file, { variables, compose: options.compose });
    if (loaded.ok) {
        for (const warning of loaded.warnings ?? [])
            reporter.warning(warning);
        return { ok: true, manifest: loaded.manifest, compose: loaded.compose ?? {} };
    }
    for (const issue of loaded.issues) {
        reporter.error((0,_manifest__WEBPACK_IMPORTED_MODULE_0__/* .formatIssue */ .Hd)(issue), { file: issue.file, line: issue.line, column: issue.column, title: 'invalid manifest' });
    }
    const count = loaded.issues.length;
    const headline = `${loaded.file}: ${count} ${count === 1 ? 'problem' : 'problems'} found`;
    return {
        ok: false,
        result: {
            status: failedStatus,
            outputs: {},
            summary: {
                title: 'stack-deploy: invalid manifest',
                lines: [headline],
                tables: [{ header: ['Where', 'Key', 'Problem'], rows: loaded.issues.map((i) => [`${i.file}:${i.line}:${i.column}`, i.path || '(root)', i.hint === undefined ? i.message : `${i.message} (${i.hint})`]) }],
            },
        },
    };
}
/** `validate`: every error in stack.yml, or one summary line. */
async function validate(file, reporter, envText) {
    const outcome = await loadAndReport(file, reporter, 'failed', envVariables(envText));
    if (!outcome.ok)
        return outcome.result;
    const manifest = outcome.manifest;
    const services = Object.keys(manifest.services);
    const environments = Object.keys(manifest.environments);
    const line = `${file} is valid: stack "${manifest.name}", ${services.length} ${services.length === 1 ? 'service' : 'services'} (${services.join(', ')}), ${environments.length} ${environments.length === 1 ? 'environment' : 'environments'} (${environments.join(', ')})`;
    reporter.info(line);
    return {
        status: 'success',
        outputs: { services: JSON.stringify(services) },
        summary: { title: 'stack-deploy: manifest is valid', lines: [line], tables: [] },
    };
}


/***/ })

};
;
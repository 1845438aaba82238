/**
 * The IDX file format of MNIST and Fashion-MNIST: reading (raw or gzip-compressed) with full
 * validation, and writing (used to make the bundled mini subset and the tests' tiny files).
 *
 * Layout (big-endian): two zero bytes, a type code (0x08 = unsigned byte), the number of
 * dimensions d, then d uint32 sizes, then the data in row-major order. Images are
 * `[count, 28, 28]` (magic 0x00000803), labels `[count]` (magic 0x00000801).
 *
 * @see http://yann.lecun.com/exdb/mnist/ (format description)
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

/** A parsed IDX file of unsigned bytes. */
export interface IdxArray {
  /** Sizes of each dimension, e.g. `[60000, 28, 28]`. */
  shape: number[];
  /** The values, row-major, `shape.reduce(×)` bytes. */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double',
};

/** Whether `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX buffer (already decompressed) of unsigned bytes, checking the magic number, the
 * number of dimensions and that the data length matches the header exactly.
 *
 * @param bytes the file's contents.
 * @param fileName named in error messages.
 * @param expectedDims the number of dimensions the caller needs (3 for images, 1 for labels);
 *   omit to accept any.
 * @returns the shape and a view of the data (no copy).
 * @throws an Error naming `fileName` and what was wrong (too short, bad magic, wrong type,
 *   wrong number of dimensions, truncated, trailing bytes).
 */
export function parseIdx(bytes: Uint8Array, fileName: string, expectedDims?: number): IdxArray {
  const where = `IDX file '${fileName}'`;
  if (bytes.length < 4) {
    throw new Error(`${where} is truncated: ${bytes.length} bytes, shorter than the 4-byte magic number`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${where} is corrupt: magic number must start with 00 00, got ${hex} (not an IDX file?)`);
  }
  const type = bytes[2];
  const dims = bytes[3];
  if (type !== UNSIGNED_BYTE) {
    throw new Error(`${where} holds ${TYPE_NAMES[type] ?? `unknown type 0x${type.toString(16)}`} values; only unsigned bytes (type 0x08) are supported`);
  }
  if (dims === 0) throw new Error(`${where} is corrupt: it declares 0 dimensions`);
  if (expectedDims !== undefined && dims !== expectedDims) {
    throw new Error(`${where} has ${dims} dimension(s) (magic 0x0000080${dims}), expected ${expectedDims} (magic 0x0000080${expectedDims})`);
  }
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw new Error(`${where} is truncated: ${bytes.length} bytes, shorter than its ${headerBytes}-byte header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let d = 0; d < dims; d++) {
    const n = view.getUint32(4 + 4 * d, false);
    shape.push(n);
    size *= n;
  }
  const available = bytes.length - headerBytes;
  if (available < size) {
    throw new Error(`${where} is truncated: header says [${shape.join(', ')}] = ${size} bytes of data, but only ${available} follow`);
  }
  if (available > size) {
    throw new Error(`${where} is corrupt: header says [${shape.join(', ')}] = ${size} bytes of data, but ${available} follow (${available - size} extra)`);
  }
  return { shape, data: bytes.subarray(headerBytes, headerBytes + size) };
}

/**
 * Decompresses `bytes` when they are gzip data, otherwise returns them unchanged.
 *
 * @param fileName named in the error for a damaged gzip stream.
 */
export function maybeGunzip(bytes: Uint8Array, fileName: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return zlib.gunzipSync(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`IDX file '${fileName}' is corrupt or truncated: gunzip failed (${reason})`);
  }
}

/**
 * Reads and parses an IDX file, raw or gzip-compressed (detected from the content, not the name).
 *
 * @param filePath the file to read.
 * @param expectedDims 3 for images, 1 for labels; omit to accept any.
 */
export function readIdxFile(filePath: string, expectedDims?: number): IdxArray {
  let raw: Uint8Array;
  try {
    raw = fs.readFileSync(filePath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`readIdxFile: cannot read '${filePath}': ${reason}`);
  }
  return parseIdx(maybeGunzip(raw, filePath), filePath, expectedDims);
}

/**
 * Encodes unsigned bytes as an IDX buffer (uncompressed; gzip it with `zlib.gzipSync` if wanted).
 *
 * @param data row-major values.
 * @param shape dimension sizes; their product must equal `data.length`.
 */
export function encodeIdx(data: Uint8Array, shape: readonly number[]): Uint8Array {
  if (shape.length === 0 || shape.length > 255 || shape.some((n) => !Number.isInteger(n) || n < 0 || n > 0xffffffff)) {
    throw new Error(`encodeIdx: 'shape' must be 1–255 non-negative uint32 sizes, got [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`encodeIdx: 'data' has ${data.length} values but 'shape' [${shape.join(', ')}] needs ${size}`);
  }
  const headerBytes = 4 + 4 * shape.length;
  const out = new Uint8Array(headerBytes + size);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = shape.length;
  shape.forEach((n, d) => view.setUint32(4 + 4 * d, n, false));
  out.set(data, headerBytes);
  return out;
}

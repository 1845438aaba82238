/**
 * The checkpoint folder format, without tfjs-node's `file://` handler: tensors go into one binary
 * file (`tensors.bin`, raw little-endian float32/int32 in manifest order) and everything else into
 * `manifest.json` (JSON values, tensor names/shapes/dtypes/offsets, the sha256 of `tensors.bin`
 * and a sha256 of the manifest body itself), or `manifest.json.gz` when written compressed.
 *
 * Saving is atomic at the folder level: everything is written (each file atomically, fsynced) into
 * a fresh temporary folder next to the target, then the old checkpoint is moved aside, the new
 * folder is renamed into place, and only then is the old one removed. A save that fails or is
 * interrupted never damages the previous checkpoint: at worst it leaves `<dir>.tmp-*` (ignored)
 * or `<dir>.old-*` (which {@link readCheckpoint} falls back to when `<dir>` is missing).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Float16Array } from '@petamoriken/float16';
import writeFileAtomic = require('write-file-atomic');
import type { StoredTensor } from '../runtime/checkpointable';

/** Format name written into every manifest. */
export const CHECKPOINT_FORMAT = 'contrastive-kit-checkpoint';
/** Format version; loading refuses other versions. */
export const CHECKPOINT_VERSION = 1;

const MANIFEST = 'manifest.json';
/** The gzip-compressed manifest of a compact checkpoint (shipped ones: their training records are large). */
const MANIFEST_GZ = 'manifest.json.gz';
const DATA = 'tensors.bin';

/** Where a tensor sits in `tensors.bin`. */
export interface TensorEntry {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  byteOffset: number;
  byteLength: number;
  /** 'float16' when a float32 tensor is stored as IEEE half floats (read back as float32). */
  encoding?: 'float16';
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /** Store float32 tensors as float16 (half the bytes; values rounded to 11 significant bits). */
  float16?: boolean;
  /** Write the manifest gzip-compressed (`manifest.json.gz`), e.g. for a long run's training record. */
  compress?: boolean;
}

/** The manifest of a checkpoint folder. */
export interface CheckpointManifest {
  format: string;
  version: number;
  createdAt: string;
  /** JSON values saved with the checkpoint (config, metrics, RNG states, …). */
  json: Record<string, unknown>;
  tensors: TensorEntry[];
  data: { file: string; byteLength: number; sha256: string };
  /** sha256 of the manifest's JSON without this field. */
  manifestSha256?: string;
}

/** What {@link readCheckpoint} returns. */
export interface CheckpointContents {
  /** The folder actually read (`dir`, or a `<dir>.old-*` left by an interrupted save). */
  dir: string;
  manifest: CheckpointManifest;
  tensors: Map<string, StoredTensor>;
}

/** An Error explaining why a checkpoint cannot be used. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

function sha256(data: Uint8Array | string): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function manifestDigest(manifest: CheckpointManifest): string {
  const { manifestSha256: _ignored, ...body } = manifest;
  return sha256(JSON.stringify(body));
}

/**
 * Writes a checkpoint folder atomically (see the module docs).
 *
 * @param dir the checkpoint folder (created; its parent is created too).
 * @param json JSON-serialisable values (config, metrics, RNG states, …).
 * @param tensors named tensors' values.
 * @param options.float16 store float32 tensors as float16.
 * @param options.compress write `manifest.json.gz` instead of `manifest.json`.
 * @returns the manifest written.
 */
export function writeCheckpoint(dir: string, json: Record<string, unknown>, tensors: ReadonlyArray<[string, StoredTensor]>, options: WriteCheckpointOptions = {}): CheckpointManifest {
  const fn = 'writeCheckpoint';
  if (typeof dir !== 'string' || dir === '') throw new Error(`${fn}: 'dir' must be a folder path, got ${JSON.stringify(dir)}`);
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });

  // Lay the tensors out.
  const entries: TensorEntry[] = [];
  const names = new Set<string>();
  let byteLength = 0;
  const stored: Uint8Array[] = [];
  for (const [name, tensor] of tensors) {
    if (names.has(name)) throw new Error(`${fn}: tensor name '${name}' appears twice`);
    names.add(name);
    const expected = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.values.length !== expected) throw new Error(`${fn}: tensor '${name}' has ${tensor.values.length} values but shape [${tensor.shape}]`);
    if ((tensor.dtype === 'float32') !== tensor.values instanceof Float32Array) throw new Error(`${fn}: tensor '${name}' is declared ${tensor.dtype} but holds a ${tensor.values.constructor.name}`);
    const half = options.float16 === true && tensor.dtype === 'float32';
    const values = half ? new Float16Array(tensor.values) : tensor.values;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    entries.push({ name, dtype: tensor.dtype, shape: tensor.shape.slice(), byteOffset: byteLength, byteLength: bytes.byteLength, ...(half ? { encoding: 'float16' as const } : {}) });
    stored.push(bytes);
    byteLength += bytes.byteLength;
  }
  const data = Buffer.alloc(byteLength);
  stored.forEach((bytes, i) => data.set(bytes, entries[i].byteOffset));
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    createdAt: new Date().toISOString(),
    json: JSON.parse(JSON.stringify(json)) as Record<string, unknown>,
    tensors: entries,
    data: { file: DATA, byteLength, sha256: sha256(data) },
  };
  manifest.manifestSha256 = manifestDigest(manifest);

  const temporary = fs.mkdtempSync(path.join(parent, `${path.basename(target)}.tmp-`));
  try {
    fs.chmodSync(temporary, 0o755); // mkdtemp makes it private; a checkpoint is an ordinary folder
    writeFileAtomic.sync(path.join(temporary, DATA), data, { fsync: true });
    const text = JSON.stringify(manifest, null, 1) + '\n';
    if (options.compress) writeFileAtomic.sync(path.join(temporary, MANIFEST_GZ), zlib.gzipSync(text, { level: 9 }), { fsync: true });
    else writeFileAtomic.sync(path.join(temporary, MANIFEST), text, { fsync: true });
    let aside: string | null = null;
    if (fs.existsSync(target)) {
      aside = `${target}.old-${process.pid}-${Date.now()}`;
      fs.renameSync(target, aside);
    }
    fs.renameSync(temporary, target);
    if (aside) fs.rmSync(aside, { recursive: true, force: true });
    // Folders left aside by earlier interrupted saves are superseded now.
    for (const stale of leftAside(target)) fs.rmSync(stale, { recursive: true, force: true });
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

function readOne(dir: string): CheckpointContents {
  const where = `checkpoint ${dir}`;
  const compressed = !fs.existsSync(path.join(dir, MANIFEST)) && fs.existsSync(path.join(dir, MANIFEST_GZ));
  const manifestName = compressed ? MANIFEST_GZ : MANIFEST;
  const manifestPath = path.join(dir, manifestName);
  if (!fs.existsSync(manifestPath)) throw new CheckpointError(`${where}: ${MANIFEST} is missing (an incomplete or foreign folder)`);
  let manifest: CheckpointManifest;
  try {
    const bytes = fs.readFileSync(manifestPath);
    manifest = JSON.parse((compressed ? zlib.gunzipSync(bytes) : bytes).toString('utf8')) as CheckpointManifest;
  } catch (error) {
    throw new CheckpointError(`${where}: ${manifestName} is not valid ${compressed ? 'gzip-compressed ' : ''}JSON (truncated or corrupt): ${(error as Error).message}`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${where}: ${MANIFEST} is not a ${CHECKPOINT_FORMAT} manifest`);
  if (manifest.version !== CHECKPOINT_VERSION) throw new CheckpointError(`${where}: format version ${manifest.version}, this kit reads version ${CHECKPOINT_VERSION}`);
  if (manifest.manifestSha256 !== manifestDigest(manifest)) throw new CheckpointError(`${where}: ${manifestName} checksum mismatch (the file was edited or corrupted)`);
  const dataPath = path.join(dir, manifest.data.file);
  if (!fs.existsSync(dataPath)) throw new CheckpointError(`${where}: ${manifest.data.file} is missing`);
  const data = fs.readFileSync(dataPath);
  if (data.byteLength !== manifest.data.byteLength) {
    throw new CheckpointError(`${where}: ${manifest.data.file} has ${data.byteLength} bytes, the manifest says ${manifest.data.byteLength} (truncated?)`);
  }
  const digest = sha256(data);
  if (digest !== manifest.data.sha256) {
    throw new CheckpointError(`${where}: ${manifest.data.file} checksum mismatch (sha256 ${digest.slice(0, 12)}…, manifest ${manifest.data.sha256.slice(0, 12)}…): the file is corrupt`);
  }
  const tensors = new Map<string, StoredTensor>();
  for (const entry of manifest.tensors) {
    const bytes = new Uint8Array(entry.byteLength);
    data.copy(bytes, 0, entry.byteOffset, entry.byteOffset + entry.byteLength);
    const values = entry.dtype === 'int32' ? new Int32Array(bytes.buffer) : entry.encoding === 'float16' ? Float32Array.from(new Float16Array(bytes.buffer)) : new Float32Array(bytes.buffer);
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, values });
  }
  return { dir, manifest, tensors };
}

/** Folders left aside by interrupted saves of `dir`, newest first. */
function leftAside(dir: string): string[] {
  const parent = path.dirname(dir);
  const prefix = `${path.basename(dir)}.old-`;
  if (!fs.existsSync(parent)) return [];
  return fs
    .readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .map((name) => path.join(parent, name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
}

/**
 * Whether a checkpoint (or one left aside by an interrupted save) exists at `dir`. It may still
 * be invalid: {@link readCheckpoint} checks.
 */
export function checkpointExists(dir: string): boolean {
  const target = path.resolve(dir);
  return fs.existsSync(path.join(target, MANIFEST)) || fs.existsSync(path.join(target, MANIFEST_GZ)) || leftAside(target).length > 0;
}

/**
 * Reads and verifies a checkpoint folder (manifest checksum, data size and sha256). When `dir`
 * itself is missing because a save was interrupted between its renames, the folder that save
 * moved aside is read instead.
 *
 * @throws CheckpointError explaining what is wrong.
 */
export function readCheckpoint(dir: string): CheckpointContents {
  const target = path.resolve(dir);
  if (fs.existsSync(target)) return readOne(target);
  for (const candidate of leftAside(target)) {
    try {
      return readOne(candidate);
    } catch {
      // try the next one
    }
  }
  throw new CheckpointError(`checkpoint ${target}: no such folder`);
}

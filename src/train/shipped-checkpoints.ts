/**
 * Shipped checkpoints: the encoders of the course's long runs, trained once with the kit's own
 * code (`npm run checkpoints:train`) and committed in `<kit>/checkpoints/`, so a learner runs a
 * notebook in course time instead of retraining for hours. Pretrained or train, as the best
 * tutorial kits do.
 *
 * `checkpoints/manifest.json` lists every shipped checkpoint: its exact training config, the SHA-256
 * of each file, the command and commit that trained it, epochs, training seconds, the machine, the
 * metrics measured right after training and the float16 check (weights are stored as float16 only
 * when the kNN top-1 accuracy moves by less than 0.1 point). {@link verifyShippedCheckpoint} checks a
 * folder against the index before anything is loaded; a flipped byte is an error that names the
 * file and says how to retrain. Nothing here ever writes into `checkpoints/` except
 * {@link recordShippedCheckpoint}, which only the training script's runs reach.
 *
 * @see notebooks/01-contrastive-loss.ipynb (the first notebook that loads one)
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic = require('write-file-atomic');
import { findKitRoot } from '../runtime/kit-root';
import { CheckpointError } from './checkpoint-file';

/** The index file's format name. */
export const SHIPPED_INDEX_FORMAT = 'contrastive-kit-shipped-checkpoints';
/** The index file inside the shipped folder. */
export const SHIPPED_INDEX_FILE = 'manifest.json';
/**
 * Environment variable naming the checkpoints a run trains for shipping (comma-separated names,
 * or `all`). Set by `npm run checkpoints:train`; not meant to be set by hand.
 */
export const SHIP_CHECKPOINTS_VARIABLE = 'CONTRASTIVE_KIT_SHIP_CHECKPOINTS';
/** Environment variable with the command line recorded in the index (set by the training script). */
export const SHIP_COMMAND_VARIABLE = 'CONTRASTIVE_KIT_SHIP_COMMAND';
/** Environment variable with the commit recorded in the index (set by the training script). */
export const SHIP_COMMIT_VARIABLE = 'CONTRASTIVE_KIT_SHIP_COMMIT';

/** Environment variable with the notebook recorded in the index (set by the training script). */
export const SHIP_NOTEBOOK_VARIABLE = 'CONTRASTIVE_KIT_SHIP_NOTEBOOK';

/** How to retrain instead of loading, for error messages and notebook lines. */
export const RETRAIN_HINT = "retrain with 'npm run walkthrough -- --retrain' (or CONTRASTIVE_KIT_RETRAIN=1 in Jupyter)";

/** One shipped checkpoint in the index. */
export interface ShippedCheckpointEntry {
  /** The notebook whose code trained it, e.g. `01-contrastive-loss`. */
  notebook: string;
  /** The exact training config (what `loadOrTrain` compares). */
  config: Record<string, unknown>;
  /** SHA-256 of each file in the checkpoint's folder. */
  files: Record<string, string>;
  /** Total bytes of those files. */
  bytes: number;
  /** How the weights are stored. */
  precision: 'float16' | 'float32';
  /** The kNN top-1 accuracy with float32 weights and with float16-rounded weights (same evaluation). */
  float16Check: { float32: number; float16: number } | null;
  /** The command that trained it. */
  command: string;
  /** The commit of the kit that trained it (with `+changes` when the tree had uncommitted changes). */
  commit: string;
  /** When training finished (ISO time). */
  trainedAt: string;
  /** Epochs trained (fractional for step budgets). */
  epochs: number | null;
  /** Training wall time in seconds. */
  trainingSeconds: number;
  /** The machine and backend it trained on. */
  machine: string;
  /** Metrics measured right after training (e.g. weighted kNN top-1 on the test set). */
  metrics: Record<string, number>;
}

/** The whole index. */
export interface ShippedIndex {
  format: string;
  version: number;
  checkpoints: Record<string, ShippedCheckpointEntry>;
}

/** The shipped folder: `<kit root>/checkpoints` (null outside a kit checkout). */
export function shippedCheckpointsRoot(): string | null {
  const root = findKitRoot();
  return root === null ? null : path.join(root, 'checkpoints');
}

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Reads `index.json` from a shipped folder (an empty index when there is none). */
export function readShippedIndex(root: string): ShippedIndex {
  const file = path.join(root, SHIPPED_INDEX_FILE);
  if (!fs.existsSync(file)) return { format: SHIPPED_INDEX_FORMAT, version: 1, checkpoints: {} };
  let index: ShippedIndex;
  try {
    index = JSON.parse(fs.readFileSync(file, 'utf8')) as ShippedIndex;
  } catch (error) {
    throw new CheckpointError(`${file} is not valid JSON (${(error as Error).message}); restore it with 'git checkout -- ${path.basename(root)}/${SHIPPED_INDEX_FILE}' or ${RETRAIN_HINT}`);
  }
  if (index?.format !== SHIPPED_INDEX_FORMAT || index.version !== 1 || typeof index.checkpoints !== 'object' || index.checkpoints === null) {
    throw new CheckpointError(`${file} is not a version-1 ${SHIPPED_INDEX_FORMAT} index`);
  }
  return index;
}

/**
 * Checks a shipped checkpoint's files against the index: every file listed is present with its
 * SHA-256, and no other file is in the folder.
 *
 * @returns the index entry, or null when the index does not list `name`.
 * @throws CheckpointError naming the file that is missing, extra or corrupt, and how to retrain.
 */
export function verifyShippedCheckpoint(root: string, name: string): ShippedCheckpointEntry | null {
  const entry = readShippedIndex(root).checkpoints[name];
  if (!entry) return null;
  const dir = path.join(root, name);
  const restore = `restore it with 'git checkout -- checkpoints/${name}' or ${RETRAIN_HINT}`;
  for (const [file, expected] of Object.entries(entry.files)) {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) throw new CheckpointError(`shipped checkpoint file ${full} is missing; ${restore}`);
    const actual = sha256File(full);
    if (actual !== expected) {
      throw new CheckpointError(`shipped checkpoint file ${full} is corrupt (sha256 ${actual.slice(0, 12)}…, ${SHIPPED_INDEX_FILE} says ${expected.slice(0, 12)}…); ${restore}`);
    }
  }
  if (fs.existsSync(dir)) {
    const extra = fs.readdirSync(dir).filter((file) => !(file in entry.files));
    if (extra.length > 0) throw new CheckpointError(`shipped checkpoint ${dir} holds files the index does not list: ${extra.join(', ')}`);
  }
  return entry;
}

/**
 * Verifies every checkpoint the index lists, and that every folder in the shipped root is listed.
 *
 * @returns one line per checkpoint; throws on the first problem.
 */
export function verifyAllShippedCheckpoints(root: string): string[] {
  const index = readShippedIndex(root);
  const lines: string[] = [];
  for (const name of Object.keys(index.checkpoints).sort()) {
    const entry = verifyShippedCheckpoint(root, name) as ShippedCheckpointEntry;
    lines.push(`${name}: ok (${entry.precision}, ${(entry.bytes / 2 ** 20).toFixed(2)} MiB, ${entry.trainingSeconds.toFixed(0)} s of training, trained ${entry.trainedAt})`);
  }
  if (fs.existsSync(root)) {
    const unlisted = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !(d.name in index.checkpoints)).map((d) => d.name);
    if (unlisted.length > 0) throw new CheckpointError(`${root} holds folders ${SHIPPED_INDEX_FILE} does not list: ${unlisted.join(', ')}`);
  }
  return lines;
}

/**
 * Adds or replaces a checkpoint in the index (atomically), hashing the files now in its folder.
 * Called by `loadOrTrain` in a run of `npm run checkpoints:train`, after the folder was written.
 */
export function recordShippedCheckpoint(root: string, name: string, entry: Omit<ShippedCheckpointEntry, 'files' | 'bytes'>): ShippedCheckpointEntry {
  const dir = path.join(root, name);
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const file of fs.readdirSync(dir).sort()) {
    files[file] = sha256File(path.join(dir, file));
    bytes += fs.statSync(path.join(dir, file)).size;
  }
  const index = readShippedIndex(root);
  const full: ShippedCheckpointEntry = { ...entry, files, bytes };
  index.checkpoints[name] = full;
  const sorted: ShippedIndex = { ...index, checkpoints: Object.fromEntries(Object.entries(index.checkpoints).sort(([a], [b]) => a.localeCompare(b))) };
  writeFileAtomic.sync(path.join(root, SHIPPED_INDEX_FILE), JSON.stringify(sorted, null, 1) + '\n', { fsync: true });
  return full;
}

/** Whether this run trains `name` for shipping ({@link SHIP_CHECKPOINTS_VARIABLE}). */
export function isShipping(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env[SHIP_CHECKPOINTS_VARIABLE] ?? '').trim();
  if (value === '') return false;
  if (value === 'all') return true;
  return value.split(',').map((part) => part.trim()).includes(name);
}

/**
 * Results files: each notebook writes its headline numbers, computed in the run, to
 * `build/results/<notebook-name>.json` — one object per method/ablation arm, the main one first.
 * The walkthrough collects them into its summary.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { fashionMnistKind } from '../data/fashion-mnist';

/** One row of a notebook's results (fractions are 0–1). */
export interface ResultRow {
  /** The notebook's name, e.g. `02-triplet-loss`. */
  notebook: string;
  /** The method or ablation arm, e.g. `triplet (semi-hard)`. */
  method: string;
  /** `full` or `fast` (CONTRASTIVE_KIT_FAST). */
  mode: 'full' | 'fast';
  /**
   * The data: `full` Fashion-MNIST or the bundled `mini` subset. {@link writeResults} fills it in
   * from the data the loader finds; files written before the field existed read as `full`.
   */
  data?: 'full' | 'mini';
  /** The backend the run used (`node`, `wasm`, `cpu`). */
  backend: string;
  /** Number of training images. */
  train: number;
  /** Number of test images. */
  test: number;
  /** Training epochs (fractions allowed). */
  epochs: number;
  /** Training wall time in seconds. */
  seconds: number;
  /** Weighted kNN top-1 (k=200, σ=0.1, cosine on L2-normalised embeddings). */
  knnTop1: number;
  /** 1-NN top-1 on the same embeddings. */
  oneNNTop1: number;
  /** 1-NN top-1 on raw pixels, same train/test split. */
  rawPixelOneNNTop1: number;
  /**
   * Set when the row's encoder was loaded from a checkpoint instead of trained in this run: when
   * it was trained (ISO time, `loadOrTrain`'s `trainedAt`). `seconds` is then the time recorded
   * by that earlier run. Absent when the encoder was trained in this run.
   */
  checkpointTrainedAt?: string;
  /**
   * Weighted kNN top-1 of the same encoder before training (self-supervised rows): a run that
   * ends below it has made the features worse.
   */
  untrainedKnnTop1?: number;
  /** Anything else worth keeping (numbers or strings). */
  [extra: string]: unknown;
}

const REQUIRED: Array<[keyof ResultRow, 'string' | 'number']> = [
  ['notebook', 'string'], ['method', 'string'], ['mode', 'string'], ['backend', 'string'],
  ['train', 'number'], ['test', 'number'], ['epochs', 'number'], ['seconds', 'number'],
  ['knnTop1', 'number'], ['oneNNTop1', 'number'], ['rawPixelOneNNTop1', 'number'],
];

/** Throws, naming the row and field, unless `row` is a complete, finite {@link ResultRow}. */
export function validateResultRow(row: unknown, where = 'row'): asserts row is ResultRow {
  if (row === null || typeof row !== 'object') throw new Error(`writeResults: ${where} must be an object`);
  const record = row as Record<string, unknown>;
  for (const [key, type] of REQUIRED) {
    const value = record[key as string];
    if (typeof value !== type) throw new Error(`writeResults: ${where}.${String(key)} must be a ${type}, got ${JSON.stringify(value)}`);
    if (type === 'number' && !Number.isFinite(value)) throw new Error(`writeResults: ${where}.${String(key)} must be finite, got ${value}`);
  }
  if (record.mode !== 'full' && record.mode !== 'fast') throw new Error(`writeResults: ${where}.mode must be 'full' or 'fast', got ${JSON.stringify(record.mode)}`);
  if (record.data !== undefined && record.data !== 'full' && record.data !== 'mini') throw new Error(`writeResults: ${where}.data must be 'full' or 'mini' when given, got ${JSON.stringify(record.data)}`);
  const trainedAt = record.checkpointTrainedAt;
  if (trainedAt !== undefined && (typeof trainedAt !== 'string' || Number.isNaN(Date.parse(trainedAt)))) {
    throw new Error(`writeResults: ${where}.checkpointTrainedAt must be an ISO time string when given, got ${JSON.stringify(trainedAt)}`);
  }
  const untrainedKnn = record.untrainedKnnTop1;
  if (untrainedKnn !== undefined && (typeof untrainedKnn !== 'number' || !(untrainedKnn >= 0 && untrainedKnn <= 1))) {
    throw new Error(`writeResults: ${where}.untrainedKnnTop1 must be a fraction in [0, 1] when given, got ${JSON.stringify(untrainedKnn)}`);
  }
  for (const key of ['knnTop1', 'oneNNTop1', 'rawPixelOneNNTop1']) {
    const value = record[key] as number;
    if (value < 0 || value > 1) throw new Error(`writeResults: ${where}.${key} must be a fraction in [0, 1], got ${value}`);
  }
}

/** The folder results go to: `$CONTRASTIVE_KIT_RESULTS_DIR` or `build/results` of the repo. */
export function resultsDir(): string {
  if (process.env.CONTRASTIVE_KIT_RESULTS_DIR) return path.resolve(process.env.CONTRASTIVE_KIT_RESULTS_DIR);
  // dist/notebook/results.js → repo root is three folders up from dist/notebook.
  return path.resolve(__dirname, '..', '..', '..', 'build', 'results');
}

/**
 * Writes a notebook's results atomically to `build/results/<notebook>.json` and returns the path.
 *
 * @param notebook the notebook's name; every row's `notebook` must match it.
 * @param rows one row per method/ablation arm, the main result first; a row without `data` gets
 *   the kind of data the loader finds (`full` or `mini`).
 */
export function writeResults(notebook: string, rows: ResultRow[]): string {
  if (typeof notebook !== 'string' || !/^\d\d-[\w-]+$/.test(notebook)) {
    throw new Error(`writeResults: 'notebook' must be a notebook name like '01-contrastive-loss', got ${JSON.stringify(notebook)}`);
  }
  if (!Array.isArray(rows) || rows.length === 0) throw new Error("writeResults: 'rows' must be a non-empty array");
  rows.forEach((row, index) => {
    validateResultRow(row, `rows[${index}]`);
    if (row.notebook !== notebook) throw new Error(`writeResults: rows[${index}].notebook is '${row.notebook}', expected '${notebook}'`);
  });
  let data: 'full' | 'mini' = 'mini';
  try {
    data = fashionMnistKind();
  } catch {
    // no data at all: the rows were computed on something else; keep 'mini' as the cautious label
  }
  const stamped = rows.map((row) => (row.data === undefined ? { ...row, data } : row));
  const dir = resultsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${notebook}.json`);
  writeFileAtomic.sync(file, JSON.stringify(stamped.length === 1 ? stamped[0] : stamped, null, 2) + '\n');
  return file;
}

/** Reads and validates a results file; always returns an array of rows. */
export function readResults(file: string): ResultRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`readResults: cannot read '${file}': ${(error as Error).message}`);
  }
  const rows = Array.isArray(parsed) ? parsed : [parsed];
  rows.forEach((row, index) => validateResultRow(row, `${path.basename(file)}[${index}]`));
  return rows as ResultRow[];
}

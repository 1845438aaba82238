/**
 * The PyTorch reference runs behind the notebooks' full-mode targets: `scripts/reference/
 * torch_reference.py` trains the full-mode recipe of a notebook's main run in PyTorch (its own
 * initialisation and random streams), evaluates it with the kit's weighted kNN and commits the
 * result to `scripts/reference/torch-reference.json`. {@link torchReferenceRun} reads that file,
 * checks it, and checks that the recipe it ran is still the notebook's (a notebook whose settings
 * changed must not quote a reference of another recipe).
 *
 * @example
 * const reference = torchReferenceRun('01-contrastive-loss', { expect: { epochs: 12, margin: 1 } });
 * console.log(`PyTorch: ${pct(reference.knnTop1)} after ${reference.epochs} epochs`);
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as fs from 'fs';
import * as path from 'path';
import { findKitRoot } from '../runtime/kit-root';

/** The file's `format` field. */
export const TORCH_REFERENCE_FORMAT = 'contrastive-kit-torch-reference';
/** Where the file lives, relative to the kit's root. */
export const TORCH_REFERENCE_FILE = 'scripts/reference/torch-reference.json';
/** The command that writes an entry (add the notebook's number, e.g. `01`). */
export const TORCH_REFERENCE_COMMAND = '/usr/bin/python3 scripts/reference/torch_reference.py';

/** One evaluation of the reference run: after an epoch, and at the end. */
export interface TorchReferencePoint {
  /** Epochs trained so far (fractions at the end of a run of 3.3 epochs). */
  epoch: number;
  /** Steps trained so far. */
  step: number;
  /** Weighted kNN top-1 (0–1). */
  knnTop1: number;
  /** 1-NN top-1 (0–1). */
  oneNNTop1: number;
}

/** One notebook's reference run, as torch_reference.py writes it (fractions are 0–1). */
export interface TorchReferenceRun {
  /** Weighted kNN top-1 after the whole recipe. */
  knnTop1: number;
  /** 1-NN top-1 after the whole recipe. */
  oneNNTop1: number;
  /** Weighted kNN top-1 of the same network before training. */
  untrainedKnnTop1: number;
  /** Epochs trained (the recipe's). */
  epochs: number;
  /** Steps trained. */
  steps: number;
  /** Wall time of the training steps (evaluations excluded). */
  trainingSeconds: number;
  /** The kNN accuracy after every epoch and at the end (the last point is the result). */
  curve: TorchReferencePoint[];
  /** The recipe: the notebook's full-mode settings and the constants of its main run. */
  settings: Record<string, unknown>;
  /** The kNN protocol: k, temperature, metric. */
  evaluation: { k: number; temperature: number; metric: string };
  /** PyTorch's version. */
  torch: string;
  /** Intra-op threads. */
  threads: number;
  /** Which BLAS computed the products (`sgemm`: the library file). */
  blas: { sgemm: string | null };
  /** When the run finished (ISO). */
  date: string;
  /** The machine. */
  machine: string;
  /** The command that produced the entry. */
  command: string;
  /**
   * 01 only: the mean distance of 256 random training pairs under PyTorch's default
   * initialisation, before the output layer was rescaled to start them one margin apart.
   */
  initialDistance?: number;
  /** The commit of the kit the script ran at. */
  commit: string | null;
}

/** The whole file. */
export interface TorchReferenceFile {
  format: string;
  version: number;
  runs: Record<string, TorchReferenceRun>;
}

const FRACTIONS = ['knnTop1', 'oneNNTop1', 'untrainedKnnTop1'] as const;
const POSITIVE = ['epochs', 'steps', 'trainingSeconds', 'threads'] as const;
const STRINGS = ['torch', 'date', 'machine', 'command'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFraction = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1;

/**
 * Parses and checks the text of `torch-reference.json`.
 *
 * @param text the file's text.
 * @param source the file name for messages.
 * @returns the file, every run checked.
 * @throws Error naming the file, the run and the field that is missing or out of range.
 */
export function parseTorchReference(text: string, source = TORCH_REFERENCE_FILE): TorchReferenceFile {
  const fn = 'parseTorchReference';
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fn}: ${source} is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(document) || document.format !== TORCH_REFERENCE_FORMAT || document.version !== 1 || !isRecord(document.runs)) {
    throw new Error(`${fn}: ${source} is not a version-1 ${TORCH_REFERENCE_FORMAT} file`);
  }
  for (const [notebook, run] of Object.entries(document.runs)) {
    const bad = (what: string) => new Error(`${fn}: ${source}, run '${notebook}': ${what}`);
    if (!isRecord(run)) throw bad('must be an object');
    for (const field of FRACTIONS) if (!isFraction(run[field])) throw bad(`'${field}' must be a fraction in [0, 1], got ${JSON.stringify(run[field])}`);
    for (const field of POSITIVE) {
      if (typeof run[field] !== 'number' || !((run[field] as number) > 0)) throw bad(`'${field}' must be a positive number, got ${JSON.stringify(run[field])}`);
    }
    for (const field of STRINGS) if (typeof run[field] !== 'string' || run[field] === '') throw bad(`'${field}' must be a non-empty string`);
    if (!isRecord(run.settings)) throw bad(`'settings' must be an object`);
    if (run.initialDistance !== undefined && !(typeof run.initialDistance === 'number' && run.initialDistance > 0)) {
      throw bad(`'initialDistance' must be a positive number when present, got ${JSON.stringify(run.initialDistance)}`);
    }
    const evaluation = run.evaluation;
    if (!isRecord(evaluation) || typeof evaluation.k !== 'number' || typeof evaluation.temperature !== 'number' || typeof evaluation.metric !== 'string') {
      throw bad(`'evaluation' must hold k, temperature and metric`);
    }
    if (!isRecord(run.blas) || !(run.blas.sgemm === null || typeof run.blas.sgemm === 'string')) throw bad(`'blas.sgemm' must be a string or null`);
    const curve = run.curve;
    if (!Array.isArray(curve) || curve.length === 0) throw bad(`'curve' must be a non-empty array`);
    curve.forEach((point: unknown, i) => {
      if (!isRecord(point) || typeof point.epoch !== 'number' || typeof point.step !== 'number' || !isFraction(point.knnTop1) || !isFraction(point.oneNNTop1)) {
        throw bad(`'curve[${i}]' must be { epoch, step, knnTop1, oneNNTop1 }`);
      }
      if (i > 0 && point.step <= (curve[i - 1] as TorchReferencePoint).step) throw bad(`'curve' steps must increase (curve[${i}])`);
    });
    const last = curve[curve.length - 1] as TorchReferencePoint;
    if (last.step !== run.steps || last.knnTop1 !== run.knnTop1) throw bad(`the last point of 'curve' must be the result (step ${String(run.steps)}, knnTop1 ${String(run.knnTop1)})`);
  }
  return document as unknown as TorchReferenceFile;
}

/** Options of {@link torchReferenceRun}. */
export interface TorchReferenceOptions {
  /**
   * Settings the reference must have run with, e.g. the notebook's full-mode `{ epochs: 12 }`:
   * any difference throws, naming the command that runs the reference again.
   */
  expect?: Record<string, number | string>;
  /** The file to read (default: {@link TORCH_REFERENCE_FILE} in the kit's checkout). */
  file?: string;
}

/**
 * The PyTorch reference run of a notebook's full-mode recipe, read from the committed
 * `scripts/reference/torch-reference.json` and checked.
 *
 * @param notebook the notebook's name, e.g. `'01-contrastive-loss'`.
 * @param options `expect`: settings to check; `file`: another file.
 * @returns the run.
 * @throws Error when the file is missing or malformed, has no run of `notebook`, or the run's
 *   recipe differs from `expect`.
 */
export function torchReferenceRun(notebook: string, options: TorchReferenceOptions = {}): TorchReferenceRun {
  const fn = 'torchReferenceRun';
  if (typeof notebook !== 'string' || notebook === '') throw new Error(`${fn}: 'notebook' must be a notebook name like '01-contrastive-loss'`);
  const root = findKitRoot();
  const file = options.file ?? (root === null ? null : path.join(root, TORCH_REFERENCE_FILE));
  if (file === null || !fs.existsSync(file)) {
    throw new Error(`${fn}: ${file ?? TORCH_REFERENCE_FILE} not found (it ships with the kit's checkout; restore it with 'git checkout -- ${TORCH_REFERENCE_FILE}')`);
  }
  const runs = parseTorchReference(fs.readFileSync(file, 'utf8'), file).runs;
  const run = runs[notebook];
  const rerun = `run '${TORCH_REFERENCE_COMMAND} ${notebook.slice(0, 2)}' to measure it`;
  if (run === undefined) throw new Error(`${fn}: ${file} has no run of '${notebook}' (it has ${Object.keys(runs).join(', ') || 'none'}); ${rerun}`);
  const differences = Object.entries(options.expect ?? {})
    .filter(([key, value]) => run.settings[key] !== value)
    .map(([key, value]) => `${key}: reference ${JSON.stringify(run.settings[key])}, notebook ${JSON.stringify(value)}`);
  if (differences.length > 0) {
    throw new Error(`${fn}: the PyTorch reference of '${notebook}' ran another recipe (${differences.join('; ')}); ${rerun}`);
  }
  return run;
}

/**
 * The first evaluation of the reference run at or above `target`, or null when none reached it.
 *
 * @param run a {@link torchReferenceRun} result.
 * @param target a weighted-kNN accuracy (0–1).
 */
export function firstReferencePointAtOrAbove(run: TorchReferenceRun, target: number): TorchReferencePoint | null {
  if (!isFraction(target)) throw new Error(`firstReferencePointAtOrAbove: 'target' must be a fraction in [0, 1], got ${target}`);
  return run.curve.find((point) => point.knnTop1 >= target) ?? null;
}

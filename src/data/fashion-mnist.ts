/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research, MIT licence): 28×28 grayscale
 * images of 10 kinds of clothing, 60 000 for training and 10 000 for testing.
 *
 * {@link loadFashionMnist} finds the data in this order and says which it used:
 * 1. an explicit `dir` option, or the `FASHION_MNIST_DIR` environment variable;
 * 2. the kit's `datasets/fashion-mnist/` (filled by `npm run fetch-data`);
 * 3. the Debian/Ubuntu package `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist`);
 * 4. the bundled mini subset `datasets/fashion-mnist-mini/` (600 train + 100 test images per
 *    class, committed with the kit, so a fresh clone always runs offline).
 *
 * Pixels are kept as `Uint8Array` (0–255) — the full training set is 47 MB that way, 188 MB as
 * float32 — and converted to float32 in [0, 1] per batch by {@link imagesTensor} /
 * {@link imagesToFloat32}.
 *
 * @see https://github.com/zalandoresearch/fashion-mnist
 * @see https://arxiv.org/abs/1708.07747
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { findKitRoot } from '../runtime/kit-root';
import { readIdxFile } from './idx';

/** The ten class names, indexed by label (from the Fashion-MNIST README). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Image side length in pixels. */
export const FASHION_MNIST_SIZE = 28;

/** The four official file names (without `.gz`; the loader accepts both forms). */
export const FASHION_MNIST_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
});

/** Where the Debian/Ubuntu package `dataset-fashion-mnist` installs the files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Environment variable naming a folder with the four files. */
export const FASHION_MNIST_DIR_VARIABLE = 'FASHION_MNIST_DIR';

/** Which kind of source the data came from. */
export type FashionMnistSourceKind = 'explicit' | 'env' | 'fetched' | 'debian' | 'bundled-mini';

/** Where the data was (or would be) found. */
export interface FashionMnistSource {
  kind: FashionMnistSourceKind;
  /** The folder holding the four files. */
  dir: string;
  /** A sentence for people: what this source is. */
  description: string;
  /** false for the bundled mini subset (6 000 / 1 000 images), true otherwise. */
  complete: boolean;
}

/** One split (train or test). */
export interface ImageSplit {
  name: 'train' | 'test';
  /** Pixels 0–255, row-major `[count, 28, 28]`. */
  images: Uint8Array;
  /** Class labels 0–9, `[count]`; names in {@link FASHION_MNIST_CLASS_NAMES}. */
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
}

/** What {@link loadFashionMnist} returns. */
export interface FashionMnist {
  train: ImageSplit;
  test: ImageSplit;
  classNames: readonly string[];
  /** Which source was used. */
  source: FashionMnistSource;
  /** The four files read, by role. */
  files: Record<keyof typeof FASHION_MNIST_FILES, string>;
}

/** Options of {@link locateFashionMnist} and {@link loadFashionMnist}. */
export interface FashionMnistLocateOptions {
  /** A folder with the four files: used instead of the search, an error if files are missing. */
  dir?: string;
  /** Environment to read `FASHION_MNIST_DIR` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** The kit's root folder (the one holding `datasets/`); found automatically by default. */
  kitRoot?: string;
  /** The Debian package folder (default {@link DEBIAN_FASHION_MNIST_DIR}). */
  debianDir?: string;
}

/** One place the search looked at, and why it was or was not used. */
export interface FashionMnistCandidate extends FashionMnistSource {
  /** Paths of the four files by role, or null when the folder does not have all four. */
  files: Record<keyof typeof FASHION_MNIST_FILES, string> | null;
  /** What is missing, when `files` is null. */
  missing: string[];
}

function findFiles(dir: string): { files: FashionMnistCandidate['files']; missing: string[] } {
  const found: Partial<Record<keyof typeof FASHION_MNIST_FILES, string>> = {};
  const missing: string[] = [];
  for (const [role, name] of Object.entries(FASHION_MNIST_FILES) as Array<[keyof typeof FASHION_MNIST_FILES, string]>) {
    const candidates = [path.join(dir, `${name}.gz`), path.join(dir, name)];
    const hit = candidates.find((file) => fs.existsSync(file) && fs.statSync(file).isFile());
    if (hit) found[role] = hit;
    else missing.push(`${name}[.gz]`);
  }
  return { files: missing.length ? null : (found as Record<keyof typeof FASHION_MNIST_FILES, string>), missing };
}

/**
 * Every place the loader looks, in order, with whether it has the four files. Useful to show
 * learners why a source was chosen (00-setup prints it).
 *
 * @param options see {@link FashionMnistLocateOptions}.
 */
export function fashionMnistCandidates(options: FashionMnistLocateOptions = {}): FashionMnistCandidate[] {
  const env = options.env ?? process.env;
  const list: FashionMnistSource[] = [];
  if (options.dir !== undefined) {
    list.push({ kind: 'explicit', dir: path.resolve(options.dir), description: "the folder passed as 'dir'", complete: true });
  }
  const envDir = env[FASHION_MNIST_DIR_VARIABLE];
  if (envDir) {
    list.push({ kind: 'env', dir: path.resolve(envDir), description: `the folder in ${FASHION_MNIST_DIR_VARIABLE}`, complete: true });
  }
  const kitRoot = options.kitRoot ?? findKitRoot();
  if (kitRoot !== null) {
    list.push({ kind: 'fetched', dir: path.join(kitRoot, 'datasets', 'fashion-mnist'), description: 'the kit\'s datasets/fashion-mnist (npm run fetch-data)', complete: true });
  }
  list.push({ kind: 'debian', dir: options.debianDir ?? DEBIAN_FASHION_MNIST_DIR, description: 'the Debian/Ubuntu package dataset-fashion-mnist', complete: true });
  if (kitRoot !== null) {
    list.push({ kind: 'bundled-mini', dir: path.join(kitRoot, 'datasets', 'fashion-mnist-mini'), description: 'the bundled mini subset (600 train + 100 test images per class)', complete: false });
  }
  return list.map((source) => ({ ...source, ...findFiles(source.dir) }));
}

/**
 * Finds the data without reading it.
 *
 * @param options see {@link FashionMnistLocateOptions}.
 * @returns the first usable source and its four files.
 * @throws when an explicitly requested folder (`dir` or `FASHION_MNIST_DIR`) lacks files — an
 *   explicit request never falls back silently — or when no source has all four files.
 */
export function locateFashionMnist(options: FashionMnistLocateOptions = {}): FashionMnistCandidate & { files: Record<keyof typeof FASHION_MNIST_FILES, string> } {
  const candidates = fashionMnistCandidates(options);
  for (const candidate of candidates) {
    if (candidate.files === null && (candidate.kind === 'explicit' || candidate.kind === 'env')) {
      const what = candidate.kind === 'explicit' ? "'dir'" : FASHION_MNIST_DIR_VARIABLE;
      throw new Error(`loadFashionMnist: ${what} is '${candidate.dir}', which lacks ${candidate.missing.join(', ')}`);
    }
    if (candidate.files !== null) return candidate as FashionMnistCandidate & { files: Record<keyof typeof FASHION_MNIST_FILES, string> };
  }
  const looked = candidates.map((c) => `${c.dir} (${c.kind})`).join('; ');
  throw new Error(`loadFashionMnist: no Fashion-MNIST files found; looked in ${looked}. Run 'npm run fetch-data' or set ${FASHION_MNIST_DIR_VARIABLE}.`);
}

/** Training and test images in the full Fashion-MNIST. */
export const FASHION_MNIST_FULL_COUNTS = Object.freeze({ train: 60000, test: 10000 });

const kindCache = new Map<string, 'full' | 'mini'>();

/**
 * Whether the data the loader would read is the whole Fashion-MNIST (`full`: 60 000 training and
 * 10 000 test images) or a subset such as the bundled mini one (`mini`), judged by counting the
 * labels, so a `FASHION_MNIST_DIR` pointing at a subset counts as `mini` too. Notebooks run their
 * full recipes either way; on `mini` they check the targets measured for the subset.
 *
 * @param options as for {@link loadFashionMnist}.
 * @throws as {@link locateFashionMnist} when no data is found.
 */
export function fashionMnistKind(options: FashionMnistLocateOptions = {}): 'full' | 'mini' {
  const { files } = locateFashionMnist(options);
  const key = [files.trainLabels, files.testLabels].map((file) => `${file}@${fs.statSync(file).mtimeMs}`).join('|');
  let kind = kindCache.get(key);
  if (kind === undefined) {
    const train = readIdxFile(files.trainLabels, 1).shape[0];
    const test = readIdxFile(files.testLabels, 1).shape[0];
    kind = train === FASHION_MNIST_FULL_COUNTS.train && test === FASHION_MNIST_FULL_COUNTS.test ? 'full' : 'mini';
    kindCache.set(key, kind);
  }
  return kind;
}

/**
 * Reads one split's image and label files and checks that they agree.
 *
 * @param imagesFile an IDX3 file of `[count, 28, 28]` unsigned bytes (raw or .gz).
 * @param labelsFile an IDX1 file of `[count]` labels 0–9.
 */
export function readImageSplit(name: 'train' | 'test', imagesFile: string, labelsFile: string): ImageSplit {
  const images = readIdxFile(imagesFile, 3);
  const labels = readIdxFile(labelsFile, 1);
  const [count, height, width] = images.shape;
  if (height !== FASHION_MNIST_SIZE || width !== FASHION_MNIST_SIZE) {
    throw new Error(`loadFashionMnist: '${imagesFile}' holds ${height}×${width} images, expected 28×28`);
  }
  if (labels.shape[0] !== count) {
    throw new Error(`loadFashionMnist: '${imagesFile}' has ${count} images but '${labelsFile}' has ${labels.shape[0]} labels`);
  }
  for (let i = 0; i < labels.data.length; i++) {
    if (labels.data[i] >= FASHION_MNIST_CLASS_NAMES.length) {
      throw new Error(`loadFashionMnist: '${labelsFile}' is corrupt: label ${labels.data[i]} at index ${i} is not a class 0–9`);
    }
  }
  return { name, images: images.data, labels: labels.data, count, height, width };
}

/**
 * Loads Fashion-MNIST from the first source that has it (see the module comment for the order).
 *
 * @param options `dir` to force a folder; the rest is for tests (see {@link FashionMnistLocateOptions}).
 * @returns both splits as uint8 arrays, the class names, the source used and the files read.
 * @throws an Error naming the file and the fault for truncated, corrupt or mismatched files.
 * @see notebooks/00-setup.ipynb
 */
export function loadFashionMnist(options: FashionMnistLocateOptions = {}): FashionMnist {
  const found = locateFashionMnist(options);
  const { files } = found;
  const train = readImageSplit('train', files.trainImages, files.trainLabels);
  const test = readImageSplit('test', files.testImages, files.testLabels);
  const source: FashionMnistSource = { kind: found.kind, dir: found.dir, description: found.description, complete: found.complete };
  return { train, test, classNames: FASHION_MNIST_CLASS_NAMES, source, files };
}

function checkIndices(split: ImageSplit, indices: ArrayLike<number> | undefined, caller: string): ArrayLike<number> | null {
  if (indices === undefined) return null;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= split.count) {
      throw new Error(`${caller}: 'indices[${i}]' is ${index}, expected an integer in [0, ${split.count})`);
    }
  }
  return indices;
}

/**
 * The chosen images as float32 in [0, 1].
 *
 * @param split a split from {@link loadFashionMnist}.
 * @param indices which images (default: all), in this order.
 * @returns `[n, 28·28]` row-major.
 */
export function imagesToFloat32(split: ImageSplit, indices?: ArrayLike<number>): Float32Array {
  const chosen = checkIndices(split, indices, 'imagesToFloat32');
  const pixels = split.height * split.width;
  const n = chosen === null ? split.count : chosen.length;
  const out = new Float32Array(n * pixels);
  const scale = 1 / 255;
  for (let row = 0; row < n; row++) {
    const start = (chosen === null ? row : chosen[row]) * pixels;
    const base = row * pixels;
    for (let p = 0; p < pixels; p++) out[base + p] = split.images[start + p] * scale;
  }
  return out;
}

/**
 * The chosen images as a float32 tensor in [0, 1].
 *
 * @param split a split from {@link loadFashionMnist}.
 * @param indices which images (default: all).
 * @param layout `'nhwc'` → `[n, 28, 28, 1]` (for conv nets and augmentation), `'flat'` → `[n, 784]`.
 */
export function imagesTensor(split: ImageSplit, indices?: ArrayLike<number>, layout: 'nhwc' | 'flat' = 'nhwc'): tf.Tensor {
  if (layout !== 'nhwc' && layout !== 'flat') {
    throw new Error(`imagesTensor: 'layout' must be 'nhwc' or 'flat', got '${String(layout)}'`);
  }
  const values = imagesToFloat32(split, indices);
  const n = values.length / (split.height * split.width);
  return layout === 'nhwc'
    ? tf.tensor4d(values, [n, split.height, split.width, 1]) // [n, 28, 28, 1]
    : tf.tensor2d(values, [n, split.height * split.width]); // [n, 784]
}

/**
 * The chosen labels as an int32 tensor `[n]`.
 *
 * @param split a split from {@link loadFashionMnist}.
 * @param indices which labels (default: all).
 */
export function labelsTensor(split: ImageSplit, indices?: ArrayLike<number>): tf.Tensor1D {
  const chosen = checkIndices(split, indices, 'labelsTensor');
  const n = chosen === null ? split.count : chosen.length;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = split.labels[chosen === null ? i : chosen[i]];
  return tf.tensor1d(out, 'int32');
}

/**
 * A new split holding only the chosen images (copied), e.g. a stratified subset for fast mode.
 *
 * @param split the split to take from.
 * @param indices which images, in this order.
 */
export function takeFromSplit(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  checkIndices(split, indices, 'takeFromSplit');
  const pixels = split.height * split.width;
  const images = new Uint8Array(indices.length * pixels);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    images.set(split.images.subarray(indices[i] * pixels, (indices[i] + 1) * pixels), i * pixels);
    labels[i] = split.labels[indices[i]];
  }
  return { name: split.name, images, labels, count: indices.length, height: split.height, width: split.width };
}

/** Number of images of each class, `[10]`. */
export function classCounts(labels: ArrayLike<number>, numClasses = FASHION_MNIST_CLASS_NAMES.length): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new Error(`classCounts: 'labels[${i}]' is ${label}, expected an integer in [0, ${numClasses})`);
    }
    counts[label]++;
  }
  return counts;
}

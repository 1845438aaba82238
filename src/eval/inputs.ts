/**
 * Input checks shared by the evaluation functions: embeddings must be 2-D float tensors, labels
 * integer class ids of the right length. Errors name the calling function and the argument.
 */
import * as tf from '@tensorflow/tfjs';

/** Class labels: non-negative integers, as an array, a typed array or a 1-D tensor. */
export type Labels = ArrayLike<number> | tf.Tensor;

/** A labelled set of embeddings, e.g. the training set's features and classes. */
export interface LabelledEmbeddings {
  /** The embeddings, one row per example. // [numExamples, dim] */
  embeddings: tf.Tensor2D;
  /** The class of each row. // [numExamples] */
  labels: Labels;
}

/**
 * Checks that `value` is a 2-D tensor with at least one row and one column.
 * @param fn the calling function's name (for the error message).
 * @param name the argument's name.
 */
export function checkMatrix(value: unknown, fn: string, name: string): tf.Tensor2D {
  if (!(value instanceof tf.Tensor)) {
    throw new Error(`${fn}: '${name}' must be a 2-D tensor [rows, dim], got ${describe(value)}`);
  }
  if (value.rank !== 2 || value.shape[0] === 0 || value.shape[1] === 0) {
    throw new Error(`${fn}: '${name}' must be a non-empty 2-D tensor [rows, dim], got shape [${value.shape}]`);
  }
  if (value.dtype !== 'float32' && value.dtype !== 'int32') {
    throw new Error(`${fn}: '${name}' must hold numbers (float32 or int32), got dtype ${value.dtype}`);
  }
  return value as tf.Tensor2D;
}

/** Checks that `b` has the same number of columns as `a`. */
export function checkSameDim(a: tf.Tensor2D, b: tf.Tensor2D, fn: string, nameA: string, nameB: string): void {
  if (a.shape[1] !== b.shape[1]) {
    throw new Error(`${fn}: '${nameB}' must be [rows, ${a.shape[1]}] like '${nameA}', got [${b.shape}]`);
  }
}

/**
 * Copies labels into an Int32Array, checking that they are non-negative integers and, when
 * `expectedLength` is given, that there is one per row.
 */
export function toLabelArray(labels: Labels, fn: string, name: string, expectedLength?: number): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new Error(`${fn}: '${name}' must be a 1-D tensor of class ids, got shape [${labels.shape}]`);
    values = labels.dataSync() as ArrayLike<number>;
  } else if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') {
    values = labels;
  } else {
    throw new Error(`${fn}: '${name}' must be an array or 1-D tensor of class ids, got ${describe(labels)}`);
  }
  if (expectedLength !== undefined && values.length !== expectedLength) {
    throw new Error(`${fn}: '${name}' must have one label per row (${expectedLength}), got ${values.length}`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const label = values[i];
    if (!Number.isInteger(label) || label < 0) {
      throw new Error(`${fn}: '${name}' must hold non-negative integer class ids, got ${label} at index ${i}`);
    }
    out[i] = label;
  }
  return out;
}

/** Checks an integer option: `min ≤ value` (and `value ≤ max` when given). */
export function checkInteger(value: number, fn: string, name: string, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new Error(`${fn}: '${name}' must be ${range}, got ${value}`);
  }
  return value;
}

/** Checks a positive finite number option. */
export function checkPositive(value: number, fn: string, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${fn}: '${name}' must be a positive finite number, got ${value}`);
  }
  return value;
}

/** Throws when the tensor holds NaN or ±Infinity. */
export function checkFinite(value: tf.Tensor, fn: string, name: string): void {
  const finite = tf.tidy(() => tf.all(tf.isFinite(value)).dataSync()[0]);
  if (!finite) throw new Error(`${fn}: '${name}' holds NaN or Infinity`);
}

/**
 * Checks a train/test pair of labelled embeddings (2-D, same dim, one label per row).
 * @returns the embeddings and the labels as Int32Arrays.
 */
export function checkTrainTest(train: LabelledEmbeddings, test: LabelledEmbeddings, fn: string) {
  if (train === null || typeof train !== 'object') throw new Error(`${fn}: 'train' must be { embeddings, labels }`);
  if (test === null || typeof test !== 'object') throw new Error(`${fn}: 'test' must be { embeddings, labels }`);
  const trainEmbeddings = checkMatrix(train.embeddings, fn, 'train.embeddings');
  const testEmbeddings = checkMatrix(test.embeddings, fn, 'test.embeddings');
  checkSameDim(trainEmbeddings, testEmbeddings, fn, 'train.embeddings', 'test.embeddings');
  const trainLabels = toLabelArray(train.labels, fn, 'train.labels', trainEmbeddings.shape[0]);
  const testLabels = toLabelArray(test.labels, fn, 'test.labels', testEmbeddings.shape[0]);
  return { trainEmbeddings, testEmbeddings, trainLabels, testLabels };
}

/** One more than the largest label of the given arrays (the number of classes they imply). */
export function numClassesOf(...labelArrays: Int32Array[]): number {
  let max = -1;
  for (const labels of labelArrays) for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? (value as object).constructor?.name ?? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * Up-front checks of tensor arguments: type, dtype, rank and shape, index and label tensors,
 * finiteness. Every check takes `(fn, name, value, …)` and throws an error that names the
 * function, the argument and what was expected, e.g.
 * "tripletLoss: 'negative' must be [batch, dim] like 'anchor' [8,2], got [8,3]".
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { describe, shapeText } from './describe';

/** Throws unless `value` is a tfjs tensor that has not been disposed. */
export function requireTensor(fn: string, name: string, value: unknown): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new Error(`${fn}: '${name}' must be a tf.Tensor, got ${got}`);
  }
  if (value.isDisposed) throw new Error(`${fn}: '${name}' has been disposed`);
}

/**
 * Throws unless `value` is a float32 tensor of the given rank; returns it.
 * @param layout the expected layout in words, e.g. `[batch, dim]`.
 */
export function requireFloat(fn: string, name: string, value: unknown, rank: number, layout: string): tf.Tensor {
  requireTensor(fn, name, value);
  if (value.rank !== rank) {
    throw new Error(`${fn}: '${name}' must be ${layout}, got ${shapeText(value.shape)}`);
  }
  if (value.dtype !== 'float32') {
    throw new Error(`${fn}: '${name}' must be float32, got ${value.dtype}`);
  }
  return value;
}

/**
 * Throws unless `value` is a non-empty 2-D tensor of numbers (float32 or int32), e.g. embeddings
 * to evaluate; returns it. // [rows, dim]
 */
export function requireMatrix(fn: string, name: string, value: unknown): tf.Tensor2D {
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

/** Throws unless no dimension of `value` is 0. */
export function requireNonEmpty(fn: string, name: string, value: tf.Tensor, layout: string): void {
  if (value.shape.some((size) => size === 0)) {
    throw new Error(`${fn}: '${name}' must be a non-empty ${layout}, got ${shapeText(value.shape)}`);
  }
}

/** Throws unless `value` has exactly the shape of `reference`. */
export function requireSameShape(
  fn: string,
  name: string,
  value: tf.Tensor,
  referenceName: string,
  reference: tf.Tensor,
  layout: string,
): void {
  if (value.rank !== reference.rank || value.shape.some((size, i) => size !== reference.shape[i])) {
    throw new Error(`${fn}: '${name}' must be ${layout} like '${referenceName}' ${shapeText(reference.shape)}, got ${shapeText(value.shape)}`);
  }
}

/** Throws unless the matrix `value` has as many columns as `reference` (both `[rows, dim]`). */
export function requireSameColumns(fn: string, name: string, value: tf.Tensor2D, referenceName: string, reference: tf.Tensor2D): void {
  if (reference.shape[1] !== value.shape[1]) {
    throw new Error(`${fn}: '${name}' must be [rows, ${reference.shape[1]}] like '${referenceName}', got [${value.shape}]`);
  }
}

/** Throws unless dimension `axis` of `value` equals `expected`. */
export function requireDim(fn: string, name: string, value: tf.Tensor, axis: number, expected: number, what: string): void {
  if (value.shape[axis] !== expected) {
    throw new Error(`${fn}: '${name}' must have ${what} = ${expected}, got ${shapeText(value.shape)}`);
  }
}

/** Throws when the tensor holds NaN or ±Infinity. */
export function requireFiniteValues(fn: string, name: string, value: tf.Tensor): void {
  const finite = tf.tidy(() => tf.all(tf.isFinite(value)).dataSync()[0]);
  if (!finite) throw new Error(`${fn}: '${name}' holds NaN or Infinity`);
}

/**
 * Throws unless `indices` is an int32 tensor of the given rank whose values all lie in [0, size).
 * Reads the (small) index tensor on the JS side; returns its values.
 */
export function requireIndices(fn: string, name: string, indices: unknown, rank: number, layout: string, size: number, sizeName: string): Int32Array {
  requireTensor(fn, name, indices);
  if (indices.rank !== rank) throw new Error(`${fn}: '${name}' must be ${layout}, got ${shapeText(indices.shape)}`);
  if (indices.dtype !== 'int32') throw new Error(`${fn}: '${name}' must be int32, got ${indices.dtype}`);
  const values = indices.dataSync() as Int32Array;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0 || v >= size) {
      throw new Error(`${fn}: '${name}' must hold indices in [0, ${size}) (${sizeName}), got ${v} at flat position ${i}`);
    }
  }
  return values;
}

/**
 * Throws unless `labels` is a rank-1 int32 tensor of length `length`; returns its values.
 */
export function requireLabels(fn: string, name: string, labels: unknown, length: number, referenceName: string): Int32Array {
  requireTensor(fn, name, labels);
  if (labels.rank !== 1 || labels.shape[0] !== length) {
    throw new Error(`${fn}: '${name}' must be [batch] with batch = ${length} like '${referenceName}', got ${shapeText(labels.shape)}`);
  }
  if (labels.dtype !== 'int32') throw new Error(`${fn}: '${name}' must be int32, got ${labels.dtype}`);
  return labels.dataSync() as Int32Array;
}

/**
 * Throws unless `flags` is a rank-1 tensor of length `length` holding only 0 and 1 (any dtype).
 */
export function requireBinaryFlags(fn: string, name: string, flags: unknown, length: number, referenceName: string): void {
  requireTensor(fn, name, flags);
  if (flags.rank !== 1 || flags.shape[0] !== length) {
    throw new Error(`${fn}: '${name}' must be [batch] with batch = ${length} like '${referenceName}', got ${shapeText(flags.shape)}`);
  }
  const values = flags.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (v !== 0 && v !== 1) throw new Error(`${fn}: '${name}' must hold only 0 and 1, got ${v} at position ${i}`);
  }
}

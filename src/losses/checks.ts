/**
 * Up-front input checks shared by the losses, miners and the design-your-own template. Every
 * error names the function, the argument and what was expected, e.g.
 * "tripletLoss: 'negative' must be [batch, dim] like 'anchor', got [8,3]".
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** Formats a shape the way the error messages show it: `[8,3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `value` is a tfjs tensor. */
export function requireTensor(fn: string, name: string, value: unknown): asserts value is tf.Tensor {
  if (!(value instanceof tf.Tensor)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new Error(`${fn}: '${name}' must be a tf.Tensor, got ${got}`);
  }
  if (value.isDisposed) throw new Error(`${fn}: '${name}' has been disposed`);
}

/**
 * Throws unless `value` is a float32 tensor of the given rank.
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

/** Throws unless `value` has at least one row (its first dimension is > 0). */
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

/** Throws unless dimension `axis` of `value` equals `expected`. */
export function requireDim(fn: string, name: string, value: tf.Tensor, axis: number, expected: number, what: string): void {
  if (value.shape[axis] !== expected) {
    throw new Error(`${fn}: '${name}' must have ${what} = ${expected}, got ${shapeText(value.shape)}`);
  }
}

/** Throws unless `value` is a finite number > 0; returns it. */
export function requirePositive(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new Error(`${fn}: '${name}' must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number ≥ 0; returns it. */
export function requireNonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= 0)) {
    throw new Error(`${fn}: '${name}' must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is `true` or `false`; returns it. */
export function requireBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${fn}: '${name}' must be true or false, got ${String(value)}`);
  return value;
}

/** Throws unless `options` is undefined or a plain object; returns it (or `{}`). */
export function optionsObject<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof tf.Tensor) {
    throw new Error(`${fn}: 'options' must be an object like { margin: 1 }, got ${String(options)}`);
  }
  return options;
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

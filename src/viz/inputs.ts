/**
 * Input conversions shared by the visualisation functions: matrices and per-point numbers copied
 * into plain arrays, checked on the way. The generic checks (integers, positive numbers) come
 * from `src/checks`; errors name the calling function and the argument, and say what was expected.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, requirePositiveInteger } from '../checks';

/** Rows of numbers: a 2-D tensor, nested arrays, or a flat array with its column count. */
export type Matrix = tf.Tensor2D | ReadonlyArray<ArrayLike<number>> | { values: ArrayLike<number>; columns: number };

/** A matrix copied into a flat row-major Float32Array. */
export interface DenseMatrix {
  /** Row-major values. // [rows * columns] */
  values: Float32Array;
  rows: number;
  columns: number;
}

/**
 * Copies `matrix` into a {@link DenseMatrix}, checking that it is non-empty, rectangular and finite.
 * @param fn the calling function (for error messages).
 * @param name the argument's name.
 */
export function toDenseMatrix(matrix: Matrix, fn: string, name: string): DenseMatrix {
  let values: Float32Array;
  let rows: number;
  let columns: number;
  if (matrix instanceof tf.Tensor) {
    if (matrix.rank !== 2) throw new Error(`${fn}: '${name}' must be a 2-D tensor [rows, dim], got shape [${matrix.shape}]`);
    [rows, columns] = matrix.shape;
    values = Float32Array.from(matrix.dataSync() as ArrayLike<number>);
  } else if (Array.isArray(matrix)) {
    rows = matrix.length;
    columns = rows > 0 && matrix[0] !== null && typeof matrix[0] === 'object' ? (matrix[0] as ArrayLike<number>).length : -1;
    if (columns < 0) throw new Error(`${fn}: '${name}' must be rows of numbers [rows][dim], got ${describe(matrix)} of ${describe(matrix[0])}`);
    values = new Float32Array(rows * columns);
    for (let i = 0; i < rows; i++) {
      const row = matrix[i] as ArrayLike<number>;
      if (row === null || typeof row !== 'object' || row.length !== columns) {
        throw new Error(`${fn}: '${name}' must be rectangular: row 0 has ${columns} values, row ${i} has ${row?.length}`);
      }
      for (let j = 0; j < columns; j++) values[i * columns + j] = row[j];
    }
  } else if (matrix !== null && typeof matrix === 'object' && 'values' in matrix && 'columns' in matrix) {
    columns = matrix.columns;
    requirePositiveInteger(fn, `${name}.columns`, columns);
    if (matrix.values.length % columns !== 0) {
      throw new Error(`${fn}: '${name}.values' length ${matrix.values.length} is not a multiple of columns = ${columns}`);
    }
    rows = matrix.values.length / columns;
    values = Float32Array.from(matrix.values);
  } else {
    throw new Error(`${fn}: '${name}' must be a 2-D tensor, rows of numbers, or { values, columns }; got ${describe(matrix)}`);
  }
  if (rows === 0 || columns === 0) throw new Error(`${fn}: '${name}' must not be empty, got [${rows}, ${columns}]`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new Error(`${fn}: '${name}' must be finite, row ${Math.floor(i / columns)} column ${i % columns} is ${values[i]}`);
    }
  }
  return { values, rows, columns };
}

/** Copies per-point numbers (e.g. labels) into a plain array, checking the length. */
export function toNumberArray(values: ArrayLike<number> | tf.Tensor, fn: string, name: string, expectedLength?: number): number[] {
  let out: number[];
  if (values instanceof tf.Tensor) {
    if (values.rank !== 1) throw new Error(`${fn}: '${name}' must be a 1-D tensor, got shape [${values.shape}]`);
    out = Array.from(values.dataSync() as ArrayLike<number>);
  } else if (values !== null && typeof values === 'object' && typeof values.length === 'number') {
    out = Array.from(values);
  } else {
    throw new Error(`${fn}: '${name}' must be an array of numbers, got ${describe(values)}`);
  }
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new Error(`${fn}: '${name}' must have one value per point (${expectedLength}), got ${out.length}`);
  }
  for (let i = 0; i < out.length; i++) {
    if (typeof out[i] !== 'number' || !Number.isFinite(out[i])) throw new Error(`${fn}: '${name}'[${i}] must be a finite number, got ${out[i]}`);
  }
  return out;
}

/**
 * Checks for "what you should see" cells and for tests: the kit's one tolerance helper.
 * Errors say what was compared, the worst element and the tolerance.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** Something numeric: a number, nested arrays of numbers, a typed array or a tensor. */
export type Numeric = number | ArrayLike<number> | number[][] | number[][][] | tf.Tensor;

/** Tolerances: |actual − expected| ≤ atol + rtol·|expected| elementwise. */
export interface Tolerance {
  /** Absolute tolerance (default 1e-5, suited to float32). */
  atol?: number;
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
}

function flatten(value: Numeric, what: string): { values: number[]; shape: number[] } {
  if (value instanceof tf.Tensor) {
    return { values: Array.from(value.dataSync() as ArrayLike<number>), shape: value.shape.slice() };
  }
  if (typeof value === 'number') return { values: [value], shape: [] };
  const shape: number[] = [];
  let probe: unknown = value;
  while (probe !== null && typeof probe === 'object' && 'length' in (probe as object)) {
    shape.push((probe as ArrayLike<unknown>).length);
    probe = (probe as ArrayLike<unknown>)[0];
  }
  const values: number[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'number') values.push(node);
    else if (node !== null && typeof node === 'object' && 'length' in (node as object)) {
      for (let i = 0; i < (node as ArrayLike<unknown>).length; i++) walk((node as ArrayLike<unknown>)[i]);
    } else throw new Error(`expectClose: '${what}' holds a non-number (${String(node)})`);
  };
  walk(value);
  return { values, shape };
}

/** The largest violation of the tolerance, or null when everything is within it. */
export function closeness(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}): { index: number; actual: number; expected: number; difference: number } | null {
  const atol = tolerance.atol ?? 1e-5;
  const rtol = tolerance.rtol ?? 1e-4;
  if (!(atol >= 0) || !(rtol >= 0)) throw new Error(`expectClose: 'atol' and 'rtol' must be ≥ 0, got ${atol}, ${rtol}`);
  const a = flatten(actual, 'actual');
  const e = flatten(expected, 'expected');
  if (a.values.length !== e.values.length) {
    throw new Error(`expectClose: 'actual' has ${a.values.length} values (shape [${a.shape}]) but 'expected' has ${e.values.length} (shape [${e.shape}])`);
  }
  let worst: { index: number; actual: number; expected: number; difference: number } | null = null;
  let worstExcess = 0;
  for (let i = 0; i < a.values.length; i++) {
    const x = a.values[i];
    const y = e.values[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return { index: i, actual: x, expected: y, difference: NaN };
    }
    if (x === y) continue; // also equal infinities
    const difference = Math.abs(x - y);
    const excess = difference - (atol + rtol * Math.abs(y));
    if (!(excess <= 0) && (worst === null || excess > worstExcess)) {
      worst = { index: i, actual: x, expected: y, difference };
      worstExcess = excess;
    }
  }
  return worst;
}

/** Whether `actual` and `expected` agree within the tolerance. */
export function allClose(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}): boolean {
  return closeness(actual, expected, tolerance) === null;
}

/**
 * Throws unless `actual` and `expected` agree elementwise within the tolerance.
 *
 * @param label names the check in the error message.
 * @example
 * expectClose(myLoss, contrastiveLoss(x1, x2, similar), { atol: 1e-6 }, 'from-scratch loss');
 */
export function expectClose(actual: Numeric, expected: Numeric, tolerance: Tolerance = {}, label = 'values'): void {
  const worst = closeness(actual, expected, tolerance);
  if (worst !== null) {
    throw new Error(
      `expectClose (${label}): element ${worst.index} is ${worst.actual}, expected ${worst.expected} ` +
        `(|difference| ${worst.difference}, atol ${tolerance.atol ?? 1e-5}, rtol ${tolerance.rtol ?? 1e-4})`,
    );
  }
}

/**
 * Throws with `message` unless `condition` holds: the assertion cells' "what you should see".
 */
export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(`What you should see did not happen: ${message}`);
}

/**
 * How the kit's error messages show what they got: a shape as `[8,3]`, any other value as a few
 * words ("an array of length 3", "a tensor of shape [2,2]", "string points").
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** Formats a shape the way the error messages show it: `[8,3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Writes a value the way "…, got <value>" shows it: as it is (`0`, `NaN`, `undefined`), strings quoted (`"3"`). */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Describes a value for an error message: `a tensor of shape [2,3]`, `an array of length 4`,
 * `a Float32Array of length 9`, `null`, `an object`, or the type and value (`number 7`).
 */
export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape}]`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

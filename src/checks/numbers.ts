/**
 * Up-front checks of number arguments (sizes, counts, temperatures, margins). Every check takes
 * `(fn, name, value, …)`, returns the value, and throws an error that names the function, the
 * argument and what was expected: "knnSearch: 'k' must be an integer ≥ 1, got 0".
 *
 * Some checks have two wordings ("a positive integer" and "an integer ≥ 1"; "a finite number > 0"
 * and "a positive finite number"): each is what the functions using it have always said, and tests
 * pin those messages.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import { valueText } from './describe';

/** Throws `${fn}: '${name}' must be ${expected}, got ${value}` unless `ok`. */
function expect(ok: boolean, fn: string, name: string, expected: string, value: unknown): void {
  if (!ok) throw new Error(`${fn}: '${name}' must be ${expected}, got ${valueText(value)}`);
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Throws unless `value` is an integer with `min ≤ value ≤ max`; returns it.
 * Says "an integer ≥ min", or "an integer in [min, max]" when `max` is given.
 */
export function requireInteger(fn: string, name: string, value: unknown, min: number, max = Infinity): number {
  const range = max === Infinity ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
  expect(Number.isInteger(value) && (value as number) >= min && (value as number) <= max, fn, name, range, value);
  return value as number;
}

/** Throws unless `value` is an integer ≥ 1 (a size or a count); says "a positive integer". Returns it. */
export function requirePositiveInteger(fn: string, name: string, value: unknown): number {
  expect(Number.isInteger(value) && (value as number) >= 1, fn, name, 'a positive integer', value);
  return value as number;
}

/** Throws unless `value` is an integer ≥ 0 (an index, an epoch); says "a non-negative integer". Returns it. */
export function requireNonNegativeInteger(fn: string, name: string, value: unknown): number {
  expect(Number.isInteger(value) && (value as number) >= 0, fn, name, 'a non-negative integer', value);
  return value as number;
}

/** Throws unless `values` is an array of integers ≥ 1 (e.g. layer widths); returns it. */
export function requirePositiveIntegers(fn: string, name: string, values: unknown): number[] {
  if (!Array.isArray(values) || !values.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${fn}: '${name}' must be an array of positive integers, got ${JSON.stringify(values)}`);
  }
  return values as number[];
}

/** Throws unless `value` is a finite number > 0; says "a finite number > 0". Returns it. */
export function requirePositive(fn: string, name: string, value: unknown): number {
  expect(isFiniteNumber(value) && value > 0, fn, name, 'a finite number > 0', value);
  return value as number;
}

/**
 * The same test as {@link requirePositive}, worded "a positive finite number" as the evaluation
 * functions' errors (and the tests that pin them) have it. Returns `value`.
 */
export function requirePositiveFinite(fn: string, name: string, value: unknown): number {
  expect(isFiniteNumber(value) && value > 0, fn, name, 'a positive finite number', value);
  return value as number;
}

/** Throws unless `value` is a finite number ≥ 0; says "a finite number ≥ 0". Returns it. */
export function requireNonNegative(fn: string, name: string, value: unknown): number {
  expect(isFiniteNumber(value) && value >= 0, fn, name, 'a finite number ≥ 0', value);
  return value as number;
}

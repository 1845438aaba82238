/**
 * Up-front checks of option objects and option values that are not numbers: the options argument
 * itself, switches and choices from a fixed list. Every check takes `(fn, name, value, …)` and
 * throws an error that names the function, the argument and what was expected.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { valueText } from './describe';

/** Throws unless `value` is `true` or `false`; returns it. */
export function requireBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${fn}: '${name}' must be true or false, got ${valueText(value)}`);
  return value;
}

/**
 * Throws unless `value` is one of `allowed`; returns it.
 * @example requireOneOf('createMlpEncoder', 'init', 'xavier', ['he', 'pytorch']) // throws "… must be 'he' or 'pytorch', got "xavier""
 */
export function requireOneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const quoted = allowed.map((option) => `'${option}'`);
    const choices = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0];
    throw new Error(`${fn}: '${name}' must be ${choices}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Throws unless `options` is undefined or a plain object; returns it (or `{}`). */
export function optionsObject<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof tf.Tensor) {
    throw new Error(`${fn}: 'options' must be an object like { margin: 1 }, got ${String(options)}`);
  }
  return options;
}

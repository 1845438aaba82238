/**
 * Gradient checking for learners: compares the gradient tfjs computes (`tf.grads`) with central
 * finite differences, in float32, and says clearly where they disagree.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { optionsObject, requireNonNegative, requirePositive, requireTensor, shapeText } from '../checks';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** Relative finite-difference step: each element x moves by ±step·max(1, |x|). Default 1e-3 (suits float32). */
  step?: number;
  /** Absolute tolerance, scaled by max(1, |f(x)|) because float32 rounding of f grows with |f|. Default 1e-3. */
  atol?: number;
  /** Relative tolerance against max(|analytic|, |numeric|). Default 1e-2. */
  rtol?: number;
  /** Which inputs to differentiate (positions in `inputs`). Default: every float32 input. */
  wrt?: number[];
  /** Check at most this many elements per input (a seeded random subset beyond it). Default 100. */
  maxElementsPerInput?: number;
  /** Seed of the subset choice. Default 0. */
  seed?: number;
  /** Names of the inputs, for the report. Default `input 0`, `input 1`, … */
  names?: string[];
}

/** One checked element where the two gradients disagree most. */
export interface GradCheckElement {
  /** The input's name. */
  input: string;
  /** Coordinates of the element inside that input. */
  coordinates: number[];
  /** ∂f/∂x from tf.grads. */
  analytic: number;
  /** (f(x+h) − f(x−h)) / 2h. */
  numeric: number;
  /** |analytic − numeric|. */
  absError: number;
  /** |analytic − numeric| / max(|analytic|, |numeric|, 1e-12). */
  relError: number;
}

/** What {@link gradCheck} found. */
export interface GradCheckResult {
  /** True when every checked element is within atol·max(1,|f|) + rtol·max(|analytic|,|numeric|). */
  passed: boolean;
  /** f(inputs). */
  value: number;
  /** How many elements were compared. */
  checked: number;
  /** Largest |analytic − numeric| over the checked elements. */
  maxAbsError: number;
  /** Largest relative error over the checked elements. */
  maxRelError: number;
  /** The element that exceeded its tolerance the most (or came closest to it). */
  worst: GradCheckElement | null;
  /** The tolerances used. */
  tolerance: { atol: number; rtol: number; step: number };
  /** A readable multi-line report. */
  report: string;
}

function coordinatesOf(flatIndex: number, shape: readonly number[]): number[] {
  const coordinates = new Array<number>(shape.length).fill(0);
  let rest = flatIndex;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    coordinates[axis] = rest % shape[axis];
    rest = Math.floor(rest / shape[axis]);
  }
  return coordinates;
}

function evaluate(fn: (...inputs: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[]): number {
  return tf.tidy(() => {
    const out = fn(...inputs);
    if (!(out instanceof tf.Tensor) || out.size !== 1) {
      throw new Error(`gradCheck: 'fn' must return a scalar tensor, got ${out instanceof tf.Tensor ? shapeText(out.shape) : typeof out}`);
    }
    return out.dataSync()[0];
  }) as unknown as number;
}

/**
 * Checks the gradient of a scalar function of tensors against central finite differences.
 *
 * Each checked element x gets h = step·max(1, |x|) (rounded to what float32 can represent), and
 * numeric = (f(x+h) − f(x−h)) / (2h). It passes when
 * |analytic − numeric| ≤ atol·max(1, |f|) + rtol·max(|analytic|, |numeric|) for every checked
 * element. Avoid inputs that sit on a kink (a hinge exactly at 0): there the two one-sided
 * slopes differ and no gradient can match.
 *
 * @param fn the function, e.g. `(a, p, n) => tripletLoss(a, p, n)`; must return a scalar.
 * @param inputs its arguments (not modified). Non-float inputs (e.g. int32 indices) are passed through.
 * @param options see {@link GradCheckOptions}.
 * @returns a {@link GradCheckResult}; print `result.report`.
 * @example
 * const result = gradCheck((x) => myLoss(x, labels), [embeddings]);
 * console.log(result.report); // gradCheck PASSED …
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function gradCheck(fn: (...inputs: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[], options?: GradCheckOptions): GradCheckResult {
  const name = 'gradCheck';
  if (typeof fn !== 'function') throw new Error(`${name}: 'fn' must be a function returning a scalar tensor, got ${typeof fn}`);
  if (!Array.isArray(inputs) || inputs.length === 0) throw new Error(`${name}: 'inputs' must be a non-empty array of tensors`);
  inputs.forEach((x, i) => requireTensor(name, `inputs[${i}]`, x));
  const opts = optionsObject(name, options);
  const step = requirePositive(name, 'step', opts.step ?? 1e-3);
  const atol = requireNonNegative(name, 'atol', opts.atol ?? 1e-3);
  const rtol = requireNonNegative(name, 'rtol', opts.rtol ?? 1e-2);
  const maxElements = requirePositive(name, 'maxElementsPerInput', opts.maxElementsPerInput ?? 100);
  const names = inputs.map((_, i) => opts.names?.[i] ?? `input ${i}`);
  const wrt = opts.wrt ?? inputs.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
  if (wrt.length === 0) throw new Error(`${name}: no float32 input to differentiate`);
  for (const i of wrt) {
    if (!Number.isInteger(i) || i < 0 || i >= inputs.length) throw new Error(`${name}: 'wrt' must hold positions in [0, ${inputs.length}), got ${i}`);
    if (inputs[i].dtype !== 'float32') throw new Error(`${name}: inputs[${i}] must be float32 to differentiate, got ${inputs[i].dtype}`);
  }

  const value = evaluate(fn, inputs);
  const scale = Math.max(1, Math.abs(value));
  const analyticGrads = tf.tidy(() => {
    const withVariables = (...xs: tf.Tensor[]) => {
      const args = inputs.slice();
      wrt.forEach((position, k) => (args[position] = xs[k]));
      return fn(...args);
    };
    return tf.grads(withVariables)(wrt.map((i) => inputs[i]));
  });
  const rng = new Rng(opts.seed ?? 0);

  let checked = 0;
  let maxAbsError = 0;
  let maxRelError = 0;
  let passed = true;
  let worst: GradCheckElement | null = null;
  let worstExcess = -Infinity;
  try {
    wrt.forEach((position, k) => {
      const input = inputs[position];
      const base = input.dataSync() as Float32Array;
      const analytic = analyticGrads[k].dataSync();
      const all = Array.from({ length: base.length }, (_, i) => i);
      const chosen = base.length <= maxElements ? all : Array.from(rng.shuffle(all).slice(0, maxElements)).sort((a, b) => a - b);
      for (const index of chosen) {
        const x = base[index];
        const h = step * Math.max(1, Math.abs(x));
        const plus = Math.fround(x + h);
        const minus = Math.fround(x - h);
        const at = (v: number) => {
          const values = Float32Array.from(base);
          values[index] = v;
          const moved = tf.tensor(values, input.shape, 'float32');
          const args = inputs.slice();
          args[position] = moved;
          try {
            return evaluate(fn, args);
          } finally {
            moved.dispose();
          }
        };
        const numeric = (at(plus) - at(minus)) / (plus - minus);
        const a = analytic[index];
        const absError = Math.abs(a - numeric);
        const magnitude = Math.max(Math.abs(a), Math.abs(numeric));
        const relError = absError / Math.max(magnitude, 1e-12);
        const tolerance = atol * scale + rtol * magnitude;
        const excess = Number.isNaN(absError) ? Infinity : absError - tolerance;
        checked++;
        if (!(absError <= tolerance)) passed = false; // also catches NaN
        maxAbsError = Number.isNaN(absError) ? NaN : Math.max(maxAbsError, absError);
        maxRelError = Number.isNaN(relError) ? NaN : Math.max(maxRelError, relError);
        if (worst === null || excess > worstExcess) {
          worstExcess = excess;
          worst = { input: names[position], coordinates: coordinatesOf(index, input.shape), analytic: a, numeric, absError, relError };
        }
      }
    });
  } finally {
    analyticGrads.forEach((g) => g.dispose());
  }

  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));
  const lines = [
    `gradCheck ${passed ? 'PASSED' : 'FAILED'}: f = ${fmt(value)}, ${checked} elements checked in ${wrt.map((i) => names[i]).join(', ')}`,
    `  max |analytic − numeric| = ${fmt(maxAbsError)}, max relative error = ${fmt(maxRelError)}`,
    `  tolerance: atol ${atol}·max(1,|f|) + rtol ${rtol}·|gradient|, step ${step}·max(1,|x|)`,
  ];
  if (worst !== null) {
    const w = worst as GradCheckElement;
    lines.push(`  worst element: ${w.input}[${w.coordinates.join(',')}] analytic ${fmt(w.analytic)} vs numeric ${fmt(w.numeric)}`);
  }
  return { passed, value, checked, maxAbsError, maxRelError, worst, tolerance: { atol, rtol, step }, report: lines.join('\n') };
}

/**
 * Alignment and uniformity (Wang & Isola 2020, "Understanding Contrastive Representation Learning
 * through Alignment and Uniformity on the Hypersphere", https://arxiv.org/abs/2005.10242):
 *
 * - alignment = E_{(x,y) positive} ‖f(x) − f(y)‖^α (α = 2): how close positive pairs land; lower
 *   is better, 0 when both views map to the same point.
 * - uniformity = log E_{x,y} exp(−t‖f(x) − f(y)‖²) (t = 2) over pairs of DIFFERENT examples: how
 *   evenly the embeddings spread on the sphere; lower is better. On the unit sphere ‖x − y‖² ≤ 4,
 *   so it lies in [−4t, 0]: 0 when everything collapsed to one point.
 *
 * These are evaluation numbers (plain JS numbers, exact, chunked); the embeddings are
 * L2-normalised inside unless `normalize: false` (the paper's f maps onto the unit sphere).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireFiniteValues, requireInteger, requireMatrix, requirePositiveFinite } from '../checks';
import { defaultPairwiseChunk, reducePairwiseBlocks } from './pairwise';

/** Options of {@link alignment}. */
export interface AlignmentOptions {
  /** α, the power of the distance (default 2). */
  alpha?: number;
  /** L2-normalise the rows first (default true). */
  normalize?: boolean;
}

/** Options of {@link uniformity}. */
export interface UniformityOptions {
  /** t, the Gaussian-kernel scale (default 2). */
  t?: number;
  /** L2-normalise the rows first (default true). */
  normalize?: boolean;
  /** Rows per chunk of the pairwise computation (default: about 4M pairs per chunk, at most 512 rows). */
  chunkSize?: number;
}

function prepare(x: tf.Tensor2D, normalize: boolean): tf.Tensor2D {
  return tf.tidy(() => {
    const floats = x.toFloat();
    return normalize ? floats.div(floats.norm('euclidean', 1, true).maximum(1e-12)) : floats;
  });
}

/**
 * Alignment of positive pairs: the mean over rows i of ‖x_i − y_i‖^α.
 *
 * @param x one view's embeddings. // [numPairs, dim]
 * @param y the other view's embeddings, row i positive with x's row i. // [numPairs, dim]
 * @param options `alpha` (default 2), `normalize` (default true).
 * @returns the alignment (≥ 0).
 */
export function alignment(x: tf.Tensor2D, y: tf.Tensor2D, options: AlignmentOptions = {}): number {
  const fn = 'alignment';
  requireMatrix(fn, 'x', x);
  requireMatrix(fn, 'y', y);
  if (x.shape[0] !== y.shape[0] || x.shape[1] !== y.shape[1]) {
    throw new Error(`${fn}: 'y' must be [${x.shape}] like 'x' (row i of y is the positive of row i of x), got [${y.shape}]`);
  }
  const alpha = requirePositiveFinite(fn, 'alpha', options.alpha ?? 2);
  requireFiniteValues(fn, 'x', x);
  requireFiniteValues(fn, 'y', y);
  const normalize = options.normalize ?? true;
  return tf.tidy(() => {
    const distances = prepare(x, normalize).sub(prepare(y, normalize)).norm('euclidean', 1); // [numPairs]
    return distances.pow(alpha).mean().dataSync()[0];
  });
}

/**
 * Uniformity: log of the mean of exp(−t‖x_i − x_j‖²) over all pairs i ≠ j (exact, chunked:
 * memory chunkSize × n). Cost n²·dim, e.g. 10 000 rows × 128-d is one 10k × 10k product.
 *
 * @param x embeddings. // [n, dim], n ≥ 2
 * @param options `t` (default 2), `normalize` (default true), `chunkSize`.
 * @returns the uniformity (≤ 0 for normalised rows).
 */
export function uniformity(x: tf.Tensor2D, options: UniformityOptions = {}): number {
  const fn = 'uniformity';
  requireMatrix(fn, 'x', x);
  const n = x.shape[0];
  if (n < 2) throw new Error(`${fn}: 'x' needs at least 2 rows (pairs of different examples), got ${n}`);
  const t = requirePositiveFinite(fn, 't', options.t ?? 2);
  const chunkSize =
    options.chunkSize === undefined ? defaultPairwiseChunk(n) : requireInteger(fn, 'chunkSize', options.chunkSize, 1);
  requireFiniteValues(fn, 'x', x);
  const rows = prepare(x, options.normalize ?? true);
  let blockLogSums: number[];
  try {
    // log Σ_{i≠j} exp(−t d²_ij), per block as a log-sum-exp (no underflow), then combined.
    blockLogSums = reducePairwiseBlocks(rows, chunkSize, (squaredDistances, isSelf) =>
      tf.logSumExp(tf.where(isSelf, tf.fill(squaredDistances.shape, -Infinity), squaredDistances.mul(-t)).reshape([-1])),
    );
  } finally {
    rows.dispose();
  }
  const logSum = blockLogSums.reduce(logAddExp, -Infinity);
  return logSum - Math.log(n * (n - 1));
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}

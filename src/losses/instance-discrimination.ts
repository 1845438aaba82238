/**
 * Instance discrimination with a memory bank: Wu, Xiong, Yu & Lin, "Unsupervised Feature Learning
 * via Non-Parametric Instance Discrimination", CVPR 2018 — https://arxiv.org/abs/1805.01978
 *
 * Every training image i is its own class, represented by a memory-bank row mᵢ (the memory of
 * its last feature). `nonParametricSoftmaxLoss` is the full n-way softmax (paper eq. 2): it scores
 * all n rows, so it costs O(n) per sample. `nceLoss` is its noise-contrastive estimate with K
 * uniform noise draws (eqs. 4–8), which needs the normaliser Z from `estimateNormalizer`; it
 * scores only the K noise rows and the positive row, so it costs O(K) — that is the point of NCE.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireIndices, requireNonEmpty, requirePositive, shapeText } from '../checks';
import { matMulTransposed } from './distances';
import { crossEntropyTerms } from './aggregations';
import { gatherRows } from './gather';
import { logSumExpLastAxis } from './log-sum-exp';
import { meanOverAll } from './reducers';

/** Options of {@link nonParametricSoftmaxLoss}. */
export interface NonParametricSoftmaxOptions {
  /** τ > 0, the softmax temperature. Default 0.07 (paper; lemniscate's CIFAR recipe uses 0.1). */
  temperature?: number;
}

/** Options of {@link nceLoss}. */
export interface NceLossOptions {
  /** τ > 0. Default 0.07. */
  temperature?: number;
  /**
   * The normaliser Z of P(j|f) = exp(mⱼ·f/τ)/Z. Required. Either a number Z > 0 (e.g. from
   * {@link estimateNormalizer}), or a function that receives this batch's Monte-Carlo estimate Ẑ —
   * computed from the noise logits the loss scores anyway, so at no extra product — and returns the
   * Z to use (e.g. `(estimate) => tracker.update(estimate)` for a moving average).
   */
  normalizer?: number | ((estimate: number) => number);
}

/** Options of {@link estimateNormalizer}. */
export interface EstimateNormalizerOptions {
  /** τ > 0. Default 0.07. */
  temperature?: number;
}

function checkBank(fn: string, features: unknown, memory: unknown): { batch: number; dim: number; size: number } {
  const f = requireFloat(fn, 'features', features, 2, '[batch, dim]');
  requireNonEmpty(fn, 'features', f, '[batch, dim]');
  const m = requireFloat(fn, 'memory', memory, 2, '[numInstances, dim]');
  requireNonEmpty(fn, 'memory', m, '[numInstances, dim]');
  if (m.shape[1] !== f.shape[1]) {
    throw new Error(`${fn}: 'memory' must be [numInstances, dim] with dim = ${f.shape[1]} like 'features', got ${shapeText(m.shape)}`);
  }
  return { batch: f.shape[0] as number, dim: f.shape[1] as number, size: m.shape[0] as number };
}

/** Noise draws, validated: shared by the batch ([K]) or per sample ([batch, K]). */
interface NoiseDraws {
  shared: boolean;
  numNegatives: number;
  /** Row-major values: [K] when shared, [batch, K] otherwise. */
  noise: Int32Array;
}

function checkNoise(fn: string, noiseIndices: unknown, batch: number, size: number): NoiseDraws {
  const layout = '[numNegatives] (shared by the batch) or [batch, numNegatives] (per sample)';
  const rank = noiseIndices instanceof tf.Tensor ? noiseIndices.rank : -1;
  const noise = requireIndices(fn, 'noiseIndices', noiseIndices, rank === 1 ? 1 : 2, layout, size, 'the rows of memory');
  const shape = (noiseIndices as tf.Tensor).shape as number[];
  if (rank === 1) {
    if (shape[0] < 1) throw new Error(`${fn}: 'noiseIndices' must be ${layout} with numNegatives ≥ 1, got ${shapeText(shape)}`);
    return { shared: true, numNegatives: shape[0], noise };
  }
  if (shape[0] !== batch || shape[1] < 1) {
    throw new Error(`${fn}: 'noiseIndices' must be [batch, numNegatives] with batch = ${batch} like 'features' and numNegatives ≥ 1, got ${shapeText(shape)}`);
  }
  return { shared: false, numNegatives: shape[1], noise };
}

/** Logits of every feature against every memory row, mⱼ·f_b/τ. [batch, numInstances] */
function memoryLogits(features: tf.Tensor2D, memory: tf.Tensor2D, temperature: number): tf.Tensor2D {
  // (f/τ)·Mᵀ: dividing the [batch, dim] features is cheaper than dividing the [batch, n] logits.
  return tf.tidy(() => matMulTransposed(tf.div(features, temperature) as tf.Tensor2D, memory));
}

/**
 * Entries `columns` of each row of `logits`, differentiably: out[b, k] = logits[b, columns[b, k]].
 * Gathers from the flattened matrix (no [batch, K, dim] gather of memory rows, no one-hot of
 * [batch, numInstances]). Works on every backend (see {@link gatherRows}).
 * @param logits [batch, numInstances]
 * @param columns the column values, row-major, for `shape` = [batch] or [batch, K]
 * @returns `shape`
 */
function pickLogits(logits: tf.Tensor2D, columns: Int32Array, shape: number[]): tf.Tensor {
  return tf.tidy(() => {
    const size = logits.shape[1];
    const perRow = columns.length / logits.shape[0];
    // Flat positions b·n + column, computed on the JS side from the already-validated indices
    // (an int32 broadcast add is a slow path on wasm).
    const flatIndex = new Int32Array(columns.length);
    for (let i = 0; i < columns.length; i++) flatIndex[i] = Math.floor(i / perRow) * size + columns[i];
    return tf.reshape(gatherRows(tf.reshape(logits, [-1]), flatIndex), shape);
  });
}

/**
 * Logits of each feature against its own memory row, m_{i_b}·f_b/τ (one gathered row per sample). [batch]
 */
function positiveLogits(features: tf.Tensor2D, memory: tf.Tensor2D, rows: Int32Array, temperature: number): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(gatherRows(memory, rows), features), 1), temperature) as tf.Tensor1D); // [batch]
}

/**
 * Logits of every feature against the K noise rows, m_{noise_bk}·f_b/τ, computing only what NCE needs.
 *
 * - Shared noise ([K]): the K rows are gathered once and scored with one [batch, dim] × [dim, K]
 *   product — O(batch·K·dim), independent of n.
 * - Per-sample noise ([batch, K]): lemniscate's layout. When batch·K is small against n the
 *   batch·K rows are gathered ([batch, K, dim]) and dotted with their feature; when batch·K ≥ n/2
 *   gathering would move more data than scoring every row, so it scores all n rows with one
 *   product ([batch, n]) and picks the K columns of each sample — the O(n) route. Both give the
 *   same numbers.
 * @returns [batch, K]
 */
function noiseLogits(features: tf.Tensor2D, memory: tf.Tensor2D, draws: NoiseDraws, temperature: number): tf.Tensor2D {
  const [batch, dim] = features.shape;
  const size = memory.shape[0];
  const { shared, numNegatives, noise } = draws;
  return tf.tidy(() => {
    const scaled = tf.div(features, temperature) as tf.Tensor2D; // [batch, dim] f/τ
    if (shared) return matMulTransposed(scaled, gatherRows(memory, noise)); // [batch, dim] × [dim, K]
    if (2 * batch * numNegatives >= size) return pickLogits(matMulTransposed(scaled, memory), noise, [batch, numNegatives]) as tf.Tensor2D;
    const rows = tf.reshape(gatherRows(memory, noise), [batch, numNegatives, dim]); // [batch, K, dim]
    return tf.sum(tf.mul(rows, tf.expandDims(scaled, 1)), 2) as tf.Tensor2D; // [batch, K]
  });
}

/**
 * Non-parametric softmax (full n-way instance classification) against a memory bank:
 *
 *   L = mean_b [ −m_{i_b}·f_b/τ + log Σⱼ exp(mⱼ·f_b/τ) ],
 *
 * i.e. softmax cross-entropy over all n memory rows with the sample's own row i_b as target.
 * The paper (and lemniscate's LinearAverage) gives the memory no gradient; here `memory` is an
 * ordinary input, so differentiate with respect to `features` only (as `tf.grad` does when you
 * pass features alone) and update the bank yourself.
 *
 * @param features [batch, dim] current features f_b (L2-normalised in the paper).
 * @param memory [numInstances, dim] memory bank, row j = v_j.
 * @param indices [batch] int32, the instance index i_b of each sample, in [0, numInstances).
 * @param options.temperature τ > 0, default 0.07.
 * @returns scalar loss.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function nonParametricSoftmaxLoss(features: tf.Tensor2D, memory: tf.Tensor2D, indices: tf.Tensor1D, options?: NonParametricSoftmaxOptions): tf.Scalar {
  const fn = 'nonParametricSoftmaxLoss';
  const { temperature = 0.07 } = optionsObject(fn, options);
  const { batch, size } = checkBank(fn, features, memory);
  const rows = requireIndices(fn, 'indices', indices, 1, '[batch]', size, 'the rows of memory');
  if (indices.shape[0] !== batch) throw new Error(`${fn}: 'indices' must be [batch] with batch = ${batch} like 'features', got ${shapeText(indices.shape)}`);
  requirePositive(fn, 'temperature', temperature);
  return tf.tidy(() => {
    const logits = memoryLogits(features, memory, temperature); // [batch, numInstances]
    const positiveLogit = pickLogits(logits, rows, [batch]); // [batch]
    return meanOverAll(crossEntropyTerms(logits, positiveLogit)); // [batch] terms → scalar
  });
}

/**
 * NCE loss of InstDisc with uniform noise P_n = 1/n and K noise draws. With
 * P(j|f) = exp(mⱼ·f/τ)/Z and q = K/n (= K·P_n):
 *
 *   L = −(1/B) Σ_b [ log(P(i_b|f_b) / (P(i_b|f_b) + q)) + Σ_k log(q / (P(noise_bk|f_b) + q)) ].
 *
 * Computed in log space as softplus(log q − log P) and softplus(log P − log q), which is the same
 * number without lemniscate's ε = 1e-7 in the denominators and never overflows. Only the positive
 * row and the K noise rows are scored, so a step costs O(K), not O(n) like
 * {@link nonParametricSoftmaxLoss}.
 *
 * Two ways to draw the noise, chosen by the rank of `noiseIndices`:
 * - **shared**, [K]: one set of K draws for the whole batch (the kit's trainer default). The K rows
 *   are gathered once and scored with one [batch, dim] × [dim, K] product — the cheap design.
 *   Each sample's K noise terms are still K independent uniform draws, so each sample's loss has
 *   the same expectation as with per-sample noise; what changes is that the B samples' terms are
 *   no longer independent of each other (they share the draws), so the batch average of the loss
 *   and of its gradient is a little noisier than with B·K independent draws. Estimate Z from the
 *   same shared draws ({@link estimateNormalizer} with the same [K] tensor).
 * - **per sample**, [batch, K]: as the paper and lemniscate (B·K independent draws). Costs
 *   O(batch·K·dim) through a [batch, K, dim] gather while batch·K < n/2, and the dense [batch, n]
 *   product above that (where gathering would cost more than scoring every row).
 *
 * As in the paper (and lemniscate), a noise draw may hit the sample's own index; draw the noise
 * with `sampleSharedNoiseIndices` / `sampleNoiseIndices` from the kit and pass the batch's indices
 * to exclude them if you wish.
 *
 * @param features [batch, dim] current features f_b.
 * @param memory [numInstances, dim] memory bank.
 * @param indices [batch] int32 instance index of each sample, in [0, numInstances).
 * @param noiseIndices int32 uniform noise draws in [0, numInstances): [numNegatives] shared by the
 *   batch, or [batch, numNegatives] per sample; numNegatives K < numInstances.
 * @param options.temperature τ > 0, default 0.07.
 * @param options.normalizer Z > 0 (required): see {@link estimateNormalizer}.
 * @returns scalar loss.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function nceLoss(features: tf.Tensor2D, memory: tf.Tensor2D, indices: tf.Tensor1D, noiseIndices: tf.Tensor1D | tf.Tensor2D, options?: NceLossOptions): tf.Scalar {
  const fn = 'nceLoss';
  const { temperature = 0.07, normalizer } = optionsObject(fn, options);
  const { batch, size } = checkBank(fn, features, memory);
  const rows = requireIndices(fn, 'indices', indices, 1, '[batch]', size, 'the rows of memory');
  if (indices.shape[0] !== batch) throw new Error(`${fn}: 'indices' must be [batch] with batch = ${batch} like 'features', got ${shapeText(indices.shape)}`);
  const draws = checkNoise(fn, noiseIndices, batch, size);
  const { numNegatives } = draws;
  if (numNegatives >= size) {
    throw new Error(`${fn}: 'noiseIndices' must draw numNegatives K < numInstances n (q = K/n < 1), got K = ${numNegatives}, n = ${size}`);
  }
  requirePositive(fn, 'temperature', temperature);
  if (normalizer === undefined) throw new Error(`${fn}: 'normalizer' (Z) is required, e.g. { normalizer: estimateNormalizer(features, memory, noiseIndices) }`);
  if (typeof normalizer !== 'function') requirePositive(fn, 'normalizer', normalizer);
  const logQ = Math.log(numNegatives / size);
  return tf.tidy(() => {
    const positiveLogit = positiveLogits(features, memory, rows, temperature); // [batch] m_{i_b}·f_b/τ
    const noiseLogit = noiseLogits(features, memory, draws, temperature); // [batch, K] m_{noise_bk}·f_b/τ
    let z: number;
    if (typeof normalizer === 'function') {
      const estimate = normalizerFromLogits(fn, noiseLogit, size);
      z = normalizer(estimate);
      if (!(typeof z === 'number' && Number.isFinite(z) && z > 0)) throw new Error(`${fn}: the 'normalizer' function must return a finite Z > 0, got ${z} (for the estimate ${estimate})`);
    } else {
      z = normalizer;
    }
    const logZ = Math.log(z);
    const dataTerm = tf.sum(tf.softplus(tf.sub(logQ + logZ, positiveLogit))); // −Σ_b log h(i_b), log P = logit − log Z
    const noiseTerm = tf.sum(tf.softplus(tf.sub(noiseLogit, logQ + logZ))); // −Σ_{b,k} log(1 − h(noise_bk))
    return tf.div(tf.add(dataTerm, noiseTerm), batch) as tf.Scalar;
  });
}

/** Z = n · mean exp(logits), from the [batch, K] noise logits (log space; a plain number, no gradient). */
function normalizerFromLogits(fn: string, logits: tf.Tensor, size: number): number {
  const logMeanExp = tf.tidy(() => tf.sub(logSumExpLastAxis(tf.reshape(logits, [-1])), Math.log(logits.size))); // log mean exp
  const value = logMeanExp.dataSync()[0];
  logMeanExp.dispose();
  const normalizer = size * Math.exp(value);
  if (!Number.isFinite(normalizer) || !(normalizer > 0)) {
    throw new Error(`${fn}: the estimate of Z is ${normalizer} (log-mean-exp ${value}); are 'features' and 'memory' finite and is 'temperature' sensible?`);
  }
  return normalizer;
}

/**
 * Monte-Carlo estimate of the NCE normaliser, as in the paper:
 *
 *   Z = n · mean_{b,k} exp(m_{noise_bk}·f_b/τ),
 *
 * over the same draws the loss uses: with shared noise ([K]) every sample is scored against the
 * same K rows, so the mean runs over B·K pairs that share their rows (O(K) like {@link nceLoss}).
 *
 * lemniscate computes it once, on the first batch, and keeps it fixed (its mean also includes the
 * positive column); re-estimating it, or keeping a moving average, is a common fix. Computed in
 * log space, returned as a plain number (not differentiable). Inside a training step, pass
 * `normalizer: (estimate) => …` to {@link nceLoss} instead: it receives this same estimate, taken
 * from the logits the loss computes anyway.
 *
 * @param features [batch, dim].
 * @param memory [numInstances, dim].
 * @param noiseIndices int32 in [0, numInstances): [numNegatives] shared by the batch, or [batch, numNegatives].
 * @param options.temperature τ > 0, default 0.07.
 * @returns Z > 0.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function estimateNormalizer(features: tf.Tensor2D, memory: tf.Tensor2D, noiseIndices: tf.Tensor1D | tf.Tensor2D, options?: EstimateNormalizerOptions): number {
  const fn = 'estimateNormalizer';
  const { temperature = 0.07 } = optionsObject(fn, options);
  const { batch, size } = checkBank(fn, features, memory);
  const draws = checkNoise(fn, noiseIndices, batch, size);
  requirePositive(fn, 'temperature', temperature);
  const logits = noiseLogits(features, memory, draws, temperature); // [batch, K]
  try {
    return normalizerFromLogits(fn, logits, size);
  } finally {
    logits.dispose();
  }
}

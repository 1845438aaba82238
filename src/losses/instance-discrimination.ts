/**
 * Instance discrimination with a memory bank: Wu, Xiong, Yu & Lin, "Unsupervised Feature Learning
 * via Non-Parametric Instance Discrimination", CVPR 2018 — https://arxiv.org/abs/1805.01978
 *
 * Every training image i is its own class, represented by a memory-bank row mᵢ (the memory of
 * its last feature). `nonParametricSoftmaxLoss` is the full n-way softmax (paper eq. 2);
 * `nceLoss` is its noise-contrastive estimate with K uniform noise draws (eqs. 4–8), which needs
 * the normaliser Z from `estimateNormalizer`.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireIndices, requireNonEmpty, requirePositive, shapeText } from './checks';
import { matMulTransposed } from './distances';
import { gatherRows } from './gather';
import { logSumExpLastAxis } from './log-sum-exp';

/** Options of {@link nonParametricSoftmaxLoss}. */
export interface NonParametricSoftmaxOptions {
  /** τ > 0, the softmax temperature. Default 0.07 (paper; lemniscate's CIFAR recipe uses 0.1). */
  temperature?: number;
}

/** Options of {@link nceLoss}. */
export interface NceLossOptions {
  /** τ > 0. Default 0.07. */
  temperature?: number;
  /** Z > 0, the normaliser of P(j|f) = exp(mⱼ·f/τ)/Z, e.g. from {@link estimateNormalizer}. Required. */
  normalizer?: number;
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

function checkNoise(fn: string, noiseIndices: unknown, batch: number, size: number): { numNegatives: number; noise: Int32Array } {
  const noise = requireIndices(fn, 'noiseIndices', noiseIndices, 2, '[batch, numNegatives]', size, 'the rows of memory');
  const shape = (noiseIndices as tf.Tensor).shape as number[];
  if (shape[0] !== batch || shape[1] < 1) {
    throw new Error(`${fn}: 'noiseIndices' must be [batch, numNegatives] with batch = ${batch} like 'features' and numNegatives ≥ 1, got ${shapeText(shape)}`);
  }
  return { numNegatives: shape[1], noise };
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
    return tf.mean(tf.sub(logSumExpLastAxis(logits), positiveLogit)) as tf.Scalar;
  });
}

/**
 * NCE loss of InstDisc with uniform noise P_n = 1/n and K noise draws per sample. With
 * P(j|f) = exp(mⱼ·f/τ)/Z and q = K/n (= K·P_n):
 *
 *   L = −(1/B) Σ_b [ log(P(i_b|f_b) / (P(i_b|f_b) + q)) + Σ_k log(q / (P(noise_bk|f_b) + q)) ].
 *
 * Computed in log space as softplus(log q − log P) and softplus(log P − log q), which is the same
 * number without lemniscate's ε = 1e-7 in the denominators and never overflows. As in the paper
 * (and lemniscate), a noise draw may hit the sample's own index; draw `noiseIndices` yourself
 * (e.g. `rng.intArray(B*K, n)` from the kit's `Rng`) to exclude it if you wish.
 *
 * @param features [batch, dim] current features f_b.
 * @param memory [numInstances, dim] memory bank.
 * @param indices [batch] int32 instance index of each sample, in [0, numInstances).
 * @param noiseIndices [batch, numNegatives] int32 uniform noise draws, in [0, numInstances); numNegatives K < numInstances.
 * @param options.temperature τ > 0, default 0.07.
 * @param options.normalizer Z > 0 (required): see {@link estimateNormalizer}.
 * @returns scalar loss.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function nceLoss(features: tf.Tensor2D, memory: tf.Tensor2D, indices: tf.Tensor1D, noiseIndices: tf.Tensor2D, options?: NceLossOptions): tf.Scalar {
  const fn = 'nceLoss';
  const { temperature = 0.07, normalizer } = optionsObject(fn, options);
  const { batch, size } = checkBank(fn, features, memory);
  const rows = requireIndices(fn, 'indices', indices, 1, '[batch]', size, 'the rows of memory');
  if (indices.shape[0] !== batch) throw new Error(`${fn}: 'indices' must be [batch] with batch = ${batch} like 'features', got ${shapeText(indices.shape)}`);
  const { numNegatives, noise } = checkNoise(fn, noiseIndices, batch, size);
  if (numNegatives >= size) {
    throw new Error(`${fn}: 'noiseIndices' must draw numNegatives K < numInstances n (q = K/n < 1), got K = ${numNegatives}, n = ${size}`);
  }
  requirePositive(fn, 'temperature', temperature);
  if (normalizer === undefined) throw new Error(`${fn}: 'normalizer' (Z) is required, e.g. { normalizer: estimateNormalizer(features, memory, noiseIndices) }`);
  requirePositive(fn, 'normalizer', normalizer);
  const logQ = Math.log(numNegatives / size);
  const logZ = Math.log(normalizer);
  return tf.tidy(() => {
    const logits = memoryLogits(features, memory, temperature); // [batch, numInstances]
    const positiveLogP = tf.sub(pickLogits(logits, rows, [batch]), logZ); // [batch] log P(i_b|f_b)
    const noiseLogP = tf.sub(pickLogits(logits, noise, [batch, numNegatives]), logZ); // [batch, numNegatives] log P(noise_bk|f_b)
    const dataTerm = tf.sum(tf.softplus(tf.sub(logQ, positiveLogP))); // −Σ_b log h(i_b)
    const noiseTerm = tf.sum(tf.softplus(tf.sub(noiseLogP, logQ))); // −Σ_{b,k} log(1 − h(noise_bk))
    return tf.div(tf.add(dataTerm, noiseTerm), batch) as tf.Scalar;
  });
}

/**
 * Monte-Carlo estimate of the NCE normaliser, as in the paper:
 *
 *   Z = n · mean_{b,k} exp(m_{noise_bk}·f_b/τ).
 *
 * lemniscate computes it once, on the first batch, and keeps it fixed (its mean also includes the
 * positive column); re-estimating it, or keeping a moving average, is a common fix. Computed in
 * log space, returned as a plain number (not differentiable).
 *
 * @param features [batch, dim].
 * @param memory [numInstances, dim].
 * @param noiseIndices [batch, numNegatives] int32 in [0, numInstances).
 * @param options.temperature τ > 0, default 0.07.
 * @returns Z > 0.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function estimateNormalizer(features: tf.Tensor2D, memory: tf.Tensor2D, noiseIndices: tf.Tensor2D, options?: EstimateNormalizerOptions): number {
  const fn = 'estimateNormalizer';
  const { temperature = 0.07 } = optionsObject(fn, options);
  const { batch, size } = checkBank(fn, features, memory);
  const { numNegatives, noise } = checkNoise(fn, noiseIndices, batch, size);
  requirePositive(fn, 'temperature', temperature);
  const logMeanExp = tf.tidy(() => {
    const logits = memoryLogits(features, memory, temperature); // [batch, numInstances]
    const total = logSumExpLastAxis(pickLogits(logits, noise, [batch * numNegatives]));
    return tf.sub(total, Math.log(batch * numNegatives));
  });
  const value = logMeanExp.dataSync()[0];
  logMeanExp.dispose();
  const normalizer = size * Math.exp(value);
  if (!Number.isFinite(normalizer) || !(normalizer > 0)) {
    throw new Error(`${fn}: the estimate of Z is ${normalizer} (log-mean-exp ${value}); are 'features' and 'memory' finite and is 'temperature' sensible?`);
  }
  return normalizer;
}

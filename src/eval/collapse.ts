/**
 * Collapse diagnostics for an embedding: are the points still spread out, and over how many
 * directions?
 *
 * - Mean pairwise distance: the mean of ‖x_i − x_j‖ over pairs i ≠ j (0 = complete collapse;
 *   √2 ≈ 1.41 for L2-normalised points spread evenly in high dimension).
 * - Effective rank (Roy & Vetterli 2007, https://infoscience.epfl.ch/record/110188; used as
 *   "RankMe" by Garrido et al. 2023, https://arxiv.org/abs/2210.02885): exp(H(p)) with
 *   p_k = σ_k / Σσ the normalised singular values of the embedding matrix — between 1 (one
 *   direction: collapse) and dim. The singular values come from the eigenvalues of the
 *   dim × dim Gram matrix XᵀX (σ_k = √λ_k), computed in float32 with tfjs and decomposed in float64
 *   by ml-matrix's symmetric eigen-solver (tfjs has no SVD). With `center: true` the rows are
 *   centred first: the spectrum of the covariance (Jing et al. 2022's "dimensional collapse").
 * - Per-dimension std of the L2-normalised rows, averaged (SimSiam's collapse monitor, Chen & He
 *   2021): about 1/√dim when the points spread, 0 when they collapse.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { rngFor } from '../runtime/random';
import { requireFiniteValues, requireInteger, requireMatrix } from '../checks';
import { defaultPairwiseChunk, reducePairwiseBlocks } from './pairwise';

/** Options of {@link collapseReport}. */
export interface CollapseReportOptions {
  /** Centre the rows before the spectrum (covariance spectrum) instead of using them as given
   * (default false: the embedding matrix itself, as RankMe). */
  center?: boolean;
  /** The mean pairwise distance is exact over at most this many rows (a seeded random subset
   * beyond it; default 5000, i.e. 25M pairs). */
  maxPairwisePoints?: number;
}

/** What {@link collapseReport} measured. */
export interface CollapseReport {
  /** Rows and columns of the embedding matrix. */
  numPoints: number;
  dim: number;
  /** Mean ‖x_i − x_j‖ over pairs i ≠ j of the rows as given (of `pairwisePoints` rows). */
  meanPairwiseDistance: number;
  /** Rows used for the mean pairwise distance (all, or a seeded subset). */
  pairwisePoints: number;
  /** exp(entropy of the normalised singular values), in [1, dim] (0 for an all-zero matrix). */
  effectiveRank: number;
  /** Singular values of the (centred, if asked) embedding matrix, largest first. // [dim] */
  singularValues: number[];
  /** Mean over dimensions of the std of the L2-normalised rows. */
  normalizedDimensionStd: number;
  /** 1/√dim: what `normalizedDimensionStd` is for points spread evenly on the sphere. */
  spreadDimensionStd: number;
}

/**
 * Effective rank exp(−Σ p_k ln p_k), p_k = σ_k / Σσ (terms with σ_k = 0 contribute 0).
 *
 * @param singularValues non-negative singular values (any order).
 * @returns the effective rank in [1, count], or 0 when all are 0.
 */
export function effectiveRank(singularValues: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < singularValues.length; k++) {
    const s = singularValues[k];
    if (!(s >= 0) || !Number.isFinite(s)) throw new Error(`effectiveRank: 'singularValues' must be finite and ≥ 0, got ${s} at index ${k}`);
    total += s;
  }
  if (total === 0) return 0;
  let entropy = 0;
  for (let k = 0; k < singularValues.length; k++) {
    const p = singularValues[k] / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * Singular values of the embedding matrix (or of the centred one), from the eigenvalues of XᵀX.
 *
 * @param embeddings the rows. // [numPoints, dim]
 * @param center subtract the mean row first (default false).
 * @returns the dim singular values, largest first (tiny negative eigenvalues from rounding → 0).
 */
export function singularValues(embeddings: tf.Tensor2D, center = false): number[] {
  requireMatrix('singularValues', 'embeddings', embeddings);
  const dim = embeddings.shape[1];
  const gram = tf.tidy(() => {
    let x = embeddings.toFloat();
    if (center) x = x.sub(x.mean(0, true));
    return tf.matMul(x.transpose(), x).arraySync() as number[][]; // [dim, dim]; plain matmul, transpose once
  });
  // Symmetrise against float32 rounding so the symmetric solver sees an exactly symmetric matrix.
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) gram[i][j] = gram[j][i] = (gram[i][j] + gram[j][i]) / 2;
  const eigen = new EigenvalueDecomposition(new Matrix(gram), { assumeSymmetric: true });
  return eigen.realEigenvalues.map((lambda) => Math.sqrt(Math.max(0, lambda))).sort((a, b) => b - a);
}

/**
 * Collapse report of an embedding: mean pairwise distance, effective rank with the singular
 * values, and the per-dimension std of the normalised rows.
 *
 * @param embeddings the rows (as given; L2-normalise them first to compare across models). // [numPoints, dim], numPoints ≥ 2
 * @param options `center` (default false), `maxPairwisePoints` (default 5000).
 * @returns see {@link CollapseReport}.
 * @example
 * const report = collapseReport(testEmbeddings);
 * expectThat(report.effectiveRank > 2, 'the embedding uses more than two directions');
 */
export function collapseReport(embeddings: tf.Tensor2D, options: CollapseReportOptions = {}): CollapseReport {
  const fn = 'collapseReport';
  requireMatrix(fn, 'embeddings', embeddings);
  const [numPoints, dim] = embeddings.shape;
  if (numPoints < 2) throw new Error(`${fn}: 'embeddings' needs at least 2 rows, got ${numPoints}`);
  const maxPairwisePoints = requireInteger(fn, 'maxPairwisePoints', options.maxPairwisePoints ?? 5000, 2);
  requireFiniteValues(fn, 'embeddings', embeddings);

  const spectrum = singularValues(embeddings, options.center ?? false);
  const pairwisePoints = Math.min(numPoints, maxPairwisePoints);
  const subset = tf.tidy(() => {
    const floats = embeddings.toFloat();
    if (pairwisePoints === numPoints) return floats;
    const chosen = rngFor('collapseReport').permutation(numPoints).slice(0, pairwisePoints);
    return tf.gather(floats, tf.tensor1d(chosen, 'int32'));
  });
  let blockSums: number[];
  try {
    blockSums = reducePairwiseBlocks(subset, defaultPairwiseChunk(pairwisePoints), (squaredDistances, isSelf) =>
      tf.where(isSelf, tf.zerosLike(squaredDistances), squaredDistances.sqrt()).sum(),
    );
  } finally {
    subset.dispose();
  }
  const normalizedDimensionStd = tf.tidy(() => {
    const x = embeddings.toFloat();
    const unit = x.div(x.norm('euclidean', 1, true).maximum(1e-12));
    return tf.moments(unit, 0).variance.sqrt().mean().dataSync()[0];
  });
  return {
    numPoints,
    dim,
    meanPairwiseDistance: blockSums.reduce((a, b) => a + b, 0) / (pairwisePoints * (pairwisePoints - 1)),
    pairwisePoints,
    effectiveRank: effectiveRank(spectrum),
    singularValues: spectrum,
    normalizedDimensionStd,
    spreadDimensionStd: 1 / Math.sqrt(dim),
  };
}

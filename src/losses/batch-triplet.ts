/**
 * The online triplet loss over a labelled batch (Schroff et al., FaceNet, CVPR 2015 —
 * https://arxiv.org/abs/1503.03832; batch-all, batch-hard and the soft margin: Hermans, Beyer &
 * Leibe, "In Defense of the Triplet Loss for Person Re-Identification", 2017 —
 * https://arxiv.org/abs/1703.07737), as the parts put it together: similarity −D over the batch,
 * selection by a miner (index triplets) or by the label masks (batch-all), the triplet term
 * ({@link tripletTerm}), and a reducer.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireBoolean, requireFloat, requireLabels, requireNonEmpty, requirePositive } from '../checks';
import { hingeTerm, softplusAggregate, tripletTerm } from './aggregations';
import { pairwiseSquaredDistances, safeSqrt } from './distances';
import { gatherRows } from './gather';
import { readLabelledBatch, releaseLabelledBatch, sortedNegatives } from './labelled-batch';
import { labelMasks } from './masks';
import { mineTriplets, type MineTripletsOptions } from './miners';
import { meanOverAll, meanOverNonZero, REDUCERS_BY_NAME, type ReducerName } from './reducers';

/** Options of {@link batchTripletLoss}. */
export interface BatchTripletLossOptions extends MineTripletsOptions {
  /** Soft-margin (softplus) instead of the hinge. Default false. */
  softMargin?: boolean;
  /**
   * The reducer, by name: 'mean' ({@link meanOverAll}) over the mined triplets, or 'mean-nonzero'
   * ({@link meanOverNonZero}) over those with a positive loss (Hermans' batch-all "+"). Default 'mean-nonzero' for strategy 'all' (otherwise easy triplets drown the
   * signal), 'mean' for the others (FaceNet's mean over all anchor–positive pairs).
   */
  reduce?: ReducerName;
}

/**
 * Online triplet loss over a labelled batch: mines triplets with `strategy` (default semi-hard)
 * from the current embeddings, then averages max(D_ap − D_an + margin, 0) (or its softplus) over
 * them. Differentiable with respect to `embeddings` (on every backend); equals
 * `tripletLoss(rows(anchors), rows(positives), rows(negatives))` on the mined triplets.
 * Batch-all never lists its triplets: with the hinge it sorts each anchor's negatives and sums
 * the violating ones with a prefix sum (O(batch² log batch)); with the soft margin, where every
 * triplet counts, it evaluates the [batch, batch, batch] cube. Returns 0 (with a zero gradient)
 * when the batch has no valid triplet.
 *
 * @param embeddings [batch, dim] (e.g. L2-normalised model outputs).
 * @param labels [batch] int32 class labels (≥ 2 classes with ≥ 2 members for any triplet).
 * @param options.strategy 'all' | 'hard' | 'semi-hard' | 'random', default 'semi-hard'.
 * @param options.margin default 0.2; options.squared default true; options.softMargin default false.
 * @param options.reduce see {@link BatchTripletLossOptions.reduce}.
 * @returns scalar loss.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function batchTripletLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: BatchTripletLossOptions): tf.Scalar {
  const fn = 'batchTripletLoss';
  const opts = optionsObject(fn, options);
  const { strategy = 'semi-hard', margin = 0.2, squared = true, softMargin = false } = opts;
  const reduceName = opts.reduce ?? (strategy === 'all' ? 'mean-nonzero' : 'mean');
  requirePositive(fn, 'margin', margin);
  requireBoolean(fn, 'softMargin', softMargin);
  if (reduceName !== 'mean' && reduceName !== 'mean-nonzero') throw new Error(`${fn}: 'reduce' must be 'mean' or 'mean-nonzero', got '${String(reduceName)}'`);
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  requireNonEmpty(fn, 'embeddings', embeddings, '[batch, dim]');
  requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  const reduce = REDUCERS_BY_NAME[reduceName];
  const distancesOf = (x: tf.Tensor2D) => {
    const squaredDistances = pairwiseSquaredDistances(x, x); // [batch, batch]
    return (squared ? squaredDistances : safeSqrt(squaredDistances)) as tf.Tensor2D;
  };

  // Batch-all: selection by the label masks. The hinge has a closed form without the cube.
  if (strategy === 'all' && !softMargin) return batchAllHingeLoss(embeddings, labels, margin, squared, reduceName);
  if (strategy === 'all') {
    return tf.tidy(() => {
      // Similarity −D, every (anchor, positive, negative) of the label masks: terms [a, p, n] of D_ap − D_an.
      const { terms, weights } = softplusAggregate().apply(tf.neg(distancesOf(embeddings)) as tf.Tensor2D, labelMasks(labels));
      return reduce(terms, weights);
    });
  }

  // The other strategies: selection by a miner's index triplets.
  const mined = mineTriplets(embeddings, labels, { strategy, margin, squared, rng: opts.rng });
  const batch = embeddings.shape[0];
  return tf.tidy(() => {
    if (mined.anchors.length === 0) return tf.mul(tf.sum(embeddings), 0) as tf.Scalar;
    const flat = tf.reshape(distancesOf(embeddings), [-1, 1]); // [batch·batch, 1]
    const at = (rows: Int32Array, cols: Int32Array) => tf.reshape(gatherRows(flat, rows.map((r, t) => r * batch + cols[t])), [-1]); // [count]
    const gap = tf.sub(at(mined.anchors, mined.positives), at(mined.anchors, mined.negatives)); // [count] D_ap − D_an
    return reduce(tripletTerm(gap, { margin, softMargin }));
  });
}

/**
 * Batch-all hinge loss without the [batch, batch, batch] cube. For an anchor a and positive p, the
 * violating negatives are those with D_an < D_ap + margin — a prefix of a's negatives sorted by
 * distance, of length c — so Σ_n max(D_ap − D_an + margin, 0) = c·(D_ap + margin) − (sum of the c
 * closest negative distances). The order and c are read from a detached copy (they are piecewise
 * constant); the distances themselves stay differentiable. It is {@link hingeTerm} summed over the
 * label masks' triplets and reduced by the reducer `reduce` names, in closed form: the same number
 * as `assembleLoss({ similarity: −D, aggregate: hingeAggregate, reduce })` without the cube.
 */
function batchAllHingeLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, margin: number, squared: boolean, reduce: ReducerName): tf.Scalar {
  const prepared = readLabelledBatch('batchTripletLoss', embeddings, labels, squared);
  try {
    const batch = prepared.batch;
    // Detached: sort order, violating counts c[a, p], and the denominators.
    const [order, counts, totals] = tf.tidy(() => {
      const { sorted, columns } = sortedNegatives(prepared);
      const positives = prepared.masks.positives; // [a, p]
      const violating = tf.mul(tf.cast(tf.searchSorted(sorted, tf.add(prepared.distances, margin), 'left'), 'float32'), positives); // [a, p]
      const negativesPerAnchor = tf.sum(prepared.masks.negatives, 1, true); // [a, 1]
      const total = tf.stack([tf.sum(tf.mul(positives, negativesPerAnchor)), tf.sum(violating)]);
      return [columns.dataSync() as Int32Array, violating.dataSync() as Float32Array, total.dataSync() as Float32Array];
    });
    const denominator = reduce === 'mean' ? totals[0] : totals[1];
    const sortedIndex = new Int32Array(batch * batch); // flat position a·B + column of the k-th closest negative
    const prefixIndex = new Int32Array(batch * batch); // flat position a·B + c[a, p] in the prefix sums
    for (let i = 0; i < batch * batch; i++) {
      const rowStart = i - (i % batch);
      sortedIndex[i] = rowStart + order[i];
      prefixIndex[i] = rowStart + counts[i];
    }
    return tf.tidy(() => {
      if (denominator === 0) return tf.mul(tf.sum(embeddings), 0) as tf.Scalar;
      const squaredDistances = pairwiseSquaredDistances(embeddings, embeddings);
      const distances = tf.reshape(squared ? squaredDistances : safeSqrt(squaredDistances), [-1]); // [a·b]
      const sortedDistances = tf.reshape(gatherRows(distances, sortedIndex), [batch, batch]); // [a, k] ascending (non-negatives after)
      const prefix = tf.reshape(tf.cumsum(sortedDistances, 1, true), [-1]); // exclusive: sum of the first k
      const closestSum = tf.reshape(gatherRows(prefix, prefixIndex), [batch, batch]); // [a, p] Σ of the c closest
      const c = tf.tensor2d(counts, [batch, batch]); // 0 where (a, p) is not a positive pair
      const perPair = tf.sub(tf.mul(c, tf.add(tf.reshape(distances, [batch, batch]), margin)), closestSum); // [a, p]
      return tf.div(tf.sum(perPair), denominator) as tf.Scalar;
    });
  } finally {
    releaseLabelledBatch(prepared);
  }
}

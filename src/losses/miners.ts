/**
 * Online triplet mining over a labelled batch, and the triplet-kind counts used to watch it:
 * batch-all and batch-hard (Hermans, Beyer & Leibe, "In Defense of the Triplet Loss for Person
 * Re-Identification", 2017 — https://arxiv.org/abs/1703.07737), semi-hard (Schroff et al.,
 * FaceNet, CVPR 2015 — https://arxiv.org/abs/1503.03832) and random.
 *
 * Distances are computed once as a [batch, batch] matrix and every choice is made with masks,
 * argmin/argmax and `where` over it; the only JS loops compact the chosen (anchor, positive,
 * negative) triples into index arrays. Mining reads the embeddings' values and is not
 * differentiable: use {@link batchTripletLoss} (or gather the rows yourself) for the loss.
 *
 * Vocabulary, with D the anchor's distance to the positive (D_ap) and to the negative (D_an):
 * - hard: D_an ≤ D_ap (the negative is at least as close as the positive);
 * - semi-hard: D_ap < D_an < D_ap + margin (farther than the positive, still inside the margin);
 * - easy: D_an ≥ D_ap + margin (zero hinge loss).
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, rngFor } from '../data/random';
import { optionsObject, requireBoolean, requireFloat, requireLabels, requireNonEmpty, requirePositive } from '../checks';
import { pairwiseSquaredDistances, safeSqrt } from './distances';
import { gatherRows } from './gather';

/** Triplets as three aligned index arrays into the batch: (anchors[t], positives[t], negatives[t]). */
export interface MinedTriplets {
  /** [count] anchor rows. */
  anchors: Int32Array;
  /** [count] positive rows (same label as the anchor, not the anchor itself). */
  positives: Int32Array;
  /** [count] negative rows (another label). */
  negatives: Int32Array;
}

/** The mining strategies of {@link mineTriplets}. */
export type MiningStrategy = 'all' | 'hard' | 'semi-hard' | 'random';

/** Options shared by the miners. */
export interface MinerOptions {
  /** true (default): squared Euclidean distances, as {@link tripletLoss}'s default; false: Euclidean. */
  squared?: boolean;
  /** The triplet margin, used by semi-hard mining and the kind counts. Default 0.2. */
  margin?: number;
  /** The random stream of `mineRandom`. Default `rngFor('mineRandom')` (kit seed). */
  rng?: Rng;
}

interface Prepared {
  batch: number;
  labels: Int32Array;
  /** detached distance matrix, [batch, batch] */
  distances: tf.Tensor2D;
  /** 1 where labels match and i ≠ j, [batch, batch] (bool) */
  positiveMask: tf.Tensor2D;
  /** 1 where labels differ, [batch, batch] (bool) */
  negativeMask: tf.Tensor2D;
}

function prepare(fn: string, embeddings: tf.Tensor2D, labels: tf.Tensor1D, squared: boolean): Prepared {
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  requireNonEmpty(fn, 'embeddings', embeddings, '[batch, dim]');
  const labelValues = requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  requireBoolean(fn, 'squared', squared);
  return tf.tidy(() => {
    // A copy detached from any gradient tape: mining only reads values.
    const values = tf.tensor2d(embeddings.dataSync() as Float32Array, embeddings.shape);
    const squaredDistances = pairwiseSquaredDistances(values, values); // [batch, batch]
    const distances = (squared ? squaredDistances : safeSqrt(squaredDistances)) as tf.Tensor2D;
    const column = tf.reshape(labels, [-1, 1]);
    const row = tf.reshape(labels, [1, -1]);
    const same = tf.equal(column, row); // [batch, batch]
    const notSelf = tf.logicalNot(tf.cast(tf.eye(embeddings.shape[0]), 'bool'));
    return {
      batch: embeddings.shape[0],
      labels: labelValues,
      distances,
      positiveMask: tf.logicalAnd(same, notSelf) as tf.Tensor2D,
      negativeMask: tf.logicalNot(same) as tf.Tensor2D,
    };
  });
}

function release(prepared: Prepared): void {
  tf.dispose([prepared.distances, prepared.positiveMask, prepared.negativeMask]);
}

/** Anchor–positive pairs (a, p), a ≠ p, same label, where a has at least one negative; row-major order. */
function anchorPositivePairs(labels: Int32Array): { anchors: Int32Array; positives: Int32Array } {
  const batch = labels.length;
  const counts = new Map<number, number>();
  labels.forEach((label) => counts.set(label, (counts.get(label) ?? 0) + 1));
  const anchors: number[] = [];
  const positives: number[] = [];
  for (let a = 0; a < batch; a++) {
    if ((counts.get(labels[a]) ?? 0) === batch) continue; // no negative for this anchor
    for (let p = 0; p < batch; p++) {
      if (p !== a && labels[p] === labels[a]) {
        anchors.push(a);
        positives.push(p);
      }
    }
  }
  return { anchors: Int32Array.from(anchors), positives: Int32Array.from(positives) };
}

const EMPTY: MinedTriplets = { anchors: new Int32Array(0), positives: new Int32Array(0), negatives: new Int32Array(0) };

/**
 * Batch-all: every valid triplet (a, p, n) of the batch — a ≠ p with the same label, n with
 * another label. Depends only on the labels (B=256 with 8 classes of 32 gives 1.78 million
 * triplets: {@link batchTripletLoss} computes the batch-all loss with masks instead).
 *
 * @param embeddings [batch, dim] (only its shape is used).
 * @param labels [batch] int32 class labels.
 * @returns the triplets in (a, p, n) row-major order.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function mineBatchAll(embeddings: tf.Tensor2D, labels: tf.Tensor1D): MinedTriplets {
  const fn = 'mineBatchAll';
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  const values = requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  const pairs = anchorPositivePairs(values);
  const anchors: number[] = [];
  const positives: number[] = [];
  const negatives: number[] = [];
  pairs.anchors.forEach((a, t) => {
    for (let n = 0; n < values.length; n++) {
      if (values[n] !== values[a]) {
        anchors.push(a);
        positives.push(pairs.positives[t]);
        negatives.push(n);
      }
    }
  });
  return { anchors: Int32Array.from(anchors), positives: Int32Array.from(positives), negatives: Int32Array.from(negatives) };
}

/**
 * Batch-hard: for each anchor that has a positive and a negative, its farthest positive and its
 * closest negative (one triplet per anchor).
 *
 * @param embeddings [batch, dim].
 * @param labels [batch] int32.
 * @param options.squared default true.
 * @returns at most `batch` triplets, in anchor order.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function mineBatchHard(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: MinerOptions): MinedTriplets {
  const fn = 'mineBatchHard';
  const { squared = true } = optionsObject(fn, options);
  const prepared = prepare(fn, embeddings, labels, squared);
  try {
    const [hardestPositive, closestNegative, valid] = tf.tidy(() => {
      const { distances, positiveMask, negativeMask } = prepared;
      const positive = tf.argMax(tf.where(positiveMask, distances, tf.fill(distances.shape, -1)), 1); // [batch]
      const negative = tf.argMin(tf.where(negativeMask, distances, tf.fill(distances.shape, Infinity)), 1); // [batch]
      const ok = tf.logicalAnd(tf.any(positiveMask, 1), tf.any(negativeMask, 1)); // [batch]
      return [positive.dataSync(), negative.dataSync(), ok.dataSync()];
    });
    return compact(valid, (a) => [a, hardestPositive[a], closestNegative[a]]);
  } finally {
    release(prepared);
  }
}

function compact(valid: ArrayLike<number>, triple: (t: number) => [number, number, number]): MinedTriplets {
  let count = 0;
  for (let t = 0; t < valid.length; t++) if (valid[t]) count++;
  const out = { anchors: new Int32Array(count), positives: new Int32Array(count), negatives: new Int32Array(count) };
  let k = 0;
  for (let t = 0; t < valid.length; t++) {
    if (!valid[t]) continue;
    const [a, p, n] = triple(t);
    out.anchors[k] = a;
    out.positives[k] = p;
    out.negatives[k] = n;
    k++;
  }
  return out;
}

/**
 * Semi-hard mining (FaceNet): for every anchor–positive pair (FaceNet uses all of them), the
 * closest negative with D_ap < D_an < D_ap + margin.
 *
 * **Fallback when the pair has no semi-hard negative:** the *easiest hard* negative — the
 * farthest one with D_an ≤ D_ap — and only if there is none of those either (every negative is
 * already easy) the closest negative, which costs nothing. Why: of the negatives that still
 * violate the margin, the easiest hard one is the nearest to the semi-hard band, so the pair keeps
 * a useful, bounded gradient without the hardest negatives that FaceNet found can collapse
 * training early (the same choice as tf.contrib's `triplet_semihard_loss` and TF-Similarity's
 * fix in PR #308). Counting the all-easy pairs keeps the mean over all anchor–positive pairs, as
 * FaceNet's loss is.
 *
 * @param embeddings [batch, dim].
 * @param labels [batch] int32.
 * @param options.margin the band width, default 0.2 (use the loss's margin).
 * @param options.squared default true.
 * @returns one triplet per anchor–positive pair (whose anchor has a negative), row-major.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function mineSemiHard(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: MinerOptions): MinedTriplets {
  const fn = 'mineSemiHard';
  const { squared = true, margin = 0.2 } = optionsObject(fn, options);
  requirePositive(fn, 'margin', margin);
  const prepared = prepare(fn, embeddings, labels, squared);
  try {
    const pairs = anchorPositivePairs(prepared.labels);
    if (pairs.anchors.length === 0) return EMPTY;
    const choice = tf.tidy(() => {
      const { distances } = prepared;
      const { sorted, columns } = sortedNegatives(prepared); // [batch, batch] each, ascending D(a, n)
      // below[a, p] = #negatives with D_an ≤ D_ap: sorted[a, below] is the first negative farther than p
      const below = tf.searchSorted(sorted, distances, 'right'); // [batch, batch] int32
      const int = (value: number) => tf.scalar(value, 'int32');
      const next = tf.minimum(below, int(prepared.batch - 1));
      const previous = tf.maximum(tf.sub(below, int(1)), int(0));
      const nextDistance = tf.gather(sorted, next, 1, 1); // [batch, batch] D of the closest negative beyond p (∞ if none)
      const inBand = tf.less(tf.sub(nextDistance, distances), margin); // D_ap < D_an < D_ap + margin
      const hasHard = tf.greater(below, int(0));
      const position = tf.where(inBand, next, tf.where(hasHard, previous, tf.zerosLike(below)));
      return tf.gather(columns, position, 1, 1).dataSync() as Int32Array; // [batch·batch] chosen negative per (a, p)
    });
    const negatives = pairs.anchors.map((a, t) => choice[a * prepared.batch + pairs.positives[t]]);
    return { anchors: pairs.anchors, positives: pairs.positives, negatives };
  } finally {
    release(prepared);
  }
}

/**
 * Each anchor's negatives sorted by distance, ascending (non-negatives last, at +∞), and the
 * batch column each sorted entry came from. [batch, batch] each.
 */
function sortedNegatives(prepared: Prepared): { sorted: tf.Tensor2D; columns: tf.Tensor2D } {
  return tf.tidy(() => {
    const { distances, negativeMask } = prepared;
    const negativeDistances = tf.where(negativeMask, distances, tf.fill(distances.shape, Infinity));
    const { values, indices } = tf.topk(tf.neg(negativeDistances), prepared.batch, true); // descending −D = ascending D
    return { sorted: tf.neg(values) as tf.Tensor2D, columns: indices as tf.Tensor2D };
  });
}

/**
 * Random mining: for each anchor that has a positive and a negative, one positive and one
 * negative drawn uniformly (from the kit's seeded {@link Rng}).
 *
 * @param embeddings [batch, dim] (only its shape is used).
 * @param labels [batch] int32.
 * @param options.rng default `rngFor('mineRandom')`.
 * @returns at most `batch` triplets, in anchor order.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function mineRandom(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: MinerOptions): MinedTriplets {
  const fn = 'mineRandom';
  const { rng = rngFor('mineRandom') } = optionsObject(fn, options);
  if (!(rng instanceof Rng)) throw new Error(`${fn}: 'rng' must be an Rng from the kit (e.g. rngFor('mining')), got ${String(rng)}`);
  const prepared = prepare(fn, embeddings, labels, true);
  try {
    const batch = prepared.batch;
    const [positive, negative, valid] = tf.tidy(() => {
      // argmax of uniform scores restricted to a mask = a uniform choice within the mask
      const scores = tf.tensor2d(rng.uniformArray(2 * batch * batch), [2 * batch, batch]);
      const [positiveScores, negativeScores] = tf.split(scores, 2, 0);
      const minusOne = tf.fill([batch, batch], -1);
      const p = tf.argMax(tf.where(prepared.positiveMask, positiveScores, minusOne), 1);
      const n = tf.argMax(tf.where(prepared.negativeMask, negativeScores, minusOne), 1);
      const ok = tf.logicalAnd(tf.any(prepared.positiveMask, 1), tf.any(prepared.negativeMask, 1));
      return [p.dataSync(), n.dataSync(), ok.dataSync()];
    });
    return compact(valid, (a) => [a, positive[a], negative[a]]);
  } finally {
    release(prepared);
  }
}

/** Options of {@link mineTriplets}. */
export interface MineTripletsOptions extends MinerOptions {
  /** 'all' | 'hard' | 'semi-hard' | 'random'. Default 'semi-hard'. */
  strategy?: MiningStrategy;
}

/**
 * One entry point for the four miners: `strategy` picks {@link mineBatchAll},
 * {@link mineBatchHard}, {@link mineSemiHard} or {@link mineRandom}.
 *
 * @param embeddings [batch, dim].
 * @param labels [batch] int32.
 * @param options.strategy default 'semi-hard'; the other options go to the miner.
 * @returns the mined triplets.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function mineTriplets(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: MineTripletsOptions): MinedTriplets {
  const fn = 'mineTriplets';
  const { strategy = 'semi-hard', ...rest } = optionsObject(fn, options);
  switch (strategy) {
    case 'all':
      return mineBatchAll(embeddings, labels);
    case 'hard':
      return mineBatchHard(embeddings, labels, rest);
    case 'semi-hard':
      return mineSemiHard(embeddings, labels, rest);
    case 'random':
      return mineRandom(embeddings, labels, rest);
    default:
      throw new Error(`${fn}: 'strategy' must be one of 'all', 'hard', 'semi-hard', 'random', got '${String(strategy)}'`);
  }
}

/** What {@link countTripletKinds} counts over all valid triplets of a batch. */
export interface TripletKindCounts {
  /** D_an ≥ D_ap + margin: zero loss. */
  easy: number;
  /** D_ap < D_an < D_ap + margin. */
  semiHard: number;
  /** D_an ≤ D_ap. */
  hard: number;
  /** easy + semiHard + hard = number of valid triplets. */
  total: number;
  /** Mean distance over anchor–positive pairs (NaN if none). */
  meanPositiveDistance: number;
  /** Mean distance over anchor–negative pairs (NaN if none). */
  meanNegativeDistance: number;
}

/**
 * Counts the easy, semi-hard and hard triplets among all valid triplets of a labelled batch —
 * the numbers to plot per step while training with a miner. A batch stuck with (almost) all
 * triplets hard and both mean distances near 0 has collapsed (the loss then sits at the margin);
 * the eval module's `collapseReport` measures collapse on any embedding.
 *
 * Computed without the [batch, batch, batch] cube: each anchor's negatives are sorted once and
 * every positive's distance is located in them by binary search (`tf.searchSorted`).
 *
 * @param embeddings [batch, dim].
 * @param labels [batch] int32.
 * @param options.margin default 0.2; options.squared default true.
 * @returns the counts and the mean positive / negative distances.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function countTripletKinds(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: MinerOptions): TripletKindCounts {
  const fn = 'countTripletKinds';
  const { squared = true, margin = 0.2 } = optionsObject(fn, options);
  requirePositive(fn, 'margin', margin);
  const prepared = prepare(fn, embeddings, labels, squared);
  try {
    const values = tf.tidy(() => {
      const { distances, positiveMask, negativeMask } = prepared;
      const { sorted } = sortedNegatives(prepared);
      const positives = tf.cast(positiveMask, 'float32'); // [a, p]
      const negatives = tf.cast(negativeMask, 'float32'); // [a, n]
      // For each (a, p): #negatives with D_an ≤ D_ap (hard) and with D_an < D_ap + margin (not easy).
      const atMost = tf.cast(tf.searchSorted(sorted, distances, 'right'), 'float32'); // [a, p]
      const inside = tf.cast(tf.searchSorted(sorted, tf.add(distances, margin), 'left'), 'float32'); // [a, p]
      const negativesPerAnchor = tf.sum(negatives, 1, true); // [a, 1]
      const hard = tf.sum(tf.mul(positives, atMost));
      const notEasy = tf.sum(tf.mul(positives, inside));
      const total = tf.sum(tf.mul(positives, negativesPerAnchor));
      return tf.stack([
        hard,
        tf.sub(total, notEasy),
        total,
        tf.div(tf.sum(tf.mul(distances, positives)), tf.sum(positives)),
        tf.div(tf.sum(tf.mul(distances, negatives)), tf.sum(negatives)),
      ]).dataSync();
    });
    const [hard, easy, total, meanPositiveDistance, meanNegativeDistance] = Array.from(values);
    return { easy, semiHard: total - hard - easy, hard, total, meanPositiveDistance, meanNegativeDistance };
  } finally {
    release(prepared);
  }
}

/** Options of {@link batchTripletLoss}. */
export interface BatchTripletLossOptions extends MineTripletsOptions {
  /** Soft-margin (softplus) instead of the hinge. Default false. */
  softMargin?: boolean;
  /**
   * 'mean' over the mined triplets, or 'mean-nonzero' over those with a positive loss (Hermans'
   * batch-all "+"). Default 'mean-nonzero' for strategy 'all' (otherwise easy triplets drown the
   * signal), 'mean' for the others (FaceNet's mean over all anchor–positive pairs).
   */
  reduce?: 'mean' | 'mean-nonzero';
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
  const reduce = opts.reduce ?? (strategy === 'all' ? 'mean-nonzero' : 'mean');
  requirePositive(fn, 'margin', margin);
  requireBoolean(fn, 'softMargin', softMargin);
  if (reduce !== 'mean' && reduce !== 'mean-nonzero') throw new Error(`${fn}: 'reduce' must be 'mean' or 'mean-nonzero', got '${String(reduce)}'`);
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  requireNonEmpty(fn, 'embeddings', embeddings, '[batch, dim]');
  const labelValues = requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  const batch = embeddings.shape[0];
  const perTriplet = (gap: tf.Tensor) => (softMargin ? tf.softplus(gap) : tf.relu(tf.add(gap, margin)));
  const distancesOf = (x: tf.Tensor2D) => {
    const squaredDistances = pairwiseSquaredDistances(x, x);
    return (squared ? squaredDistances : safeSqrt(squaredDistances)) as tf.Tensor2D;
  };

  if (strategy === 'all' && !softMargin) return batchAllHingeLoss(embeddings, labels, margin, squared, reduce);
  if (strategy === 'all') {
    const pairs = anchorPositivePairs(labelValues);
    return tf.tidy(() => {
      // Float masks multiplied by broadcasting (broadcast comparisons are slow on wasm).
      const same = tf.cast(tf.equal(tf.reshape(labels, [-1, 1]), tf.reshape(labels, [1, -1])), 'float32'); // [a, b]
      const positiveMask = tf.sub(same, tf.eye(batch)); // [a, p]
      const valid = tf.mul(tf.expandDims(positiveMask, 2), tf.expandDims(tf.sub(1, same), 1)); // [a, p, n]
      const triplets = (x: tf.Tensor2D) => {
        const d = distancesOf(x);
        return tf.mul(perTriplet(tf.sub(tf.expandDims(d, 2), tf.expandDims(d, 1))), valid); // [a, p, n] D_ap − D_an
      };
      const zero = tf.mul(tf.sum(embeddings), 0) as tf.Scalar;
      if (pairs.anchors.length === 0) return zero;
      // The denominator is a count, computed on a detached copy (comparisons have no gradient in tfjs).
      const denominator = tf.tidy(() => {
        const detached = tf.tensor2d(embeddings.dataSync() as Float32Array, embeddings.shape);
        const values = triplets(detached);
        return (reduce === 'mean' ? tf.sum(valid) : tf.sum(tf.cast(tf.greater(values, 0), 'float32'))).dataSync()[0];
      });
      if (denominator === 0) return zero;
      return tf.div(tf.sum(triplets(embeddings)), denominator) as tf.Scalar;
    });
  }

  const mined = mineTriplets(embeddings, labels, { strategy, margin, squared, rng: opts.rng });
  const count = mined.anchors.length;
  return tf.tidy(() => {
    if (count === 0) return tf.mul(tf.sum(embeddings), 0) as tf.Scalar;
    const flat = tf.reshape(distancesOf(embeddings), [-1, 1]); // [batch·batch, 1]
    const at = (rows: Int32Array, cols: Int32Array) => tf.reshape(gatherRows(flat, rows.map((r, t) => r * batch + cols[t])), [-1]);
    const values = perTriplet(tf.sub(at(mined.anchors, mined.positives), at(mined.anchors, mined.negatives))); // [count]
    if (reduce === 'mean') return tf.mean(values) as tf.Scalar;
    const nonZero = tf.tidy(() => tf.sum(tf.cast(tf.greater(tf.tensor1d(values.dataSync() as Float32Array), 0), 'float32')).dataSync()[0]);
    return (nonZero === 0 ? tf.mul(tf.sum(values), 0) : tf.div(tf.sum(values), nonZero)) as tf.Scalar;
  });
}

/**
 * Batch-all hinge loss without the [batch, batch, batch] cube. For an anchor a and positive p, the
 * violating negatives are those with D_an < D_ap + margin — a prefix of a's negatives sorted by
 * distance, of length c — so Σ_n max(D_ap − D_an + margin, 0) = c·(D_ap + margin) − (sum of the c
 * closest negative distances). The order and c are read from a detached copy (they are piecewise
 * constant); the distances themselves stay differentiable.
 */
function batchAllHingeLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, margin: number, squared: boolean, reduce: 'mean' | 'mean-nonzero'): tf.Scalar {
  const prepared = prepare('batchTripletLoss', embeddings, labels, squared);
  try {
    const batch = prepared.batch;
    // Detached: sort order, violating counts c[a, p], and the denominators.
    const [order, counts, totals] = tf.tidy(() => {
      const { sorted, columns } = sortedNegatives(prepared);
      const positives = tf.cast(prepared.positiveMask, 'float32'); // [a, p]
      const violating = tf.mul(tf.cast(tf.searchSorted(sorted, tf.add(prepared.distances, margin), 'left'), 'float32'), positives); // [a, p]
      const negativesPerAnchor = tf.sum(tf.cast(prepared.negativeMask, 'float32'), 1, true); // [a, 1]
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
    release(prepared);
  }
}

/**
 * Online triplet mining over a labelled batch — the selection part of the triplet losses, as index
 * tuples instead of masks: batch-all and batch-hard (Hermans, Beyer & Leibe, "In Defense of the Triplet Loss for Person
 * Re-Identification", 2017 — https://arxiv.org/abs/1703.07737), semi-hard (Schroff et al.,
 * FaceNet, CVPR 2015 — https://arxiv.org/abs/1503.03832) and random.
 *
 * Distances are computed once as a [batch, batch] matrix and every choice is made with masks,
 * argmin/argmax and `where` over it; the only JS loops compact the chosen (anchor, positive,
 * negative) triples into index arrays. Miners only mine: they read the embeddings' values and are
 * not differentiable; `batchTripletLoss` (batch-triplet.ts) turns their triplets into the loss,
 * and `countTripletKinds` (triplet-kinds.ts) counts the kinds below.
 *
 * Vocabulary, with D the anchor's distance to the positive (D_ap) and to the negative (D_an):
 * - hard: D_an ≤ D_ap (the negative is at least as close as the positive);
 * - semi-hard: D_ap < D_an < D_ap + margin (farther than the positive, still inside the margin);
 * - easy: D_an ≥ D_ap + margin (zero hinge loss).
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, rngFor } from '../runtime/random';
import { optionsObject, requireFloat, requireLabels, requirePositive } from '../checks';
import { anchorPositivePairs, readLabelledBatch, releaseLabelledBatch, sortedNegatives } from './labelled-batch';

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

const EMPTY: MinedTriplets = { anchors: new Int32Array(0), positives: new Int32Array(0), negatives: new Int32Array(0) };

/**
 * Batch-all: every valid triplet (a, p, n) of the batch — a ≠ p with the same label, n with
 * another label. Depends only on the labels (B=256 with 8 classes of 32 gives 1.78 million
 * triplets: `batchTripletLoss` computes the batch-all loss with masks instead).
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
  const prepared = readLabelledBatch(fn, embeddings, labels, squared);
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
    releaseLabelledBatch(prepared);
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
  const prepared = readLabelledBatch(fn, embeddings, labels, squared);
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
    releaseLabelledBatch(prepared);
  }
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
  const prepared = readLabelledBatch(fn, embeddings, labels, true);
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
    releaseLabelledBatch(prepared);
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

/**
 * The triplet-kind counts to watch a triplet run with: how many of a labelled batch's valid
 * triplets are easy, semi-hard and hard (Schroff et al., FaceNet, CVPR 2015 —
 * https://arxiv.org/abs/1503.03832; Hermans, Beyer & Leibe, 2017 — https://arxiv.org/abs/1703.07737).
 *
 * With D the anchor's distance to the positive (D_ap) and to the negative (D_an):
 * - hard: D_an ≤ D_ap; semi-hard: D_ap < D_an < D_ap + margin; easy: D_an ≥ D_ap + margin.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requirePositive } from '../checks';
import { readLabelledBatch, releaseLabelledBatch, sortedNegatives } from './labelled-batch';
import type { MinerOptions } from './miners';

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
  const prepared = readLabelledBatch(fn, embeddings, labels, squared);
  try {
    const values = tf.tidy(() => {
      const { distances, masks } = prepared;
      const { sorted } = sortedNegatives(prepared);
      const positives = masks.positives; // [a, p]
      const negatives = masks.negatives; // [a, n]
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
    releaseLabelledBatch(prepared);
  }
}

/**
 * The last part of every loss: a reducer turns loss terms and their 0/1 weights into one number.
 * The one reducer type of the kit: the assembled losses take one, the named losses reduce with one,
 * and `batchTripletLoss`'s `reduce: 'mean' | 'mean-nonzero'` names {@link meanOverAll} and
 * {@link meanOverNonZero} ({@link REDUCERS_BY_NAME}).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A reducer part: (terms, weights) → scalar. `weights` (0/1, the shape of `terms`) says which terms
 * exist; leave it out when every term exists (a named loss over N rows: one term per row).
 */
export type Reducer = (terms: tf.Tensor, weights?: tf.Tensor) => tf.Scalar;

/**
 * Mean over every existing term: Σ w·t / Σ w (0 when there is none); without weights, the mean of
 * all terms.
 * @param terms any shape, e.g. [N, M] or [N, M, M].
 * @param weights 0/1, the shape of `terms` (default: all 1).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanOverAll: Reducer = (terms, weights) =>
  tf.tidy(() => {
    if (weights === undefined) return tf.mean(terms) as tf.Scalar;
    return tf.div(tf.sum(tf.mul(terms, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar;
  });

/**
 * Mean over the terms that are > 0 (PML's AvgNonZeroReducer, Hermans' batch-all "+"): easy
 * triplets with zero loss do not dilute the mean. 0 when every term is 0.
 * @param terms any shape, ≥ 0.
 * @param weights 0/1, the shape of `terms` (default: all 1).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanOverNonZero: Reducer = (terms, weights) =>
  tf.tidy(() => {
    const weighted = weights === undefined ? terms : tf.mul(terms, weights);
    // tf.step has a zero gradient (a comparison would have none at all in tfjs).
    const count = tf.sum(tf.step(weighted));
    return tf.div(tf.sum(weighted), tf.maximum(count, 1)) as tf.Scalar;
  });

/**
 * Mean over each anchor's terms, then over the anchors that have any (SupCon's
 * −1/|P(i)| Σ_p …, averaged over anchors): anchors with many positives do not weigh more.
 * @param terms [N, …] one row of terms per anchor.
 * @param weights 0/1, the shape of `terms` (default: all 1).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanPerAnchor: Reducer = (terms, weights) =>
  tf.tidy(() => {
    const w = weights ?? tf.onesLike(terms);
    const axes = Array.from({ length: terms.rank - 1 }, (_, k) => k + 1);
    const perAnchorWeight = tf.sum(w, axes); // [N]
    const perAnchor = tf.div(tf.sum(tf.mul(terms, w), axes), tf.maximum(perAnchorWeight, 1e-12)); // [N]
    const present = tf.step(perAnchorWeight); // [N] 1 where the anchor has terms
    return tf.div(tf.sum(tf.mul(perAnchor, present)), tf.maximum(tf.sum(present), 1)) as tf.Scalar;
  });

/** The reducers by the names `batchTripletLoss`'s `reduce` option takes. */
export const REDUCERS_BY_NAME = { mean: meanOverAll, 'mean-nonzero': meanOverNonZero } as const satisfies Record<string, Reducer>;

/** A name of {@link REDUCERS_BY_NAME}: 'mean' ({@link meanOverAll}) or 'mean-nonzero' ({@link meanOverNonZero}). */
export type ReducerName = keyof typeof REDUCERS_BY_NAME;

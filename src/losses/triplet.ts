/**
 * The triplet loss of FaceNet: Schroff, Kalenichenko & Philbin, "FaceNet: A Unified Embedding for
 * Face Recognition and Clustering", CVPR 2015 — https://arxiv.org/abs/1503.03832
 * (soft-margin variant: Hermans, Beyer & Leibe, "In Defense of the Triplet Loss for Person
 * Re-Identification", 2017 — https://arxiv.org/abs/1703.07737).
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireBoolean, requireFloat, requireNonEmpty, requirePositive, requireSameShape } from '../checks';
import { tripletTerm } from './aggregations';
import { rowSquaredDistances, safeSqrt } from './distances';
import { meanOverAll } from './reducers';

/** Options of {@link tripletLoss}. */
export interface TripletLossOptions {
  /** α > 0: a negative must be at least α farther from the anchor than the positive. Default 0.2 (FaceNet). */
  margin?: number;
  /** true (default, FaceNet): D is the squared Euclidean distance; false: the Euclidean distance. */
  squared?: boolean;
  /**
   * true: the soft-margin loss log(1 + exp(D(a,p) − D(a,n))) of Hermans et al. instead of the hinge
   * (then `margin` is not used). Default false.
   */
  softMargin?: boolean;
}

/**
 * FaceNet triplet loss over N triplets (aᵢ, pᵢ, nᵢ):
 *
 *   L = meanᵢ max(D(aᵢ, pᵢ) − D(aᵢ, nᵢ) + margin, 0)
 *
 * with D the squared Euclidean distance (FaceNet; `squared: false` for the plain distance). With
 * `softMargin: true` the hinge becomes softplus: L = meanᵢ log(1 + exp(D(aᵢ,pᵢ) − D(aᵢ,nᵢ))).
 * FaceNet L2-normalises the embeddings first; this function does not (normalise them yourself).
 * The mean runs over all N triplets, including those that already satisfy the margin.
 *
 * @param anchor [batch, dim] anchors (float32).
 * @param positive [batch, dim] same identity as the anchor.
 * @param negative [batch, dim] another identity.
 * @param options.margin α > 0, default 0.2.
 * @param options.squared default true.
 * @param options.softMargin default false.
 * @returns scalar loss.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function tripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, options?: TripletLossOptions): tf.Scalar {
  const fn = 'tripletLoss';
  const { margin = 0.2, squared = true, softMargin = false } = optionsObject(fn, options);
  requireFloat(fn, 'anchor', anchor, 2, '[batch, dim]');
  requireNonEmpty(fn, 'anchor', anchor, '[batch, dim]');
  requireFloat(fn, 'positive', positive, 2, '[batch, dim]');
  requireSameShape(fn, 'positive', positive, 'anchor', anchor, '[batch, dim]');
  requireFloat(fn, 'negative', negative, 2, '[batch, dim]');
  requireSameShape(fn, 'negative', negative, 'anchor', anchor, '[batch, dim]');
  requirePositive(fn, 'margin', margin);
  requireBoolean(fn, 'squared', squared);
  requireBoolean(fn, 'softMargin', softMargin);
  return tf.tidy(() => {
    // Similarity −D on the paired rows only (the selection: row i's positive and negative are row i's).
    let dPositive = rowSquaredDistances(anchor, positive); // [batch]
    let dNegative = rowSquaredDistances(anchor, negative); // [batch]
    if (!squared) {
      dPositive = safeSqrt(dPositive) as tf.Tensor1D;
      dNegative = safeSqrt(dNegative) as tf.Tensor1D;
    }
    const gap = tf.sub(dPositive, dNegative); // [batch] D_ap − D_an
    return meanOverAll(tripletTerm(gap, { margin, softMargin }));
  });
}

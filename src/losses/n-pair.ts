/**
 * The (N+1)-tuplet loss and the multi-class N-pair loss: Sohn, "Improved Deep Metric Learning with
 * Multi-class N-pair Loss Objective", NeurIPS 2016 —
 * https://papers.nips.cc/paper/6200-improved-deep-metric-learning-with-multi-class-n-pair-loss-objective
 *
 * Both are the softmax cross-entropy term ({@link crossEntropyTerms}) over inner products (the
 * similarity), with the pairs or tuples as the selection, averaged by {@link meanOverAll}; the
 * log-sum-exp subtracts its maximum, so embeddings of any norm stay finite.
 *
 * @see notebooks/03-npair-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireNonEmpty, requireNonNegative, requireSameShape, shapeText } from '../checks';
import { crossEntropyTerms } from './aggregations';
import { matMulTransposed, rowDots } from './distances';
import { meanOverAll } from './reducers';

/**
 * (N+1)-tuplet loss: each anchor a_b has one positive p_b and M negatives n_b1 … n_bM,
 *
 *   L = mean_b log(1 + Σ_k exp(a_b·n_bk − a_b·p_b)).
 *
 * With M = 1 it is the soft-margin triplet loss on inner products. Inner products, no temperature,
 * no normalisation (as in the paper).
 *
 * @param anchor [batch, dim] (float32).
 * @param positive [batch, dim].
 * @param negatives [batch, numNegatives, dim].
 * @returns scalar loss.
 * @see notebooks/03-npair-loss.ipynb
 */
export function tupletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negatives: tf.Tensor3D): tf.Scalar {
  const fn = 'tupletLoss';
  requireFloat(fn, 'anchor', anchor, 2, '[batch, dim]');
  requireNonEmpty(fn, 'anchor', anchor, '[batch, dim]');
  requireFloat(fn, 'positive', positive, 2, '[batch, dim]');
  requireSameShape(fn, 'positive', positive, 'anchor', anchor, '[batch, dim]');
  requireFloat(fn, 'negatives', negatives, 3, '[batch, numNegatives, dim]');
  if (negatives.shape[0] !== anchor.shape[0] || negatives.shape[2] !== anchor.shape[1] || negatives.shape[1] < 1) {
    throw new Error(
      `${fn}: 'negatives' must be [batch, numNegatives, dim] with batch, dim of 'anchor' ${shapeText(anchor.shape)} and numNegatives ≥ 1, got ${shapeText(negatives.shape)}`,
    );
  }
  return tf.tidy(() => {
    const positiveLogit = rowDots(anchor, positive); // [batch]
    const negativeLogits = tf.sum(tf.mul(tf.expandDims(anchor, 1), negatives), 2); // [batch, numNegatives]
    const differences = tf.sub(negativeLogits, tf.expandDims(positiveLogit, 1)); // [batch, numNegatives]
    // Logits relative to the positive's: log(1 + Σ exp(z)) = −log softmax([0, z₁, …, z_M]) at the 0.
    const relativeLogits = tf.concat([tf.zeros([anchor.shape[0], 1]), differences], 1); // [batch, 1 + numNegatives]
    return meanOverAll(crossEntropyTerms(relativeLogits, tf.zeros([anchor.shape[0]]))); // [batch] terms → scalar
  });
}

/** Options of {@link nPairLoss}. */
export interface NPairLossOptions {
  /** λ ≥ 0 of the L2 penalty on embedding norms (Sohn regularises norms instead of normalising). Default 0; 0.002 is common. */
  l2Reg?: number;
}

/**
 * Multi-class N-pair loss over N pairs (aᵢ, pᵢ) from N different classes; every other pair's
 * positive is a negative for aᵢ:
 *
 *   L = meanᵢ log(1 + Σ_{j≠i} exp(aᵢ·pⱼ − aᵢ·pᵢ)) + l2Reg · Σᵢ(‖aᵢ‖² + ‖pᵢ‖²) / (2N).
 *
 * Equivalently the mean softmax cross-entropy of the N×N logit matrix aᵢ·pⱼ with the diagonal as
 * target, computed with log-sum-exp so large-norm embeddings do not overflow. Note that tf.contrib's
 * `npairs_loss` scales its penalty as 0.25·λ·(mean‖a‖² + mean‖p‖²), half of this one.
 *
 * @param anchors [numPairs, dim] (float32), one per class.
 * @param positives [numPairs, dim], positives[i] has the class of anchors[i].
 * @param options.l2Reg λ ≥ 0, default 0.
 * @returns scalar loss.
 * @see notebooks/03-npair-loss.ipynb
 */
export function nPairLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, options?: NPairLossOptions): tf.Scalar {
  const fn = 'nPairLoss';
  const { l2Reg = 0 } = optionsObject(fn, options);
  requireFloat(fn, 'anchors', anchors, 2, '[numPairs, dim]');
  requireNonEmpty(fn, 'anchors', anchors, '[numPairs, dim]');
  requireFloat(fn, 'positives', positives, 2, '[numPairs, dim]');
  requireSameShape(fn, 'positives', positives, 'anchors', anchors, '[numPairs, dim]');
  requireNonNegative(fn, 'l2Reg', l2Reg);
  return tf.tidy(() => {
    const n = anchors.shape[0];
    const logits = matMulTransposed(anchors, positives); // [numPairs, numPairs] aᵢ·pⱼ
    const diagonal = rowDots(anchors, positives); // [numPairs] aᵢ·pᵢ
    // log(1 + Σ_{j≠i} exp(Sᵢⱼ − Sᵢᵢ)) = logsumexpⱼ(Sᵢⱼ) − Sᵢᵢ  (the j = i term is exp(0) = 1)
    let loss: tf.Tensor = meanOverAll(crossEntropyTerms(logits, diagonal)); // [numPairs] terms → scalar
    if (l2Reg > 0) {
      const squaredNorms = tf.add(tf.sum(tf.square(anchors)), tf.sum(tf.square(positives)));
      loss = tf.add(loss, tf.mul(l2Reg / (2 * n), squaredNorms));
    }
    return loss as tf.Scalar;
  });
}

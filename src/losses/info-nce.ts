/**
 * InfoNCE as MoCo uses it: He, Fan, Wu, Xie & Girshick, "Momentum Contrast for Unsupervised Visual
 * Representation Learning", CVPR 2020 — https://arxiv.org/abs/1911.05722 (InfoNCE: van den Oord,
 * Li & Vinyals, "Representation Learning with Contrastive Predictive Coding", 2018 —
 * https://arxiv.org/abs/1807.03748).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireNonEmpty, requirePositive, requireSameShape, shapeText } from '../checks';
import { crossEntropyTerms } from './aggregations';
import { matMulTransposed, rowDots } from './distances';
import { meanOverAll } from './reducers';

/** Options of {@link infoNCELoss}. */
export interface InfoNCELossOptions {
  /** τ > 0. Default 0.07 (MoCo v1; v2 uses 0.2). */
  temperature?: number;
}

/**
 * InfoNCE over a queue of negatives (MoCo). For each query qᵢ with its positive key kᵢ,
 *
 *   logitsᵢ = [qᵢ·kᵢ, qᵢ·queue₁, …, qᵢ·queue_K] / τ,   L = meanᵢ(−logitsᵢ[0] + logsumexp(logitsᵢ)),
 *
 * i.e. (K+1)-way softmax cross-entropy with the positive in column 0 (MoCo's "labels = 0").
 * Nothing is normalised inside: L2-normalise query, keys and queue yourself, as MoCo does. The
 * in-batch keys kⱼ (j ≠ i) are not negatives here; only the queue is. With all logits equal the
 * loss is ln(K+1), the chance level to compare training curves with.
 *
 * @param query [batch, dim] queries q (from the query encoder).
 * @param positiveKey [batch, dim] keys k₊ of the same images (momentum encoder).
 * @param queue [queueSize, dim] negative keys from earlier batches.
 * @param options.temperature τ > 0, default 0.07.
 * @returns scalar loss.
 * @see notebooks/05-moco.ipynb
 */
export function infoNCELoss(query: tf.Tensor2D, positiveKey: tf.Tensor2D, queue: tf.Tensor2D, options?: InfoNCELossOptions): tf.Scalar {
  const fn = 'infoNCELoss';
  const { temperature = 0.07 } = optionsObject(fn, options);
  requireFloat(fn, 'query', query, 2, '[batch, dim]');
  requireNonEmpty(fn, 'query', query, '[batch, dim]');
  requireFloat(fn, 'positiveKey', positiveKey, 2, '[batch, dim]');
  requireSameShape(fn, 'positiveKey', positiveKey, 'query', query, '[batch, dim]');
  requireFloat(fn, 'queue', queue, 2, '[queueSize, dim]');
  if (queue.shape[0] < 1 || queue.shape[1] !== query.shape[1]) {
    throw new Error(`${fn}: 'queue' must be [queueSize, dim] with queueSize ≥ 1 and dim = ${query.shape[1]} like 'query', got ${shapeText(queue.shape)}`);
  }
  requirePositive(fn, 'temperature', temperature);
  return tf.tidy(() => {
    const scaledQuery = tf.div(query, temperature) as tf.Tensor2D; // q/τ: cheaper than dividing the logits
    const positiveLogit = rowDots(scaledQuery, positiveKey); // [batch]
    const negativeLogits = matMulTransposed(scaledQuery, queue); // [batch, queueSize]
    const logits = tf.concat([tf.expandDims(positiveLogit, 1), negativeLogits], 1); // [batch, 1 + queueSize] the selection: own key, then the queue
    return meanOverAll(crossEntropyTerms(logits, positiveLogit)); // [batch] terms → scalar
  });
}

/**
 * Two losses beyond the course's seed, assembled from the design-your-own parts (similarities.ts,
 * masks.ts, aggregations.ts, reducers.ts, assemble.ts):
 * - NT-Xent (SimCLR): Chen, Kornblith, Norouzi & Hinton, "A Simple Framework for Contrastive
 *   Learning of Visual Representations", ICML 2020 — https://arxiv.org/abs/2002.05709
 * - SupCon: Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020 —
 *   https://arxiv.org/abs/2004.11362
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireLabels, requireNonEmpty, requirePositive, requireSameShape } from '../checks';
import { logSumExpAggregate } from './aggregations';
import { assembleLoss } from './assemble';
import { type BatchLoss, labelledBatchLoss } from './batch-loss';
import { labelMasks } from './masks';
import { meanOverAll, meanPerAnchor } from './reducers';
import { cosineSimilarity } from './similarities';

/**
 * NT-Xent (normalised temperature-scaled cross-entropy) of SimCLR over N images seen in two views.
 * With z = the 2N views, s = cosine similarity and j(i) the other view of image i:
 *
 *   L = 1/(2N) Σᵢ −log( exp(s_{i,j(i)}/τ) / Σ_{k≠i} exp(s_ik/τ) ).
 *
 * Assembled as: cosine similarity of z with itself, label masks with labels [0…N−1, 0…N−1]
 * (self excluded), log-sum-exp with temperature τ, mean over all (anchor, positive) terms.
 *
 * @param view1 [batch, dim] embeddings of the first view.
 * @param view2 [batch, dim] embeddings of the second view (row i = same image as view1 row i).
 * @param options.temperature τ > 0, default 0.5 (SimCLR's CIFAR setting; 0.1 for ImageNet).
 * @returns scalar loss.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function ntXentLoss(view1: tf.Tensor2D, view2: tf.Tensor2D, options?: { temperature?: number }): tf.Scalar {
  const fn = 'ntXentLoss';
  const { temperature = 0.5 } = optionsObject(fn, options);
  requireFloat(fn, 'view1', view1, 2, '[batch, dim]');
  requireNonEmpty(fn, 'view1', view1, '[batch, dim]');
  requireFloat(fn, 'view2', view2, 2, '[batch, dim]');
  requireSameShape(fn, 'view2', view2, 'view1', view1, '[batch, dim]');
  requirePositive(fn, 'temperature', temperature);
  const loss = assembleLoss({ similarity: cosineSimilarity, aggregate: logSumExpAggregate({ temperature }), reduce: meanOverAll });
  return tf.tidy(() => {
    const n = view1.shape[0];
    const views = tf.concat([view1, view2], 0) as tf.Tensor2D; // [2·batch, dim]
    const image = tf.range(0, n, 1, 'int32');
    const labels = tf.concat([image, image]) as tf.Tensor1D; // [2·batch]
    return loss(views, views, labelMasks(labels));
  });
}

/**
 * Supervised contrastive loss (SupCon, Khosla et al.'s L_out) over a labelled batch: every other
 * sample of the same class is a positive, and each anchor's denominator runs over all other samples:
 *
 *   L = mean_{i with a positive} −1/|P(i)| Σ_{p∈P(i)} log( exp(s_ip/τ) / Σ_{a≠i} exp(s_ia/τ) ),
 *
 * with s the cosine similarity (the paper normalises the projections). Anchors without a positive
 * are skipped. Assembled as: cosine similarity, label masks (self excluded), log-sum-exp with
 * temperature τ, mean per anchor — a {@link BatchLoss} (with options), ready for the leaderboard.
 *
 * @param embeddings [batch, dim] (several views of an image simply share its label).
 * @param labels [batch] int32 class labels.
 * @param options.temperature τ > 0, default 0.1 (the paper's; HobbitLong's code defaults to 0.07).
 * @returns scalar loss (0 when no anchor has a positive).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function supConLoss(embeddings: tf.Tensor2D, labels: tf.Tensor1D, options?: { temperature?: number }): tf.Scalar {
  const fn = 'supConLoss';
  const { temperature = 0.1 } = optionsObject(fn, options);
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  requireNonEmpty(fn, 'embeddings', embeddings, '[batch, dim]');
  requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  requirePositive(fn, 'temperature', temperature);
  // SupCon's denominator is every a ≠ i: the label masks' positives ∪ negatives is exactly that.
  const loss = labelledBatchLoss(assembleLoss({ similarity: cosineSimilarity, aggregate: logSumExpAggregate({ temperature }), reduce: meanPerAnchor }));
  return loss(embeddings, labels);
}

/**
 * The contrastive (pair) loss of DrLIM: Hadsell, Chopra & LeCun, "Dimensionality Reduction by
 * Learning an Invariant Mapping", CVPR 2006 — http://yann.lecun.com/exdb/publis/pdf/hadsell-chopra-lecun-06.pdf
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireBinaryFlags, requireFloat, requireNonEmpty, requirePositive, requireSameShape } from '../checks';
import { contrastiveTerms } from './aggregations';
import { rowSquaredDistances } from './distances';
import { meanOverAll } from './reducers';

/** Options of {@link contrastiveLoss}. */
export interface ContrastiveLossOptions {
  /** m > 0: dissimilar pairs closer than m are pushed apart; farther ones cost nothing. Default 1. */
  margin?: number;
}

/**
 * DrLIM contrastive loss over N pairs (x1ᵢ, x2ᵢ):
 *
 *   L = 1/(2N) · Σᵢ [ sᵢ·dᵢ² + (1 − sᵢ)·max(margin − dᵢ, 0)² ],   dᵢ = ‖x1ᵢ − x2ᵢ‖₂.
 *
 * Label convention: **sᵢ = 1 means similar, 0 dissimilar** (as tf.contrib and most code do).
 * The paper writes Y = 0 for similar and Y = 1 for dissimilar, i.e. Y = 1 − s; the loss is the
 * paper's (1−Y)·½·D² + Y·½·max(0, m − D)², averaged over the pairs.
 *
 * The similar term is computed from d² directly and the hinge uses a square root with a zero
 * gradient at d = 0, so the gradient stays finite when x1ᵢ = x2ᵢ (a coincident dissimilar pair
 * then costs margin²/(2N) and gets a zero gradient: at d = 0 there is no direction to push in).
 *
 * @param x1 [batch, dim] first item of each pair (float32).
 * @param x2 [batch, dim] second item of each pair.
 * @param similar [batch] 1 = similar pair, 0 = dissimilar (any dtype holding 0/1).
 * @param options.margin m > 0, default 1.
 * @returns scalar loss.
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function contrastiveLoss(x1: tf.Tensor2D, x2: tf.Tensor2D, similar: tf.Tensor1D, options?: ContrastiveLossOptions): tf.Scalar {
  const fn = 'contrastiveLoss';
  const { margin = 1 } = optionsObject(fn, options);
  requireFloat(fn, 'x1', x1, 2, '[batch, dim]');
  requireNonEmpty(fn, 'x1', x1, '[batch, dim]');
  requireFloat(fn, 'x2', x2, 2, '[batch, dim]');
  requireSameShape(fn, 'x2', x2, 'x1', x1, '[batch, dim]');
  requireBinaryFlags(fn, 'similar', similar, x1.shape[0], 'x1');
  requirePositive(fn, 'margin', margin);
  return tf.tidy(() => {
    const squared = rowSquaredDistances(x1, x2); // [batch] dᵢ², the similarity −d² of the paired rows only
    const s = tf.cast(similar, 'float32'); // [batch] the selection: similar pairs pull, the others push
    const terms = contrastiveTerms(squared, s, tf.sub(1, s), margin); // [batch] ½·d² or ½·max(m − d, 0)²
    return meanOverAll(terms, tf.onesLike(terms)); // Σ terms / N: every pair counts once
  });
}

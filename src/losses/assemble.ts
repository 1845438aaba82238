/**
 * Design your own loss: every loss of the course is a similarity matrix between anchors and
 * candidates (similarities.ts), a choice of positives and negatives (masks.ts), an aggregation
 * (aggregations.ts: hinge with a margin, soft-margin softplus, log-sum-exp with a temperature,
 * DrLIM's pair terms) and a reduction to one number (reducers.ts). {@link assembleLoss} puts the
 * parts together:
 *
 *   const infoNCE = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate({ temperature: 0.07 }), reduce: meanOverAll });
 *   infoNCE(query, tf.concat([key, queue]), indexMasks(N + K, range(N), { from: N, to: N + K }));
 *
 * The tests rebuild the contrastive, triplet, tuplet, N-pair and InfoNCE losses this way and check
 * them against the named functions (which use the same term formulas and reducers on the entries
 * they select); NT-Xent and SupCon ({@link ntXentLoss}, {@link supConLoss}) are assembled.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireNonEmpty, requireTensor, shapeText } from '../checks';
import type { Aggregation } from './aggregations';
import type { PairMasks } from './masks';
import type { Reducer } from './reducers';
import type { Similarity } from './similarities';


/** The parts of a loss. */
export interface LossParts {
  /** e.g. {@link dotSimilarity}, {@link cosineSimilarity}, {@link negativeSquaredEuclidean}, or your own. */
  similarity: Similarity;
  /** e.g. {@link hingeAggregate}, {@link softplusAggregate}, {@link logSumExpAggregate}, {@link contrastiveAggregate}. */
  aggregate: Aggregation;
  /** e.g. {@link meanOverAll}, {@link meanOverNonZero}, {@link meanPerAnchor}. */
  reduce: Reducer;
}

/** A loss assembled by {@link assembleLoss}. */
export type AssembledLoss = (anchors: tf.Tensor2D, candidates: tf.Tensor2D, masks: PairMasks) => tf.Scalar;

/**
 * Puts the parts together: loss = reduce(aggregate(similarity(anchors, candidates), masks)).
 * The returned function checks its inputs, is differentiable with respect to anchors and
 * candidates, and leaves only its scalar behind (the masks stay the caller's).
 *
 * @param parts the similarity, aggregation and reducer.
 * @returns `(anchors [N, dim], candidates [M, dim], masks {positives, negatives} [N, M]) → scalar`.
 * @example
 * // N-pair: anchors against the positives of every pair, diagonal = positive
 * const nPair = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate(), reduce: meanOverAll });
 * const loss = nPair(anchors, positives, labelMasks(tf.range(0, N, 1, 'int32') as tf.Tensor1D, tf.range(0, N, 1, 'int32') as tf.Tensor1D));
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function assembleLoss(parts: LossParts): AssembledLoss {
  const fn = 'assembleLoss';
  const { similarity, aggregate, reduce } = optionsObject(fn, parts);
  if (typeof similarity !== 'function') throw new Error(`${fn}: 'similarity' must be a function (anchors, candidates) → [N, M], e.g. dotSimilarity`);
  if (aggregate === null || typeof aggregate !== 'object' || typeof aggregate.apply !== 'function') {
    throw new Error(`${fn}: 'aggregate' must be an aggregation such as logSumExpAggregate({ temperature: 0.1 })`);
  }
  if (typeof reduce !== 'function') throw new Error(`${fn}: 'reduce' must be a reducer such as meanOverAll`);
  const name = `assembled ${aggregate.name} loss`;
  return (anchors, candidates, masks) => {
    requireFloat(name, 'anchors', anchors, 2, '[N, dim]');
    requireNonEmpty(name, 'anchors', anchors, '[N, dim]');
    requireFloat(name, 'candidates', candidates, 2, '[M, dim]');
    if (candidates.shape[1] !== anchors.shape[1]) throw new Error(`${name}: 'candidates' must be [M, dim] with dim = ${anchors.shape[1]} like 'anchors', got ${shapeText(candidates.shape)}`);
    if (masks === null || typeof masks !== 'object') throw new Error(`${name}: 'masks' must be { positives, negatives }, e.g. from labelMasks`);
    const expected = [anchors.shape[0], candidates.shape[0]];
    for (const key of ['positives', 'negatives'] as const) {
      const mask = masks[key];
      requireTensor(name, `masks.${key}`, mask);
      if (mask.rank !== 2 || mask.shape[0] !== expected[0] || mask.shape[1] !== expected[1]) {
        throw new Error(`${name}: 'masks.${key}' must be [N, M] = ${shapeText(expected)}, got ${shapeText(mask.shape)}`);
      }
    }
    return tf.tidy(() => {
      const s = similarity(anchors, candidates);
      const floatMasks = { positives: tf.cast(masks.positives, 'float32') as tf.Tensor2D, negatives: tf.cast(masks.negatives, 'float32') as tf.Tensor2D };
      const { terms, weights } = aggregate.apply(s, floatMasks);
      return reduce(terms, weights);
    });
  };
}

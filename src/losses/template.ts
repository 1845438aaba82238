/**
 * Design your own loss: every loss of the course is a similarity matrix between anchors and
 * candidates, a choice of positives and negatives, an aggregation (hinge with a margin,
 * soft-margin softplus, log-sum-exp with a temperature) and a reduction to one number. This module
 * offers those parts and {@link assembleLoss} to put them together:
 *
 *   const infoNCE = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate({ temperature: 0.07 }), reduce: meanOverAll });
 *   infoNCE(query, tf.concat([key, queue]), indexMasks(N + K, range(N), { from: N, to: N + K }));
 *
 * The tests rebuild the contrastive, triplet, tuplet, N-pair and InfoNCE losses this way and check
 * them against the direct functions; NT-Xent and SupCon ({@link ntXentLoss}, {@link supConLoss})
 * are built from the same parts.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requireFloat, requireNonEmpty, requirePositive, requirePositiveInteger, requireTensor, shapeText } from '../checks';
import { matMulTransposed, pairwiseSquaredDistances, safeSqrt, unitRows } from './distances';
import { logSumExpLastAxis } from './log-sum-exp';

// ---- similarities ---------------------------------------------------------------------------

/** A similarity part: anchors [N, dim] × candidates [M, dim] → [N, M], larger = more alike. */
export type Similarity = (anchors: tf.Tensor2D, candidates: tf.Tensor2D) => tf.Tensor2D;

/**
 * Inner products aᵢ·cⱼ (Sohn's N-pair, MoCo's InfoNCE on normalised inputs).
 * @param anchors [N, dim]
 * @param candidates [M, dim]
 * @returns [N, M]
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const dotSimilarity: Similarity = (anchors, candidates) => matMulTransposed(anchors, candidates);

/**
 * Cosine similarities aᵢ·cⱼ / (‖aᵢ‖‖cⱼ‖) (SimCLR, SupCon); a zero row gives 0, not NaN.
 * @param anchors [N, dim]
 * @param candidates [M, dim]
 * @returns [N, M] in [−1, 1]
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const cosineSimilarity: Similarity = (anchors, candidates) =>
  tf.tidy(() => matMulTransposed(unitRows(anchors), unitRows(candidates)));

/**
 * Negative squared Euclidean distances −‖aᵢ − cⱼ‖² (DrLIM, FaceNet as a similarity).
 * @param anchors [N, dim]
 * @param candidates [M, dim]
 * @returns [N, M] ≤ 0
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const negativeSquaredEuclidean: Similarity = (anchors, candidates) =>
  tf.tidy(() => tf.neg(pairwiseSquaredDistances(anchors, candidates)) as tf.Tensor2D);

// ---- positives and negatives ----------------------------------------------------------------

/** Which (anchor, candidate) entries are positives and which are negatives: float32 0/1, [N, M]. */
export interface PairMasks {
  /** [N, M], 1 where candidate j is a positive of anchor i. */
  positives: tf.Tensor2D;
  /** [N, M], 1 where candidate j is a negative of anchor i. */
  negatives: tf.Tensor2D;
}

/**
 * Masks from class labels: same label = positive, different label = negative.
 *
 * @param anchorLabels [N] int32.
 * @param candidateLabels [M] int32; default: the anchors' labels (anchors compared with themselves).
 * @param options.excludeSelf drop the diagonal (i, i) from the positives (default: true when
 *   `candidateLabels` is omitted, false otherwise).
 * @returns the two [N, M] masks (dispose them, or build them inside a `tf.tidy`).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function labelMasks(anchorLabels: tf.Tensor1D, candidateLabels?: tf.Tensor1D, options?: { excludeSelf?: boolean }): PairMasks {
  const fn = 'labelMasks';
  const { excludeSelf = candidateLabels === undefined } = optionsObject(fn, options);
  requireTensor(fn, 'anchorLabels', anchorLabels);
  if (anchorLabels.rank !== 1 || anchorLabels.dtype !== 'int32') throw new Error(`${fn}: 'anchorLabels' must be [N] int32, got ${shapeText(anchorLabels.shape)} ${anchorLabels.dtype}`);
  const candidates = candidateLabels ?? anchorLabels;
  requireTensor(fn, 'candidateLabels', candidates);
  if (candidates.rank !== 1 || candidates.dtype !== 'int32') throw new Error(`${fn}: 'candidateLabels' must be [M] int32, got ${shapeText(candidates.shape)} ${candidates.dtype}`);
  if (excludeSelf && candidates.shape[0] !== anchorLabels.shape[0]) {
    throw new Error(`${fn}: 'excludeSelf' needs as many candidates as anchors, got ${anchorLabels.shape[0]} and ${candidates.shape[0]}`);
  }
  return tf.tidy(() => {
    const same = tf.cast(tf.equal(tf.reshape(anchorLabels, [-1, 1]), tf.reshape(candidates, [1, -1])), 'float32') as tf.Tensor2D;
    const positives = excludeSelf ? tf.sub(same, tf.eye(anchorLabels.shape[0])) : same;
    return { positives: positives as tf.Tensor2D, negatives: tf.sub(1, same) as tf.Tensor2D };
  });
}

/**
 * Masks from pair indices: anchor i's positive is candidate `positiveColumns[i]`; its negatives are
 * the listed columns, or a column range shared by all anchors (e.g. a queue appended after the
 * keys).
 *
 * @param numCandidates M, the number of candidate rows.
 * @param positiveColumns [N] one candidate column per anchor.
 * @param negativeColumns per anchor a list of columns, or `{ from, to }` (to exclusive) for every anchor.
 * @returns the two [N, M] masks.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function indexMasks(numCandidates: number, positiveColumns: ArrayLike<number>, negativeColumns: ArrayLike<ArrayLike<number>> | { from: number; to: number }): PairMasks {
  const fn = 'indexMasks';
  requirePositiveInteger(fn, 'numCandidates', numCandidates);
  const n = positiveColumns.length;
  if (n < 1) throw new Error(`${fn}: 'positiveColumns' must list one column per anchor, got none`);
  const column = (value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0 || value >= numCandidates) throw new Error(`${fn}: '${what}' must hold columns in [0, ${numCandidates}), got ${value}`);
    return value;
  };
  const positives = new Float32Array(n * numCandidates);
  for (let i = 0; i < n; i++) positives[i * numCandidates + column(positiveColumns[i], 'positiveColumns')] = 1;
  const negatives = new Float32Array(n * numCandidates);
  if ('from' in negativeColumns && 'to' in negativeColumns) {
    const { from, to } = negativeColumns;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > numCandidates || from >= to) {
      throw new Error(`${fn}: 'negativeColumns' range must satisfy 0 ≤ from < to ≤ ${numCandidates}, got { from: ${from}, to: ${to} }`);
    }
    for (let i = 0; i < n; i++) negatives.fill(1, i * numCandidates + from, i * numCandidates + to);
  } else {
    const lists = negativeColumns as ArrayLike<ArrayLike<number>>;
    if (lists.length !== n) throw new Error(`${fn}: 'negativeColumns' must have one list per anchor (${n}), got ${lists.length}`);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < lists[i].length; k++) negatives[i * numCandidates + column(lists[i][k], 'negativeColumns')] = 1;
    }
  }
  return { positives: tf.tensor2d(positives, [n, numCandidates]), negatives: tf.tensor2d(negatives, [n, numCandidates]) };
}

/**
 * Masks for explicitly paired inputs (DrLIM): anchor i is compared with candidate i only, as a
 * positive when `similar[i]` = 1 and as a negative when it is 0. Both masks are diagonal.
 *
 * @param similar [N] 0/1 flags (any dtype).
 * @returns the two [N, N] masks.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function pairFlagMasks(similar: tf.Tensor1D): PairMasks {
  requireTensor('pairFlagMasks', 'similar', similar);
  if (similar.rank !== 1) throw new Error(`pairFlagMasks: 'similar' must be [N], got ${shapeText(similar.shape)}`);
  return tf.tidy(() => {
    const flags = tf.cast(similar, 'float32') as tf.Tensor1D;
    return { positives: tf.diag(flags) as tf.Tensor2D, negatives: tf.diag(tf.sub(1, flags)) as tf.Tensor2D };
  });
}

// ---- aggregations ---------------------------------------------------------------------------

/** Loss terms and their weights (0/1 membership), same shape; a reducer turns them into a scalar. */
export interface LossTerms {
  /** Per-term losses, [N, M] (pairwise) or [N, M, M] (per anchor, positive, negative). */
  terms: tf.Tensor;
  /** 1 where a term exists, 0 elsewhere; same shape as `terms`. */
  weights: tf.Tensor;
}

/** An aggregation part: turns a similarity matrix and its masks into loss terms. */
export interface Aggregation {
  /** A readable name, e.g. `hinge(margin=0.2)`. */
  name: string;
  /** @param similarity [N, M] @param masks the positives/negatives [N, M] */
  apply(similarity: tf.Tensor2D, masks: PairMasks): LossTerms;
}

function tripletTerms(similarity: tf.Tensor2D, masks: PairMasks, term: (gap: tf.Tensor) => tf.Tensor): LossTerms {
  const gap = tf.sub(tf.expandDims(similarity, 1), tf.expandDims(similarity, 2)); // [N, p, n]: s_in − s_ip
  const weights = tf.mul(tf.expandDims(masks.positives, 2), tf.expandDims(masks.negatives, 1)); // [N, p, n]
  return { terms: term(gap), weights };
}

/**
 * Hinge with a margin over every (anchor, positive, negative): max(s_in − s_ip + margin, 0)
 * (FaceNet when s = −squared distance). Terms are [N, M, M].
 * @param options.margin > 0, default 0.2.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function hingeAggregate(options?: { margin?: number }): Aggregation {
  const { margin = 0.2 } = optionsObject('hingeAggregate', options);
  requirePositive('hingeAggregate', 'margin', margin);
  return { name: `hinge(margin=${margin})`, apply: (s, masks) => tripletTerms(s, masks, (gap) => tf.relu(tf.add(gap, margin))) };
}

/**
 * Soft-margin softplus over every (anchor, positive, negative): log(1 + exp(s_in − s_ip))
 * (Hermans et al.'s soft-margin triplet). Terms are [N, M, M].
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function softplusAggregate(): Aggregation {
  return { name: 'softplus', apply: (s, masks) => tripletTerms(s, masks, (gap) => tf.softplus(gap)) };
}

/**
 * Log-sum-exp with a temperature, one term per (anchor, positive):
 *
 *   term(i, p) = log Σ_{c ∈ P(i) ∪ N(i)} exp(s_ic/τ) − s_ip/τ = −log softmax over P(i) ∪ N(i) at p,
 *
 * which is log(1 + Σ_n exp((s_in − s_ip)/τ)) when i has one positive (tuplet, N-pair, InfoNCE,
 * NT-Xent) and SupCon's per-positive term when it has several. Terms are [N, M].
 * @param options.temperature τ > 0, default 1 (Sohn's losses have none).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function logSumExpAggregate(options?: { temperature?: number }): Aggregation {
  const { temperature = 1 } = optionsObject('logSumExpAggregate', options);
  requirePositive('logSumExpAggregate', 'temperature', temperature);
  return {
    name: `logSumExp(temperature=${temperature})`,
    apply: (s, masks) => {
      const logits = tf.div(s, temperature); // [N, M]
      const member = tf.greater(tf.maximum(masks.positives, masks.negatives), 0); // [N, M] P ∪ N
      const masked = tf.where(member, logits, tf.fill(logits.shape, -1e30));
      const lse = tf.expandDims(logSumExpLastAxis(masked), 1); // [N, 1]
      return { terms: tf.sub(lse, logits), weights: masks.positives };
    },
  };
}

/**
 * DrLIM's pairwise terms, for s = −d² ({@link negativeSquaredEuclidean}): ½·d² for positives and
 * ½·max(margin − d, 0)² for negatives. Terms are [N, M].
 * @param options.margin > 0, default 1.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function contrastiveAggregate(options?: { margin?: number }): Aggregation {
  const { margin = 1 } = optionsObject('contrastiveAggregate', options);
  requirePositive('contrastiveAggregate', 'margin', margin);
  return {
    name: `contrastive(margin=${margin})`,
    apply: (s, masks) => {
      const squared = tf.relu(tf.neg(s)); // [N, M] d²
      const pull = tf.mul(0.5, squared);
      const push = tf.mul(0.5, tf.square(tf.relu(tf.sub(margin, safeSqrt(squared)))));
      const terms = tf.add(tf.mul(masks.positives, pull), tf.mul(masks.negatives, push));
      return { terms, weights: tf.maximum(masks.positives, masks.negatives) };
    },
  };
}

// ---- reducers -------------------------------------------------------------------------------

/** A reducer part: (terms, weights) → scalar. */
export type Reducer = (terms: tf.Tensor, weights: tf.Tensor) => tf.Scalar;

/**
 * Mean over every existing term: Σ w·t / Σ w (0 when there is none).
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanOverAll: Reducer = (terms, weights) =>
  tf.tidy(() => tf.div(tf.sum(tf.mul(terms, weights)), tf.maximum(tf.sum(weights), 1)) as tf.Scalar);

/**
 * Mean over the terms that are > 0 (PML's AvgNonZeroReducer, Hermans' batch-all "+"): easy
 * triplets with zero loss do not dilute the mean. 0 when every term is 0.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanOverNonZero: Reducer = (terms, weights) =>
  tf.tidy(() => {
    const weighted = tf.mul(terms, weights);
    // tf.step has a zero gradient (a comparison would have none at all in tfjs).
    const count = tf.sum(tf.step(weighted));
    return tf.div(tf.sum(weighted), tf.maximum(count, 1)) as tf.Scalar;
  });

/**
 * Mean over each anchor's terms, then over the anchors that have any (SupCon's
 * −1/|P(i)| Σ_p …, averaged over anchors): anchors with many positives do not weigh more.
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export const meanPerAnchor: Reducer = (terms, weights) =>
  tf.tidy(() => {
    const axes = Array.from({ length: terms.rank - 1 }, (_, k) => k + 1);
    const perAnchorWeight = tf.sum(weights, axes); // [N]
    const perAnchor = tf.div(tf.sum(tf.mul(terms, weights), axes), tf.maximum(perAnchorWeight, 1e-12)); // [N]
    const present = tf.step(perAnchorWeight); // [N] 1 where the anchor has terms
    return tf.div(tf.sum(tf.mul(perAnchor, present)), tf.maximum(tf.sum(present), 1)) as tf.Scalar;
  });

// ---- assembly -------------------------------------------------------------------------------

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

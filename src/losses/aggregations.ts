/**
 * The aggregation part of every loss: the formulas that turn similarities and their selection into
 * loss terms. Each formula is written once, as a term function, and used twice: by the masked
 * aggregations that {@link assembleLoss} takes (hinge, soft margin, log-sum-exp, DrLIM's pair terms)
 * and by the named losses that compute only the entries they select (`tripletLoss`,
 * `batchTripletLoss`, `contrastiveLoss`, `tupletLoss`, `nPairLoss`, `infoNCELoss`,
 * `nonParametricSoftmaxLoss`).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requirePositive } from '../checks';
import { safeSqrt } from './distances';
import { logSumExpLastAxis } from './log-sum-exp';
import type { PairMasks } from './masks';

// ---- the term formulas ----------------------------------------------------------------------

/**
 * The triplet hinge of FaceNet: max(gap + margin, 0), with gap = D_ap − D_an (= s_an − s_ap).
 * @param gap any shape, e.g. [batch] or [N, p, n].
 * @param margin > 0.
 * @returns the terms, shape of `gap`.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function hingeTerm(gap: tf.Tensor, margin: number): tf.Tensor {
  return tf.relu(tf.add(gap, margin));
}

/**
 * The soft-margin triplet term of Hermans et al.: log(1 + exp(gap)), gap = D_ap − D_an.
 * @param gap any shape.
 * @returns the terms, shape of `gap`.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function softMarginTerm(gap: tf.Tensor): tf.Tensor {
  return tf.softplus(gap);
}

/**
 * The triplet term chosen by the triplet losses' options: {@link softMarginTerm} when `softMargin`,
 * otherwise {@link hingeTerm} with `margin`.
 * @param gap D_ap − D_an, any shape.
 * @returns the terms, shape of `gap`.
 * @see notebooks/02-triplet-loss.ipynb
 */
export function tripletTerm(gap: tf.Tensor, options: { margin: number; softMargin: boolean }): tf.Tensor {
  return options.softMargin ? softMarginTerm(gap) : hingeTerm(gap, options.margin);
}

/**
 * DrLIM's pair terms from squared distances d²: ½·d² where `positives` is 1 and ½·max(margin − d, 0)²
 * where `negatives` is 1 (d from a square root with a zero gradient at 0).
 * @param squared d², any shape ([batch] for paired rows, [N, M] for a matrix).
 * @param positives 0/1 (or fractional) weights of the pull term, shape of `squared`.
 * @param negatives 0/1 weights of the push term, shape of `squared`.
 * @param margin > 0.
 * @returns the terms, shape of `squared`.
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function contrastiveTerms(squared: tf.Tensor, positives: tf.Tensor, negatives: tf.Tensor, margin: number): tf.Tensor {
  return tf.tidy(() => {
    const pull = tf.mul(0.5, squared);
    const push = tf.mul(0.5, tf.square(tf.relu(tf.sub(margin, safeSqrt(squared)))));
    return tf.add(tf.mul(positives, pull), tf.mul(negatives, push));
  });
}

/**
 * Softmax cross-entropy at a target logit: −log softmax(logits)[target] = log Σ_c exp(logits_c) − target
 * (InfoNCE, N-pair, tuplet, the non-parametric softmax).
 * @param logits [N, C], the row's candidates (mask out non-candidates with −1e30).
 * @param targetLogits [N] one target per row, or [N, M] (then every column is a target of its row).
 * @returns the terms, shape of `targetLogits`.
 * @see notebooks/05-moco.ipynb
 */
export function crossEntropyTerms(logits: tf.Tensor, targetLogits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lse = logSumExpLastAxis(logits); // [N]
    return tf.sub(targetLogits.rank === 1 ? lse : tf.expandDims(lse, 1), targetLogits);
  });
}

// ---- aggregations over a similarity matrix ---------------------------------------------------

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

/** Every (anchor, positive, negative) of the masks, [N, p, n], with its term of gap = s_in − s_ip. */
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
  return { name: `hinge(margin=${margin})`, apply: (s, masks) => tripletTerms(s, masks, (gap) => hingeTerm(gap, margin)) };
}

/**
 * Soft-margin softplus over every (anchor, positive, negative): log(1 + exp(s_in − s_ip))
 * (Hermans et al.'s soft-margin triplet). Terms are [N, M, M].
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function softplusAggregate(): Aggregation {
  return { name: 'softplus', apply: (s, masks) => tripletTerms(s, masks, softMarginTerm) };
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
      return { terms: crossEntropyTerms(masked, logits), weights: masks.positives }; // [N, M]
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
      return { terms: contrastiveTerms(squared, masks.positives, masks.negatives, margin), weights: tf.maximum(masks.positives, masks.negatives) };
    },
  };
}

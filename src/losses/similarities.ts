/**
 * The first part of every loss of the course: a similarity matrix between anchors and candidates,
 * larger = more alike. Inner products (Sohn's N-pair, MoCo's InfoNCE), cosine (SimCLR, SupCon) and
 * negative squared Euclidean distances (DrLIM, FaceNet as a similarity).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { matMulTransposed, pairwiseSquaredDistances, unitRows } from './distances';

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

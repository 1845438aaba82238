/**
 * The one signature of "a loss the leaderboard can rank": a labelled batch of embeddings → a
 * scalar. `supConLoss` and `batchTripletLoss` have it (with their options as a third argument),
 * every assembled loss gets it from {@link labelledBatchLoss}, and the paired losses get it by
 * choosing their pairs from the batch (notebook 06 shows each).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import type { AssembledLoss } from './assemble';
import { labelMasks } from './masks';

/**
 * A loss on a labelled batch: embeddings [batch, dim] (L2-normalised on the leaderboard) and labels
 * [batch] int32 (classes, or image indices on a two-view board) → scalar.
 */
export type BatchLoss = (embeddings: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/**
 * An assembled loss as a {@link BatchLoss}: the batch against itself, every other member of the
 * same label a positive and every other label a negative ({@link labelMasks}, self excluded).
 *
 * @param loss from `assembleLoss`.
 * @returns `(embeddings [batch, dim], labels [batch]) → scalar`, leaving only its scalar behind.
 * @example
 * const circle: BatchLoss = labelledBatchLoss(assembleLoss({ similarity: cosineSimilarity, aggregate: circleAggregate(…), reduce: meanOverAll }));
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function labelledBatchLoss(loss: AssembledLoss): BatchLoss {
  if (typeof loss !== 'function') throw new Error(`labelledBatchLoss: 'loss' must be a loss from assembleLoss, got ${String(loss)}`);
  return (embeddings, labels) => tf.tidy(() => loss(embeddings, embeddings, labelMasks(labels)));
}

/**
 * A labelled batch as the miners, the triplet counts and the batch-all triplet loss read it: the
 * checks, the detached distance matrix, the label masks (from {@link labelMasks}, the kit's one
 * mask builder), the anchor–positive pairs and each anchor's negatives sorted by distance.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireBoolean, requireFloat, requireLabels, requireNonEmpty } from '../checks';
import { pairwiseSquaredDistances, safeSqrt } from './distances';
import { labelMasks, type PairMasks } from './masks';

/** A labelled batch as the miners read it (dispose with {@link releaseLabelledBatch}). */
export interface LabelledBatch {
  /** The batch size. */
  batch: number;
  /** The labels' values, [batch]. */
  labels: Int32Array;
  /** Detached distance matrix (squared or not, as asked), [batch, batch]. */
  distances: tf.Tensor2D;
  /** {@link labelMasks} of the labels: float32 0/1, positives without the diagonal, [batch, batch] each. */
  masks: PairMasks;
  /** `masks.positives` as bool, for `where` and `any`, [batch, batch]. */
  positiveMask: tf.Tensor2D;
  /** `masks.negatives` as bool, [batch, batch]. */
  negativeMask: tf.Tensor2D;
}

/**
 * Checks a labelled batch and reads what mining needs: the distance matrix of a copy detached from
 * any gradient tape (mining only reads values) and the label masks.
 * @param fn the caller's name, for the error messages.
 * @param embeddings [batch, dim] float32.
 * @param labels [batch] int32.
 * @param squared squared Euclidean distances, or Euclidean.
 * @returns the batch's tensors: release them with {@link releaseLabelledBatch}.
 */
export function readLabelledBatch(fn: string, embeddings: tf.Tensor2D, labels: tf.Tensor1D, squared: boolean): LabelledBatch {
  requireFloat(fn, 'embeddings', embeddings, 2, '[batch, dim]');
  requireNonEmpty(fn, 'embeddings', embeddings, '[batch, dim]');
  const labelValues = requireLabels(fn, 'labels', labels, embeddings.shape[0], 'embeddings');
  requireBoolean(fn, 'squared', squared);
  const [distances, positives, negatives, positiveMask, negativeMask] = tf.tidy(() => {
    // A copy detached from any gradient tape: mining only reads values.
    const values = tf.tensor2d(embeddings.dataSync() as Float32Array, embeddings.shape);
    const squaredDistances = pairwiseSquaredDistances(values, values); // [batch, batch]
    const masks = labelMasks(labels); // [batch, batch] each
    return [
      squared ? squaredDistances : safeSqrt(squaredDistances),
      masks.positives,
      masks.negatives,
      tf.cast(masks.positives, 'bool'),
      tf.cast(masks.negatives, 'bool'),
    ] as tf.Tensor2D[];
  });
  return { batch: embeddings.shape[0], labels: labelValues, distances, masks: { positives, negatives }, positiveMask, negativeMask };
}

/** Disposes the tensors of a {@link LabelledBatch}. */
export function releaseLabelledBatch(prepared: LabelledBatch): void {
  tf.dispose([prepared.distances, prepared.masks.positives, prepared.masks.negatives, prepared.positiveMask, prepared.negativeMask]);
}

/**
 * Anchor–positive pairs (a, p), a ≠ p, same label, where a has at least one negative; row-major order.
 * @param labels [batch] label values.
 * @returns the pairs as two aligned index arrays.
 */
export function anchorPositivePairs(labels: Int32Array): { anchors: Int32Array; positives: Int32Array } {
  const batch = labels.length;
  const counts = new Map<number, number>();
  labels.forEach((label) => counts.set(label, (counts.get(label) ?? 0) + 1));
  const anchors: number[] = [];
  const positives: number[] = [];
  for (let a = 0; a < batch; a++) {
    if ((counts.get(labels[a]) ?? 0) === batch) continue; // no negative for this anchor
    for (let p = 0; p < batch; p++) {
      if (p !== a && labels[p] === labels[a]) {
        anchors.push(a);
        positives.push(p);
      }
    }
  }
  return { anchors: Int32Array.from(anchors), positives: Int32Array.from(positives) };
}

/**
 * Each anchor's negatives sorted by distance, ascending (non-negatives last, at +∞), and the
 * batch column each sorted entry came from. [batch, batch] each.
 * @param prepared from {@link readLabelledBatch}.
 * @returns `sorted` distances and their `columns`.
 */
export function sortedNegatives(prepared: LabelledBatch): { sorted: tf.Tensor2D; columns: tf.Tensor2D } {
  return tf.tidy(() => {
    const { distances, negativeMask } = prepared;
    const negativeDistances = tf.where(negativeMask, distances, tf.fill(distances.shape, Infinity));
    const { values, indices } = tf.topk(tf.neg(negativeDistances), prepared.batch, true); // descending −D = ascending D
    return { sorted: tf.neg(values) as tf.Tensor2D, columns: indices as tf.Tensor2D };
  });
}

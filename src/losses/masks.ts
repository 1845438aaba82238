/**
 * The selection part of every loss: which (anchor, candidate) entries of the similarity matrix are
 * positives and which are negatives, as two float32 0/1 masks. The one place the kit builds masks
 * from labels (the losses, the miners and the triplet counts all use {@link labelMasks}), from
 * index lists (tuples, a queue) and from pair flags (DrLIM).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { optionsObject, requirePositiveInteger, requireTensor, shapeText } from '../checks';

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


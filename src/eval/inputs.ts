/**
 * The evaluation functions' inputs: labels as integer class ids of the right length, and
 * train/test pairs of labelled embeddings. The generic checks (matrices, integers, positive
 * numbers, finiteness) come from `src/checks`; errors name the calling function and the argument.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, requireMatrix, requireSameColumns } from '../checks';

/** Class labels: non-negative integers, as an array, a typed array or a 1-D tensor. */
export type Labels = ArrayLike<number> | tf.Tensor;

/** A labelled set of embeddings, e.g. the training set's features and classes. */
export interface LabelledEmbeddings {
  /** The embeddings, one row per example. // [numExamples, dim] */
  embeddings: tf.Tensor2D;
  /** The class of each row. // [numExamples] */
  labels: Labels;
}

/**
 * Copies labels into an Int32Array, checking that they are non-negative integers and, when
 * `expectedLength` is given, that there is one per row.
 */
export function toLabelArray(labels: Labels, fn: string, name: string, expectedLength?: number): Int32Array {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    if (labels.rank !== 1) throw new Error(`${fn}: '${name}' must be a 1-D tensor of class ids, got shape [${labels.shape}]`);
    values = labels.dataSync() as ArrayLike<number>;
  } else if (labels !== null && typeof labels === 'object' && typeof (labels as ArrayLike<number>).length === 'number') {
    values = labels;
  } else {
    throw new Error(`${fn}: '${name}' must be an array or 1-D tensor of class ids, got ${describe(labels)}`);
  }
  if (expectedLength !== undefined && values.length !== expectedLength) {
    throw new Error(`${fn}: '${name}' must have one label per row (${expectedLength}), got ${values.length}`);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const label = values[i];
    if (!Number.isInteger(label) || label < 0) {
      throw new Error(`${fn}: '${name}' must hold non-negative integer class ids, got ${label} at index ${i}`);
    }
    out[i] = label;
  }
  return out;
}

/**
 * Checks a train/test pair of labelled embeddings (2-D, same dim, one label per row).
 * @returns the embeddings and the labels as Int32Arrays.
 */
export function checkTrainTest(train: LabelledEmbeddings, test: LabelledEmbeddings, fn: string) {
  if (train === null || typeof train !== 'object') throw new Error(`${fn}: 'train' must be { embeddings, labels }`);
  if (test === null || typeof test !== 'object') throw new Error(`${fn}: 'test' must be { embeddings, labels }`);
  const trainEmbeddings = requireMatrix(fn, 'train.embeddings', train.embeddings);
  const testEmbeddings = requireMatrix(fn, 'test.embeddings', test.embeddings);
  requireSameColumns(fn, 'test.embeddings', testEmbeddings, 'train.embeddings', trainEmbeddings);
  const trainLabels = toLabelArray(train.labels, fn, 'train.labels', trainEmbeddings.shape[0]);
  const testLabels = toLabelArray(test.labels, fn, 'test.labels', testEmbeddings.shape[0]);
  return { trainEmbeddings, testEmbeddings, trainLabels, testLabels };
}

/** One more than the largest label of the given arrays (the number of classes they imply). */
export function numClassesOf(...labelArrays: Int32Array[]): number {
  let max = -1;
  for (const labels of labelArrays) for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}


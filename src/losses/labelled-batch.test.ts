import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { anchorPositivePairs, readLabelledBatch, releaseLabelledBatch, sortedNegatives } from './labelled-batch';
import { labelMasks } from './masks';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');
const i1 = (values: number[]) => tf.tensor1d(values, 'int32');

test('a labelled batch: distances, the label masks, pairs and sorted negatives, by hand', () => {
  const embeddings = t2([[0], [1], [3], [0.5]]);
  const labels = i1([0, 0, 1, 2]);
  const before = tf.memory().numTensors;
  const prepared = readLabelledBatch('test', embeddings, labels, true);
  expectClose(prepared.distances, [[0, 1, 9, 0.25], [1, 0, 4, 0.25], [9, 4, 0, 6.25], [0.25, 0.25, 6.25, 0]], { atol: 1e-5 }, 'squared distances');
  tf.tidy(() => {
    const masks = labelMasks(labels);
    assert.deepEqual(prepared.masks.positives.arraySync(), masks.positives.arraySync(), 'positives = labelMasks');
    assert.deepEqual(prepared.masks.negatives.arraySync(), masks.negatives.arraySync(), 'negatives = labelMasks');
    assert.deepEqual(tf.cast(prepared.positiveMask, 'float32').arraySync(), masks.positives.arraySync(), 'bool positives');
    const { sorted, columns } = sortedNegatives(prepared);
    assert.deepEqual(Array.from(columns.arraySync()[0].slice(0, 2)), [3, 2], 'anchor 0: negatives 3 (0.25), 2 (9)');
    assert.equal(sorted.arraySync()[0][2], Infinity, 'non-negatives sort last, at +∞');
  });
  const pairs = anchorPositivePairs(prepared.labels);
  assert.deepEqual([Array.from(pairs.anchors), Array.from(pairs.positives)], [[0, 1], [1, 0]]);
  releaseLabelledBatch(prepared);
  assert.equal(tf.memory().numTensors, before, 'release leaves nothing behind');
  assert.throws(() => readLabelledBatch('mineX', embeddings, i1([0, 1]), true), /mineX: 'labels' must be \[batch\] with batch = 4 like 'embeddings', got \[2\]/);
  tf.dispose([embeddings, labels]);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { defaultPairwiseChunk, reducePairwiseBlocks } from './pairwise';

test('blocks hold the squared distances to all rows and mark the self pairs', () => {
  const rows = tf.tensor2d([[0, 0], [3, 4], [1, 0]]);
  const seen: number[][] = [];
  const before = tf.memory().numTensors;
  const sums = reducePairwiseBlocks(rows, 2, (squaredDistances, isSelf) => {
    seen.push(...(squaredDistances.arraySync() as number[][]));
    seen.push(...(isSelf.cast('int32').arraySync() as number[][]));
    return squaredDistances.sum();
  });
  assert.equal(tf.memory().numTensors, before);
  // Block 1 = rows 0–1, block 2 = row 2.
  expectClose(seen[0], [0, 25, 1], { atol: 1e-5 });
  expectClose(seen[1], [25, 0, 20], { atol: 1e-5 });
  assert.deepEqual(seen[2], [1, 0, 0]);
  assert.deepEqual(seen[3], [0, 1, 0]);
  expectClose(seen[4], [1, 20, 0], { atol: 1e-5 });
  assert.deepEqual(seen[5], [0, 0, 1]);
  expectClose(sums, [0 + 25 + 1 + 25 + 0 + 20, 1 + 20 + 0], { atol: 1e-4 });
  tf.dispose(rows);
});

test('the default block keeps about 4M pairs and at least one row', () => {
  assert.equal(defaultPairwiseChunk(10), 512);
  assert.equal(defaultPairwiseChunk(60000), 69);
  assert.equal(defaultPairwiseChunk(1e8), 1);
});

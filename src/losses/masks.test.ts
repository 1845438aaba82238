import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { indexMasks, labelMasks, pairFlagMasks } from './masks';

const ints = (values: number[]) => tf.tensor1d(values, 'int32');

test('masks', () => {
  tf.tidy(() => {
    const own = labelMasks(ints([0, 1, 0]));
    assert.deepEqual(own.positives.arraySync(), [[0, 0, 1], [0, 0, 0], [1, 0, 0]]);
    assert.deepEqual(own.negatives.arraySync(), [[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
    const cross = labelMasks(ints([0, 1]), ints([1, 1, 0]));
    assert.deepEqual(cross.positives.arraySync(), [[0, 0, 1], [1, 1, 0]]);
    const idx = indexMasks(4, [1, 0], [[2, 3], [3]]);
    assert.deepEqual(idx.positives.arraySync(), [[0, 1, 0, 0], [1, 0, 0, 0]]);
    assert.deepEqual(idx.negatives.arraySync(), [[0, 0, 1, 1], [0, 0, 0, 1]]);
    assert.deepEqual(indexMasks(4, [0, 1], { from: 2, to: 4 }).negatives.arraySync(), [[0, 0, 1, 1], [0, 0, 1, 1]]);
    assert.deepEqual(pairFlagMasks(ints([1, 0])).negatives.arraySync(), [[0, 0], [0, 1]]);
    assert.throws(() => indexMasks(4, [0, 4], { from: 2, to: 4 }), /indexMasks: 'positiveColumns' must hold columns in \[0, 4\), got 4/);
    assert.throws(() => indexMasks(4, [0, 1], { from: 3, to: 2 }), /indexMasks: 'negativeColumns' range must satisfy/);
    assert.throws(() => indexMasks(4, [0, 1], [[2]]), /one list per anchor \(2\), got 1/);
    assert.throws(() => labelMasks(tf.tensor1d([0, 1]) as tf.Tensor1D), /labelMasks: 'anchorLabels' must be \[N\] int32/);
  });
});


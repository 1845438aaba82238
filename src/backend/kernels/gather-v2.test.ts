import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

test('GatherV2 on a hand-made example: rows, repeated and in any order', async () => {
  const [rows] = await runOn('wasm', () => tf.gather(tf.tensor2d([[1, 2], [3, 4], [5, 6]]), tf.tensor1d([2, 0, 2], 'int32')));
  assert.deepEqual(Array.from(rows), [5, 6, 1, 2, 5, 6]);
});

test('GatherV2 on wasm = cpu: axes 0–2, 2-D indices, batchDims, wide and narrow slices, int32 and bool', async () => {
  const table = randomValues(22, 40 * 64);
  const cube = randomValues(23, 5 * 6 * 7);
  await expectWasmMatchesCpu('gather', () => {
    const wide = tf.tensor2d(table, [40, 64]); // slices of 64 values: block copies
    const values = tf.tensor3d(cube, [5, 6, 7]);
    const ints = tf.tensor2d(Array.from({ length: 12 }, (_, i) => i * 3 - 7), [4, 3], 'int32');
    return [
      tf.gather(wide, tf.tensor1d([39, 0, 7, 7, 12], 'int32')),
      tf.gather(wide, tf.tensor2d([[1, 2], [3, 38]], [2, 2], 'int32')),
      tf.gather(values, tf.tensor1d([5, 0, 2], 'int32'), 1),
      tf.gather(values, tf.tensor1d([6, 6, 1, 0], 'int32'), 2),
      tf.gather(values, tf.tensor2d([[1, 0], [5, 5], [2, 3], [0, 0], [4, 1]], [5, 2], 'int32'), 1, 1), // batchDims 1
      tf.gather(ints, tf.tensor1d([3, 1], 'int32')),
      tf.gather(tf.tensor1d([true, false, true], 'bool'), tf.tensor1d([1, 2, 1], 'int32')).cast('int32'),
      tf.gather(wide, tf.tensor1d([], 'int32')),
    ];
  });
});

test('GatherV2 throws for an index outside the axis, like the shipped kernel', async () => {
  await runOn('wasm', () => tf.zeros([1]));
  const table = tf.zeros([4, 3]);
  assert.throws(() => tf.gather(table, tf.tensor1d([0, 4], 'int32')), /GatherV2: the index value 4 is not in \[0, 3\]/);
  assert.throws(() => tf.gather(table, tf.tensor1d([-1], 'int32')), /GatherV2: the index value -1 is not in \[0, 3\]/);
  table.dispose();
});

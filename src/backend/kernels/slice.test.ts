import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

test('Slice and SplitV on a hand-made example', async () => {
  const [middle, left, right] = await runOn('wasm', () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const [a, b] = tf.split(x, [1, 2], 1);
    return [tf.slice(x, [1, 1], [2, 2]), a, b];
  });
  assert.deepEqual(Array.from(middle), [5, 6, 8, 9]);
  assert.deepEqual(Array.from(left), [1, 4, 7]);
  assert.deepEqual(Array.from(right), [2, 3, 5, 6, 8, 9]);
});

test('Slice and SplitV on wasm = cpu: ranks 1–5, whole and partial axes, empty slices, int32 and bool, gradients', async () => {
  const values = randomValues(24, 3 * 4 * 5 * 6 * 2);
  await expectWasmMatchesCpu('slice and split', () => {
    const x5 = tf.tensor(values, [3, 4, 5, 6, 2]);
    const x2 = tf.tensor2d(values.slice(0, 12 * 20), [12, 20]);
    const ints = tf.tensor2d(Array.from({ length: 20 }, (_, i) => i - 9), [4, 5], 'int32');
    const logits = tf.tensor2d(values.slice(0, 8 * 33), [8, 33]);
    const [positive, negatives] = tf.split(logits, [1, 32], 1);
    const [top, bottom] = tf.split(x2, 2, 0);
    const concatGradient = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.concat([a, b], 1).square().sum())([positive, negatives]);
    return [
      tf.slice(tf.tensor1d(values.slice(0, 30)), [7], [20]),
      tf.slice(x2, [3, 0], [5, 20]), // whole rows: one run
      tf.slice(x2, [2, 17], [10, 3]), // short runs
      tf.slice(x2, [0, 1], [12, 19]),
      tf.slice(x5, [1, 0, 2, 0, 0], [2, 4, 3, 6, 2]), // inner axes merged into runs of 36
      tf.slice(x5, [0, 1, 1, 1, 1], [3, 2, 3, 4, 1]),
      tf.slice(x2, [4, 4], [0, 3]),
      tf.slice(ints, [1, 2], [3, 2]),
      tf.slice(tf.tensor1d([true, false, true, true], 'bool'), [1], [2]).cast('int32'),
      positive, negatives, top, bottom, ...concatGradient,
      ...tf.split(x5, [1, 0, 4], 2),
    ];
  });
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

test('UnsortedSegmentSum on a hand-made example (ids out of range are dropped)', async () => {
  const [values] = await runOn('wasm', () =>
    tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([2, 0, 2, 5], 'int32'), 3),
  );
  assert.deepEqual(Array.from(values), [3, 4, 0, 0, 6, 8]);
});

test('gradient of tf.gather (rows picked twice, axis 0 and 1) on wasm = cpu', async () => {
  const tableValues = randomValues(20, 6 * 5);
  await expectWasmMatchesCpu('gather gradient', () => {
    const table = tf.tensor2d(tableValues, [6, 5]);
    const rows = tf.tensor1d([4, 0, 4, 2, 5], 'int32');
    const columns = tf.tensor1d([1, 1, 3], 'int32');
    const [byRows] = tf.grads((t: tf.Tensor) => tf.gather(t, rows).square().sum())([table]);
    const [byColumns] = tf.grads((t: tf.Tensor) => tf.gather(t, columns, 1).mul(2).sum())([table]);
    return [byRows, byColumns];
  });
});

test('UnsortedSegmentSum on random rank-3 input: wasm = cpu', async () => {
  const xValues = randomValues(21, 10 * 3 * 4);
  const ids = [0, 3, 3, 1, 0, 2, 7, 3, -1, 1];
  await expectWasmMatchesCpu('segment sum', () => tf.unsortedSegmentSum(tf.tensor3d(xValues, [10, 3, 4]), tf.tensor1d(ids, 'int32'), 4));
});

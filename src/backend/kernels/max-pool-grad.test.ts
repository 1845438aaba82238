import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

const CASES: Array<{ x: [number, number, number, number]; size: number; stride: number; pad: 'valid' | 'same' }> = [
  { x: [3, 8, 8, 4], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 9, 7, 3], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 9, 7, 3], size: 3, stride: 2, pad: 'same' },
  { x: [2, 9, 7, 3], size: 2, stride: 2, pad: 'same' },
  { x: [2, 6, 6, 2], size: 3, stride: 1, pad: 'same' },
  // Channels a multiple of 4: the SIMD kernel (overlapping windows, padding, a cut-off last row).
  { x: [2, 9, 7, 8], size: 3, stride: 2, pad: 'same' },
  { x: [2, 6, 6, 4], size: 3, stride: 1, pad: 'same' },
  { x: [3, 11, 11, 12], size: 2, stride: 2, pad: 'valid' },
];

for (const { x, size, stride, pad } of CASES) {
  test(`maxPool x[${x}] ${size}×${size} stride ${stride} '${pad}': output and gradient on wasm = cpu`, async () => {
    const values = randomValues(30, x.reduce((p, s) => p * s, 1));
    await expectWasmMatchesCpu('maxPool and its gradient', () => {
      const input = tf.tensor4d(values, x);
      const out = tf.maxPool(input, size, stride, pad);
      const upstream = tf.tensor(randomValues(31, out.size), out.shape);
      const [dx] = tf.grads((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, size, stride, pad).mul(upstream).sum())([input]);
      return [out, dx];
    });
  });
}

test('maxPool gradient with ties (ReLU zeros): the first maximum of each window gets dy, as on cpu', async () => {
  // Window [[0, 0], [0, 0]] → position (0,0); window [[1, 2], [2, 0]] → the first 2 (row 0).
  const image = [0, 0, 1, 2, 0, 0, 2, 0];
  const compute = () => {
    const input = tf.tensor4d(image, [1, 2, 4, 1]);
    return tf.grads((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').mul(tf.tensor4d([10, 20], [1, 1, 2, 1])).sum())([input])[0];
  };
  const [wasm] = await runOn('wasm', compute);
  assert.deepEqual(Array.from(wasm), [10, 0, 0, 20, 0, 0, 0, 0]);
  await expectWasmMatchesCpu('tied maxPool gradient', compute);
});

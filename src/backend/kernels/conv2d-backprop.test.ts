import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

type Pad = 'valid' | 'same';
const CASES: Array<{ x: [number, number, number, number]; filter: [number, number, number, number]; stride: number; pad: Pad }> = [
  { x: [3, 9, 8, 2], filter: [3, 3, 2, 4], stride: 1, pad: 'valid' },
  { x: [3, 9, 8, 2], filter: [3, 3, 2, 4], stride: 1, pad: 'same' },
  { x: [2, 9, 8, 3], filter: [3, 2, 3, 5], stride: 2, pad: 'valid' },
  { x: [2, 10, 7, 3], filter: [3, 3, 3, 2], stride: 2, pad: 'same' },
  { x: [4, 7, 7, 1], filter: [5, 5, 1, 3], stride: 1, pad: 'same' },
  // Fewer filter taps than output channels (a first layer): the matrix-product path takes dyᵀ · patches.
  { x: [3, 9, 8, 1], filter: [2, 2, 1, 6], stride: 1, pad: 'valid' },
  // Output channels a multiple of 8: the filter gradient comes from the SIMD kernel — taps in
  // fours and a remainder (9, 12, 27), strides, padding, a batch of several image chunks (19 = 8 + 8 + 3).
  { x: [3, 9, 8, 1], filter: [3, 3, 1, 16], stride: 1, pad: 'valid' },
  { x: [2, 10, 7, 2], filter: [2, 3, 2, 16], stride: 2, pad: 'same' },
  { x: [19, 9, 9, 3], filter: [3, 3, 3, 8], stride: 2, pad: 'same' },
  { x: [5, 11, 6, 4], filter: [3, 2, 4, 24], stride: 1, pad: 'valid' },
];

for (const { x, filter, stride, pad } of CASES) {
  test(`conv2d x[${x}] filter[${filter}] stride ${stride} '${pad}': output, dx and dW on wasm = cpu`, async () => {
    const xValues = randomValues(10, x.reduce((p, s) => p * s, 1));
    const filterValues = randomValues(11, filter.reduce((p, s) => p * s, 1));
    await expectWasmMatchesCpu('conv2d and its gradients', () => {
      const input = tf.tensor4d(xValues, x);
      const weights = tf.tensor4d(filterValues, filter);
      const conv = (a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, stride, pad);
      const out = conv(input, weights);
      const upstream = tf.tensor(randomValues(12, out.size), out.shape);
      const [dx, dW] = tf.grads((a: tf.Tensor, w: tf.Tensor) => conv(a, w).mul(upstream).sum())([input, weights]);
      return [out, dx, dW];
    });
  });
}

test('Conv2DBackpropFilter with the bench CNN channel counts (32 → 64): wasm = cpu', async () => {
  const xValues = randomValues(13, 2 * 8 * 8 * 32);
  const dyValues = randomValues(14, 2 * 6 * 6 * 64);
  await expectWasmMatchesCpu('filter gradient', () => {
    const x = tf.tensor4d(xValues, [2, 8, 8, 32]);
    const dy = tf.tensor4d(dyValues, [2, 6, 6, 64]);
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined as unknown as string, filterShape: [3, 3, 32, 64] }) as tf.Tensor;
  }, { atol: 2e-3, rtol: 1e-4 });
});

test('tf.layers conv net trains one step on wasm like on cpu (fused conv + maxpool gradients)', async () => {
  const xValues = randomValues(15, 4 * 12 * 12 * 1);
  const kernelValues = randomValues(16, 3 * 3 * 1 * 4);
  await expectWasmMatchesCpu('conv-relu-pool gradient', () => {
    const x = tf.tensor4d(xValues, [4, 12, 12, 1]);
    const kernel = tf.tensor4d(kernelValues, [3, 3, 1, 4]);
    const bias = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    const f = (k: tf.Tensor, b: tf.Tensor) =>
      tf.maxPool(tf.fused.conv2d({ x, filter: k as tf.Tensor4D, strides: 1, pad: 'valid', bias: b, activation: 'relu' }), 2, 2, 'valid').square().sum();
    return tf.grads(f)([kernel, bias]);
  });
});

test('Conv2DBackpropFilter rejects NCHW and dilations with a clear error', async () => {
  await runOn('wasm', () => tf.zeros([1]));
  const x = tf.zeros([1, 5, 5, 2]);
  const dy = tf.zeros([1, 3, 3, 4]);
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 4] }),
    /Conv2DBackpropFilter \(contrastive-kit wasm patch\): 'dataFormat' must be 'NHWC'/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: [2, 2], filterShape: [3, 3, 2, 4] }),
    /dilations other than 1 are not supported/,
  );
  tf.dispose([x, dy]);
});

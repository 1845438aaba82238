import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';
import { patchWasmKernels } from '../wasm-patches';

const CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { a: [7, 5], b: [5, 3], transposeA: false, transposeB: false },
  { a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
  { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
  { a: [5, 7], b: [3, 5], transposeA: true, transposeB: true },
  { a: [1, 6, 4], b: [1, 3, 4], transposeA: false, transposeB: true },
  { a: [2, 6, 4], b: [2, 3, 4], transposeA: false, transposeB: true },
  { a: [2, 4, 6], b: [2, 4, 3], transposeA: true, transposeB: false },
];

for (const { a, b, transposeA, transposeB } of CASES) {
  test(`BatchMatMul a[${a}] b[${b}] transposeA=${transposeA} transposeB=${transposeB}: wasm = cpu, incl. gradients`, async () => {
    const aValues = randomValues(1, a.reduce((p, s) => p * s, 1));
    const bValues = randomValues(2, b.reduce((p, s) => p * s, 1));
    await expectWasmMatchesCpu('matMul and its gradients', () => {
      const aT = tf.tensor(aValues, a);
      const bT = tf.tensor(bValues, b);
      const product = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB);
      const upstream = tf.tensor(randomValues(3, product(aT, bT).size), product(aT, bT).shape);
      const [gradA, gradB] = tf.grads((x: tf.Tensor, y: tf.Tensor) => product(x, y).mul(upstream).sum())([aT, bT]);
      return [product(aT, bT), gradA, gradB];
    });
  });
}

test('_FusedMatMul with bias, relu and transposeB: wasm = cpu, incl. gradients', async () => {
  const aValues = randomValues(4, 8 * 6);
  const bValues = randomValues(5, 5 * 6);
  const biasValues = randomValues(6, 5);
  await expectWasmMatchesCpu('fused matMul', () => {
    const a = tf.tensor2d(aValues, [8, 6]);
    const b = tf.tensor2d(bValues, [5, 6]);
    const bias = tf.tensor1d(biasValues);
    const f = (x: tf.Tensor2D, y: tf.Tensor2D, z: tf.Tensor1D) => tf.fused.matMul({ a: x, b: y, transposeB: true, bias: z, activation: 'relu' });
    const [ga, gb, gz] = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => f(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D).square().sum())([a, b, bias]);
    return [f(a, b, bias), ga, gb, gz];
  });
});

test('the patched BatchMatMul really is the registered wasm kernel and patching twice is harmless', async () => {
  patchWasmKernels();
  patchWasmKernels();
  const [values] = await runOn('wasm', () => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true));
  assert.deepEqual(Array.from(values), [11]);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

test('sum over leading axes (conv bias gradient shape), with and without keepDims: wasm = cpu', async () => {
  const values = randomValues(40, 4 * 5 * 6 * 3);
  await expectWasmMatchesCpu('leading-axes sums', () => {
    const x = tf.tensor4d(values, [4, 5, 6, 3]);
    return [tf.sum(x, [0, 1, 2]), tf.sum(x, 0), tf.sum(x, [1, 0], true), tf.sum(x, [-1]), tf.sum(x, [0, 2]), tf.sum(x)];
  });
});

test('sum over axis 0 by hand', async () => {
  const [values] = await runOn('wasm', () => tf.sum(tf.tensor2d([[1, 2, 3], [10, 20, 30]]), 0));
  assert.deepEqual(Array.from(values), [11, 22, 33]);
});

test('gradient through a dense layer with bias (sum over the batch) on wasm = cpu', async () => {
  const xValues = randomValues(41, 7 * 4);
  const wValues = randomValues(42, 4 * 3);
  await expectWasmMatchesCpu('dense gradients', () => {
    const x = tf.tensor2d(xValues, [7, 4]);
    const w = tf.tensor2d(wValues, [4, 3]);
    const b = tf.tensor1d([0.5, -1, 2]);
    return tf.grads((wi: tf.Tensor, bi: tf.Tensor) => tf.relu(tf.matMul(x, wi).add(bi)).square().sum())([w, b]);
  });
});

test('int32 sums keep the shipped kernel', async () => {
  const [values] = await runOn('wasm', () => tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0));
  assert.deepEqual(Array.from(values), [4, 6]);
});

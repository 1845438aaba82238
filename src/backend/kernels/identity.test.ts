import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';

test('clone and same-dtype cast share the buffer safely: disposing either side keeps the other', async () => {
  await runOn('wasm', () => tf.zeros([1]));
  const before = tf.memory().numTensors;
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const copy = tf.clone(x);
  const same = tf.cast(x, 'float32');
  x.dispose();
  assert.deepEqual(Array.from(copy.dataSync()), [1, 2, 3, 4]);
  copy.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1, 2, 3, 4]);
  same.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('casts between dtypes still convert', async () => {
  const [ints, floats, bools] = await runOn('wasm', () => [
    tf.cast(tf.tensor1d([1.7, -2.2, 0]), 'int32'),
    tf.cast(tf.tensor1d([3, 0, -1], 'int32'), 'float32'),
    tf.cast(tf.tensor1d([0, 2, 0]), 'bool'),
  ]);
  assert.deepEqual(Array.from(ints), [1, -2, 0]);
  assert.deepEqual(Array.from(floats), [3, 0, -1]);
  assert.deepEqual(Array.from(bools), [0, 1, 0]);
});

test('ReLU network gradients (cast + identity in the backward pass) on wasm = cpu', async () => {
  const xValues = randomValues(50, 6 * 5);
  const wValues = randomValues(51, 5 * 4);
  await expectWasmMatchesCpu('relu gradients', () => {
    const x = tf.tensor2d(xValues, [6, 5]);
    const w = tf.tensor2d(wValues, [5, 4]);
    return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.relu(tf.matMul(a, b)).square().sum())([x, w]);
  });
});

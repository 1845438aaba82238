import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { encodeNormalized, l2Normalize } from './normalize';
import { createMlpEncoder } from './encoders';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

test('l2Normalize: hand-computed rows, zero row stays zero, no leaks', () => {
  const x = tf.tensor2d([[3, 4], [0, 0], [-1, 0]]);
  const before = tf.memory().numTensors;
  const y = l2Normalize(x);
  assert.equal(tf.memory().numTensors, before + 1);
  expectClose(y, [[0.6, 0.8], [0, 0], [-1, 0]], { atol: 1e-7 });
  tf.dispose([x, y]);
  assert.throws(() => l2Normalize(tf.zeros([2]) as never), /l2Normalize: 'x' must be a \[batch, dim\] tensor, got \[2\]/);
});

test('l2Normalize: gradient matches the closed form (I − ŷŷᵀ)/‖x‖', () => {
  const x = tf.tensor2d([[1, 2, 2]]); // norm 3
  const w = tf.tensor2d([[1, 0, 0]]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(l2Normalize(v as tf.Tensor2D), w)))(x);
  const yhat = [1 / 3, 2 / 3, 2 / 3];
  const expected = [0, 1, 2].map((j) => ((j === 0 ? 1 : 0) - yhat[0] * yhat[j]) / 3);
  expectClose(g, [expected], { atol: 1e-6 });
  tf.dispose([x, w, g]);
});

test('encodeNormalized: unit rows of the encoder output', () => {
  const model = createMlpEncoder({ inputShape: [4], hiddenUnits: [6], outputDim: 3, rng: new Rng(1) });
  const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 1, 0]]);
  const y = encodeNormalized(model, x);
  expectClose(tf.tidy(() => tf.norm(y, 'euclidean', 1)), [1, 1], { atol: 1e-6 });
  tf.dispose([x, y]);
  model.dispose();
});

test('l2Normalize has a finite gradient for a zero row', () => {
  const x = tf.tensor2d([[0, 0], [3, 4]]);
  const gradient = tf.grad((input: tf.Tensor) => l2Normalize(input as tf.Tensor2D).sum())(x);
  const values = Array.from(gradient.dataSync());
  assert.ok(values.every(Number.isFinite), `gradient ${values}`);
  tf.dispose([x, gradient]);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from '../../testing/compare-backends';
import { tileInto } from './tile';

test('tileInto matches the definition out[i] = x[i mod shape] on mixed shapes and reps', () => {
  const cases: [number[], number[]][] = [[[3], [4]], [[2, 3], [1, 1]], [[2, 3], [3, 2]], [[1, 1, 1, 5], [4, 3, 2, 1]], [[2, 1, 3], [2, 5, 1]], [[], []]];
  for (const [shape, reps] of cases) {
    const size = shape.reduce((a, b) => a * b, 1);
    const source = Float32Array.from({ length: size }, (_, i) => i + 1);
    const outShape = shape.map((s, a) => s * reps[a]);
    const target = new Float32Array(outShape.reduce((a, b) => a * b, 1));
    tileInto(source, shape, reps, target);
    const expected = tf.tidy(() => (shape.length === 0 ? tf.scalar(1) : tf.tile(tf.tensor(source, shape), reps)).dataSync());
    assert.deepEqual(Array.from(target), Array.from(expected), `shape [${shape}] reps [${reps}]`);
  }
});

test('Tile on wasm = cpu for float32, int32 and bool, and the BatchNorm gradient that tiles', async () => {
  const values = randomValues(7, 2 * 3 * 4);
  await expectWasmMatchesCpu('tile float32', () => tf.tile(tf.tensor3d(values, [2, 3, 4]), [3, 1, 2]));
  const [ints, bools] = await runOn('wasm', () => [
    tf.tile(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), [2, 3]),
    tf.cast(tf.tile(tf.tensor1d([1, 0, 1], 'bool'), [2]), 'int32'),
  ]);
  assert.deepEqual(Array.from(ints), [1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
  assert.deepEqual(Array.from(bools), [1, 0, 1, 1, 0, 1]);
  const x = randomValues(8, 4 * 5 * 5 * 3);
  const gamma = randomValues(9, 3);
  await expectWasmMatchesCpu('batch norm gradients', () => {
    const input = tf.tensor4d(x, [4, 5, 5, 3]);
    const scale = tf.tensor1d(gamma);
    return tf.grads((a: tf.Tensor, g: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm(a, mean, variance, tf.zerosLike(g), g, 1e-3).square().sum();
    })([input, scale]);
  });
});

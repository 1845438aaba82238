import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectWasmMatchesCpu, randomValues, runOn } from './compare-backends';

test('randomValues is a seeded stream of normals', () => {
  assert.deepEqual(randomValues(7, 5), randomValues(7, 5));
  assert.notDeepEqual(randomValues(7, 5), randomValues(8, 5));
  assert.equal(randomValues(7, 5).length, 5);
});

test('runOn returns the outputs of the computation on the backend it names, and refuses leaks', async () => {
  const [sum] = await runOn('cpu', () => tf.tensor1d([1, 2, 3]).sum());
  assert.deepEqual(Array.from(sum), [6]);
  assert.equal(tf.getBackend(), 'cpu');
  let leaked: tf.Tensor | null = null;
  await assert.rejects(runOn('cpu', () => {
    leaked = tf.keep(tf.scalar(1));
    return tf.scalar(2);
  }), /runOn\(cpu\): 1 tensors leaked/);
  (leaked as tf.Tensor | null)?.dispose();
});

test('expectWasmMatchesCpu passes when the backends agree and names the check when they do not', async () => {
  const values = randomValues(3, 12);
  await expectWasmMatchesCpu('matmul', () => tf.matMul(tf.tensor2d(values, [3, 4]), tf.tensor2d(values, [4, 3])));
  await assert.rejects(
    expectWasmMatchesCpu('backend name', () => tf.scalar(tf.getBackend() === 'wasm' ? 1 : 0)),
    /backend name output 0/,
  );
});

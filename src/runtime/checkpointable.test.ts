import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Checkpointable, expectStoredShape, isCheckpointable, storedTensor, tensorFromStored } from './checkpointable';
import { storedPart } from '../testing/stored-part';

test('storedTensor keeps dtype, shape and values of float32 and int32 tensors; other dtypes are refused by name', () => {
  const float = tf.tensor2d([[1, 2], [3, 4]]); // [2, 2]
  const int = tf.tensor1d([5, -1], 'int32'); // [2]
  const bool = tf.tensor1d([1, 0], 'bool');
  assert.deepEqual(storedTensor(float), { dtype: 'float32', shape: [2, 2], values: Float32Array.of(1, 2, 3, 4) });
  assert.deepEqual(storedTensor(int), { dtype: 'int32', shape: [2], values: Int32Array.of(5, -1) });
  assert.throws(() => storedTensor(bool), /saveTrainingState: cannot store a bool tensor/);
  tf.dispose([float, int, bool]);
});

test('tensorFromStored makes a new tensor of the stored dtype, shape and values', () => {
  const tensor = tensorFromStored({ dtype: 'int32', shape: [1, 2], values: Int32Array.of(7, 8) });
  assert.equal(tensor.dtype, 'int32');
  assert.deepEqual(tensor.shape, [1, 2]);
  assert.deepEqual(Array.from(tensor.dataSync()), [7, 8]);
  tensor.dispose();
});

test('expectStoredShape reports a shape mismatch in the checkpoint\'s words; a missing tensor is not reported twice', () => {
  const { stored, problems } = storedPart({ tensors: { w: { dtype: 'float32', shape: [3, 4], values: new Float32Array(12) } } });
  expectStoredShape(stored, 'weight 0', stored.tensor('w'), [3, 4]);
  assert.deepEqual(problems, []);
  expectStoredShape(stored, 'weight 0', stored.tensor('w'), [3, 5]);
  expectStoredShape(stored, 'weight 1', stored.tensor('v'), [2]);
  assert.deepEqual(problems, ['weight 0 is [3,4] in the checkpoint, [3,5] now', "it has no 'v'"]);
});

test('isCheckpointable: true only with all three methods', () => {
  const part: Checkpointable = { saveCheckpoint: () => ({}), checkCheckpoint: () => undefined, restoreCheckpoint: () => undefined };
  assert.equal(isCheckpointable(part), true);
  assert.equal(isCheckpointable({ saveCheckpoint: () => ({}), checkCheckpoint: () => undefined }), false);
  assert.equal(isCheckpointable(null), false);
  assert.equal(isCheckpointable(tf.scalar(1)), false);
});

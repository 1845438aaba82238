import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { checkTrainTest, numClassesOf, toLabelArray } from './inputs';

test('toLabelArray copies arrays, typed arrays and 1-D tensors into an Int32Array', () => {
  assert.deepEqual(Array.from(toLabelArray([2, 0, 1], 'f', 'labels')), [2, 0, 1]);
  assert.deepEqual(Array.from(toLabelArray(Uint8Array.from([3, 4]), 'f', 'labels', 2)), [3, 4]);
  const tensor = tf.tensor1d([1, 1, 0], 'int32');
  assert.deepEqual(Array.from(toLabelArray(tensor, 'f', 'labels')), [1, 1, 0]);
  tensor.dispose();
});

test('toLabelArray rejects non-integers, negatives, wrong lengths and 2-D tensors', () => {
  assert.throws(() => toLabelArray([0, -1], 'myFn', 'labels'), /myFn: 'labels' must hold non-negative integer class ids, got -1 at index 1/);
  assert.throws(() => toLabelArray([0.5], 'myFn', 'labels'), /myFn: 'labels' must hold non-negative integer class ids, got 0.5 at index 0/);
  assert.throws(() => toLabelArray([0, 1], 'myFn', 'labels', 3), /myFn: 'labels' must have one label per row \(3\), got 2/);
  const matrix = tf.zeros([2, 2]);
  assert.throws(() => toLabelArray(matrix, 'myFn', 'labels'), /myFn: 'labels' must be a 1-D tensor of class ids, got shape \[2,2\]/);
  assert.throws(() => toLabelArray(7 as unknown as number[], 'myFn', 'labels'), /myFn: 'labels' must be an array or 1-D tensor of class ids, got number 7/);
  matrix.dispose();
});

test('checkTrainTest checks both sides and returns the embeddings with Int32Array labels', () => {
  const a = tf.zeros([2, 3]) as tf.Tensor2D;
  const b = tf.zeros([1, 4]) as tf.Tensor2D;
  const checked = checkTrainTest({ embeddings: a, labels: [0, 1] }, { embeddings: a, labels: [1, 1] }, 'f');
  assert.equal(checked.trainEmbeddings, a);
  assert.deepEqual(Array.from(checked.testLabels), [1, 1]);
  assert.throws(() => checkTrainTest({ embeddings: a, labels: [0, 1] }, { embeddings: b, labels: [0] }, 'f'), /f: 'test.embeddings' must be \[rows, 3\] like 'train.embeddings', got \[1,4\]/);
  assert.throws(() => checkTrainTest({ embeddings: a, labels: [0] }, { embeddings: a, labels: [0, 1] }, 'f'), /f: 'train.labels' must have one label per row \(2\), got 1/);
  tf.dispose([a, b]);
});

test('numClassesOf is one more than the largest label', () => {
  assert.equal(numClassesOf(Int32Array.from([0, 4]), Int32Array.from([2])), 5);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { checkFinite, checkInteger, checkMatrix, checkPositive, checkSameDim, numClassesOf, toLabelArray } from './inputs';

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

test('matrix, integer, positive and finite checks name the function and the argument', () => {
  const a = tf.zeros([2, 3]) as tf.Tensor2D;
  const b = tf.zeros([2, 4]) as tf.Tensor2D;
  const empty = tf.zeros([0, 3]);
  const strings = tf.tensor([['a']]);
  const bad = tf.tensor2d([[1, Infinity]]);
  assert.equal(checkMatrix(a, 'f', 'x'), a);
  assert.throws(() => checkMatrix([[1]], 'f', 'x'), /f: 'x' must be a 2-D tensor \[rows, dim\], got an array of length 1/);
  assert.throws(() => checkMatrix(empty, 'f', 'x'), /f: 'x' must be a non-empty 2-D tensor \[rows, dim\], got shape \[0,3\]/);
  assert.throws(() => checkMatrix(strings, 'f', 'x'), /f: 'x' must hold numbers \(float32 or int32\), got dtype string/);
  assert.throws(() => checkSameDim(a, b, 'f', 'x', 'y'), /f: 'y' must be \[rows, 3\] like 'x', got \[2,4\]/);
  assert.throws(() => checkInteger(2.5, 'f', 'k', 1), /f: 'k' must be an integer ≥ 1, got 2.5/);
  assert.throws(() => checkInteger(9, 'f', 'k', 1, 5), /f: 'k' must be an integer in \[1, 5\], got 9/);
  assert.throws(() => checkPositive(Infinity, 'f', 't'), /f: 't' must be a positive finite number, got Infinity/);
  assert.throws(() => checkFinite(bad, 'f', 'x'), /f: 'x' holds NaN or Infinity/);
  assert.equal(numClassesOf(Int32Array.from([0, 4]), Int32Array.from([2])), 5);
  tf.dispose([a, b, empty, strings, bad]);
});

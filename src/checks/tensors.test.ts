import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  requireBinaryFlags,
  requireDim,
  requireFiniteValues,
  requireFloat,
  requireIndices,
  requireLabels,
  requireMatrix,
  requireNonEmpty,
  requireSameColumns,
  requireSameShape,
  requireTensor,
} from './tensors';

test('requireTensor and requireFloat check type, disposal, rank and dtype', () => {
  assert.throws(() => requireTensor('f', 'x', [1, 2]), /f: 'x' must be a tf.Tensor, got an array/);
  assert.throws(() => requireTensor('f', 'x', null), /f: 'x' must be a tf.Tensor, got null/);
  const gone = tf.zeros([2]);
  gone.dispose();
  assert.throws(() => requireTensor('f', 'x', gone), /f: 'x' has been disposed/);
  tf.tidy(() => {
    const x = tf.zeros([8, 3]); // [batch, dim]
    assert.equal(requireFloat('f', 'x', x, 2, '[batch, dim]'), x);
    assert.throws(() => requireFloat('f', 'x', tf.zeros([8]), 2, '[batch, dim]'), /f: 'x' must be \[batch, dim\], got \[8\]/);
    assert.throws(() => requireFloat('f', 'x', tf.zeros([8, 3], 'int32'), 2, '[batch, dim]'), /f: 'x' must be float32, got int32/);
  });
});

test('shape checks: non-empty, same shape, same columns, one dimension', () => {
  tf.tidy(() => {
    const anchor = tf.zeros([8, 2]); // [batch, dim]
    const negative = tf.zeros([8, 3]); // [batch, dim]
    assert.throws(() => requireNonEmpty('f', 'x', tf.zeros([0, 3]), '[batch, dim]'), /f: 'x' must be a non-empty \[batch, dim\], got \[0,3\]/);
    assert.throws(
      () => requireSameShape('tripletLoss', 'negative', negative, 'anchor', anchor, '[batch, dim]'),
      /tripletLoss: 'negative' must be \[batch, dim\] like 'anchor' \[8,2\], got \[8,3\]/,
    );
    assert.throws(() => requireSameColumns('f', 'y', negative as tf.Tensor2D, 'x', anchor as tf.Tensor2D), /f: 'y' must be \[rows, 2\] like 'x', got \[8,3\]/);
    assert.throws(() => requireDim('f', 'x', anchor, 1, 3, 'dim'), /f: 'x' must have dim = 3, got \[8,2\]/);
  });
});

test('requireMatrix accepts non-empty 2-D number tensors', () => {
  tf.tidy(() => {
    const a = tf.zeros([2, 3]); // [rows, dim]
    assert.equal(requireMatrix('f', 'x', a), a);
    assert.equal(requireMatrix('f', 'x', tf.zeros([1, 1], 'int32')).dtype, 'int32');
    assert.throws(() => requireMatrix('f', 'x', [[1]]), /f: 'x' must be a 2-D tensor \[rows, dim\], got an array of length 1/);
    assert.throws(() => requireMatrix('f', 'x', tf.zeros([0, 3])), /f: 'x' must be a non-empty 2-D tensor \[rows, dim\], got shape \[0,3\]/);
    assert.throws(() => requireMatrix('f', 'x', tf.tensor([['a']])), /f: 'x' must hold numbers \(float32 or int32\), got dtype string/);
  });
});

test('requireFiniteValues refuses NaN and Infinity without leaking tensors', () => {
  const good = tf.tensor2d([[1, 2]]);
  const bad = tf.tensor2d([[1, Infinity]]);
  const before = tf.memory().numTensors;
  requireFiniteValues('f', 'x', good);
  assert.throws(() => requireFiniteValues('f', 'x', bad), /f: 'x' holds NaN or Infinity/);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([good, bad]);
});

test('index, label and flag tensors', () => {
  tf.tidy(() => {
    assert.deepEqual(Array.from(requireIndices('f', 'idx', tf.tensor1d([0, 2], 'int32'), 1, '[batch]', 3, 'bank size')), [0, 2]);
    assert.throws(() => requireIndices('f', 'idx', tf.tensor1d([0, 3], 'int32'), 1, '[batch]', 3, 'bank size'), /f: 'idx' must hold indices in \[0, 3\) \(bank size\), got 3 at flat position 1/);
    assert.throws(() => requireIndices('f', 'idx', tf.tensor1d([0, 1]), 1, '[batch]', 3, 'bank size'), /f: 'idx' must be int32, got float32/);
    assert.deepEqual(Array.from(requireLabels('f', 'labels', tf.tensor1d([1, 0], 'int32'), 2, 'embeddings')), [1, 0]);
    assert.throws(() => requireLabels('f', 'labels', tf.tensor1d([1, 0, 1], 'int32'), 2, 'embeddings'), /f: 'labels' must be \[batch\] with batch = 2 like 'embeddings', got \[3\]/);
    requireBinaryFlags('f', 'similar', tf.tensor1d([1, 0]), 2, 'x1');
    assert.throws(() => requireBinaryFlags('f', 'similar', tf.tensor1d([1, 2]), 2, 'x1'), /f: 'similar' must hold only 0 and 1, got 2 at position 1/);
  });
});

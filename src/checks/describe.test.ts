import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { describe, shapeText, valueText } from './describe';

test('shapeText writes a shape as the error messages show it', () => {
  assert.equal(shapeText([8, 3]), '[8,3]');
  assert.equal(shapeText([]), '[]');
});

test('valueText shows a value as it is, strings quoted', () => {
  assert.equal(valueText(0), '0');
  assert.equal(valueText(NaN), 'NaN');
  assert.equal(valueText(undefined), 'undefined');
  assert.equal(valueText('3'), '"3"');
});

test('describe says what a value is in a few words', () => {
  const t = tf.zeros([2, 3]);
  assert.equal(describe(t), 'a tensor of shape [2,3]');
  t.dispose();
  assert.equal(describe([1, 2]), 'an array of length 2');
  assert.equal(describe(new Float32Array(9)), 'a Float32Array of length 9');
  assert.equal(describe(null), 'null');
  assert.equal(describe({ a: 1 }), 'an object');
  assert.equal(describe(7), 'number 7');
  assert.equal(describe('points'), 'string points');
  assert.equal(describe(undefined), 'undefined undefined');
});

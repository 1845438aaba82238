import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { allClose, closeness, expectClose, expectThat } from './assertions';

test('expectClose honours atol: 1e-3 apart fails at atol 1e-4 and passes at 1e-2', () => {
  assert.throws(() => expectClose([1, 2], [1, 2.001], { atol: 1e-4, rtol: 0 }), /element 1 is 2, expected 2.001/);
  assert.doesNotThrow(() => expectClose([1, 2], [1, 2.001], { atol: 1e-2, rtol: 0 }));
});

test('expectClose honours rtol relative to the expected value', () => {
  assert.equal(allClose([1000.5], [1000], { atol: 0, rtol: 1e-3 }), true);
  assert.equal(allClose([1000.5], [1000], { atol: 0, rtol: 1e-4 }), false);
});

test('NaN matches only NaN; equal infinities match', () => {
  assert.equal(allClose([NaN], [NaN]), true);
  assert.equal(allClose([NaN], [0]), false);
  assert.equal(allClose([0], [NaN]), false);
  assert.equal(allClose([Infinity], [Infinity]), true);
  assert.equal(allClose([Infinity], [-Infinity]), false);
});

test('tensors, nested arrays and typed arrays compare by value; sizes must match', () => {
  const t = tf.tensor2d([[1, 2], [3, 4]]);
  assert.equal(allClose(t, [[1, 2], [3, 4]]), true);
  assert.equal(allClose(new Float32Array([1, 2, 3, 4]), t), true);
  assert.throws(() => allClose([1, 2, 3], t), /'actual' has 3 values .* 'expected' has 4/);
  t.dispose();
});

test('closeness reports the worst element, not the first', () => {
  const worst = closeness([0.1, 5, 0.2], [0, 0, 0], { atol: 0.05, rtol: 0 });
  assert.equal(worst?.index, 1);
});

test('bad tolerances are rejected by name', () => {
  assert.throws(() => allClose([1], [1], { atol: -1 }), /'atol' and 'rtol' must be ≥ 0/);
});

test('expectThat throws with the message', () => {
  assert.throws(() => expectThat(false, 'loss below 0.5'), /loss below 0.5/);
  assert.doesNotThrow(() => expectThat(true, 'fine'));
});

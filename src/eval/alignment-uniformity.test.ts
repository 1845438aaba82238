import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { alignment, uniformity } from './alignment-uniformity';

const rad = (degrees: number) => (degrees * Math.PI) / 180;
const circle = (degrees: number[]) => tf.tensor2d(degrees.map((d) => [Math.cos(rad(d)), Math.sin(rad(d))]));

test('alignment is the mean of ‖x − y‖^α over the positive pairs', () => {
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  const y = tf.tensor2d([[0, 3], [0, 1]]); // normalised inside: row 0 becomes (0, 1)
  // Distances √2 and 0: α = 2 → (2 + 0)/2 = 1; α = 1 → √2/2.
  expectClose(alignment(x, y), 1, { atol: 1e-6 });
  expectClose(alignment(x, y, { alpha: 1 }), Math.SQRT2 / 2, { atol: 1e-6 });
  // Without normalising, row 0 is ‖(1, −3)‖² = 10: (10 + 0)/2 = 5.
  expectClose(alignment(x, y, { normalize: false }), 5, { atol: 1e-5 });
  assert.equal(alignment(x, x), 0);
  tf.dispose([x, y]);
});

test('uniformity: hand-derived values for antipodal, 120°, collapsed and mixed points', () => {
  const antipodal = circle([0, 180]);
  const triangle = circle([90, 210, 330]);
  const collapsed = circle([30, 30, 30]);
  const mixed = circle([0, 0, 180]);
  // ‖x − y‖² = 4 → log e^{−8} = −8.
  expectClose(uniformity(antipodal), -8, { atol: 1e-5 });
  // 120° apart: ‖x − y‖² = 2 − 2cos120° = 3 → −6.
  expectClose(uniformity(triangle), -6, { atol: 1e-5 });
  expectClose(uniformity(triangle, { t: 1 }), -3, { atol: 1e-5 });
  // All at one point: every pair has distance 0 → log 1 = 0 (self-pairs excluded either way).
  expectClose(uniformity(collapsed), 0, { atol: 1e-6 });
  // Ordered pairs i ≠ j: (0,1),(1,0) at distance 0, the other 4 at ‖·‖² = 4 → log((2 + 4e^{−8})/6).
  expectClose(uniformity(mixed), Math.log((2 + 4 * Math.exp(-8)) / 6), { atol: 1e-5 });
  // normalize: false uses the rows as given: (2,0) and (0,0) are at squared distance 4.
  const raw = tf.tensor2d([[2, 0], [0, 0]]);
  expectClose(uniformity(raw, { normalize: false }), -8, { atol: 1e-5 });
  tf.dispose([antipodal, triangle, collapsed, mixed, raw]);
});

test('uniformity matches a float64 brute force for every chunk size, and leaks nothing', () => {
  const rng = new Rng(9);
  const data = Array.from({ length: 23 }, () => Array.from({ length: 6 }, () => rng.normal()));
  const unit = data.map((v) => v.map((x) => x / Math.hypot(...v)));
  let sum = 0;
  for (let i = 0; i < unit.length; i++) {
    for (let j = 0; j < unit.length; j++) {
      if (i === j) continue;
      const d2 = unit[i].reduce((acc, x, d) => acc + (x - unit[j][d]) ** 2, 0);
      sum += Math.exp(-2 * d2);
    }
  }
  const expected = Math.log(sum / (23 * 22));
  const x = tf.tensor2d(data);
  const before = tf.memory().numTensors;
  for (const chunkSize of [1, 5, 23, undefined]) expectClose(uniformity(x, { chunkSize }), expected, { atol: 1e-5 }, `chunkSize ${chunkSize}`);
  alignment(x, x);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(!x.isDisposed);
  tf.dispose(x);
});

test('bad input errors name the function and the argument', () => {
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  const y = tf.tensor2d([[1, 0]]);
  const one = tf.tensor2d([[1, 0]]);
  assert.throws(() => alignment(x, y), /alignment: 'y' must be \[2,2\] like 'x' \(row i of y is the positive of row i of x\), got \[1,2\]/);
  assert.throws(() => alignment(x, x, { alpha: 0 }), /alignment: 'alpha' must be a positive finite number, got 0/);
  assert.throws(() => uniformity(one), /uniformity: 'x' needs at least 2 rows/);
  assert.throws(() => uniformity(x, { t: NaN }), /uniformity: 't' must be a positive finite number, got NaN/);
  tf.dispose([x, y, one]);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { collapseReport, effectiveRank, singularValues } from './collapse';

test('effectiveRank = exp(entropy of σ/Σσ): hand-derived values', () => {
  expectClose(effectiveRank([1, 1, 1, 1]), 4, { atol: 1e-12 });
  expectClose(effectiveRank([5, 0, 0]), 1, { atol: 1e-12 });
  // p = (½, ¼, ¼): H = ½ln2 + ½ln4 = 1.5 ln 2 → 2^1.5.
  expectClose(effectiveRank([2, 1, 1]), 2 ** 1.5, { atol: 1e-12 });
  assert.equal(effectiveRank([0, 0]), 0);
  assert.throws(() => effectiveRank([1, -1]), /effectiveRank: 'singularValues' must be finite and ≥ 0, got -1 at index 1/);
});

test('singular values from the Gram matrix match hand-derived ones', () => {
  // XᵀX = [[5, 3], [3, 5]] has eigenvalues 8 and 2 → σ = √8, √2.
  const x = tf.tensor2d([[2, 2], [1, -1]]);
  expectClose(singularValues(x), [Math.sqrt(8), Math.sqrt(2)], { atol: 1e-5 });
  // Centring: rows (1,0), (−1,0), (0,2), (0,−2) have mean 0, column norms √2 and √8.
  const centred = tf.tensor2d([[1, 0], [-1, 0], [0, 2], [0, -2]]);
  expectClose(singularValues(centred, true), [Math.sqrt(8), Math.sqrt(2)], { atol: 1e-5 });
  // Shifting every row by (5, 5) changes the raw spectrum but not the centred one.
  const shifted = centred.add(5) as tf.Tensor2D;
  expectClose(singularValues(shifted, true), [Math.sqrt(8), Math.sqrt(2)], { atol: 1e-4 });
  assert.ok(singularValues(shifted)[0] > 10);
  tf.dispose([x, centred, shifted]);
});

test('an orthonormal basis is fully spread; identical points are collapsed', () => {
  const basis = tf.eye(4) as tf.Tensor2D;
  const spread = collapseReport(basis);
  expectClose(spread.meanPairwiseDistance, Math.SQRT2, { atol: 1e-6 });
  expectClose(spread.effectiveRank, 4, { atol: 1e-5 });
  expectClose(spread.singularValues, [1, 1, 1, 1], { atol: 1e-6 });
  // Each column holds one 1 and three 0s: population std √(1/4 − 1/16) = √3/4.
  expectClose(spread.normalizedDimensionStd, Math.sqrt(3) / 4, { atol: 1e-6 });
  assert.equal(spread.spreadDimensionStd, 0.5);
  assert.deepEqual([spread.numPoints, spread.dim, spread.pairwisePoints], [4, 4, 4]);

  const same = tf.tensor2d([[0.6, 0.8, 0], [0.6, 0.8, 0], [0.6, 0.8, 0]]);
  const collapsed = collapseReport(same);
  expectClose(collapsed.meanPairwiseDistance, 0, { atol: 1e-6 });
  expectClose(collapsed.effectiveRank, 1, { atol: 1e-6 });
  expectClose(collapsed.normalizedDimensionStd, 0, { atol: 1e-6 });
  tf.dispose([basis, same]);
});

test('the mean pairwise distance is exact over pairs i ≠ j; a subset is seeded', () => {
  // Points 0, 3 and 4 on a line: distances 3, 4, 1 → mean 8/3.
  const line = tf.tensor2d([[0, 0], [3, 0], [4, 0]]);
  expectClose(collapseReport(line).meanPairwiseDistance, 8 / 3, { atol: 1e-5 });
  // With 2 of the 3 points, the distance is one of 3, 4, 1 — the same one on every call.
  const a = collapseReport(line, { maxPairwisePoints: 2 });
  const b = collapseReport(line, { maxPairwisePoints: 2 });
  assert.equal(a.pairwisePoints, 2);
  assert.ok([3, 4, 1].some((d) => Math.abs(d - a.meanPairwiseDistance) < 1e-5), `got ${a.meanPairwiseDistance}`);
  // Seeded by the kit's PRNG: the same seed gives the same subset.
  assert.equal(b.meanPairwiseDistance, a.meanPairwiseDistance);
  tf.dispose(line);
});

test('leaks no tensors; bad input errors name the function and the argument', () => {
  const x = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const before = tf.memory().numTensors;
  collapseReport(x, { maxPairwisePoints: 2 });
  collapseReport(x, { center: true });
  assert.equal(tf.memory().numTensors, before);
  const one = tf.tensor2d([[1, 0]]);
  assert.throws(() => collapseReport(one), /collapseReport: 'embeddings' needs at least 2 rows, got 1/);
  assert.throws(() => collapseReport(x, { maxPairwisePoints: 1 }), /collapseReport: 'maxPairwisePoints' must be an integer ≥ 2, got 1/);
  tf.dispose([x, one]);
});

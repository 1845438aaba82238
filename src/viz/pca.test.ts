import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { pcaLayout } from './pca';

before(async () => {
  await tf.setBackend('cpu');
});

test('pcaLayout recovers a known plane: directions, variances, coordinates, explained ratio 1', () => {
  // Points a·u + b·v + offset in 4-D with u, v orthonormal; a has variance 9, b variance 1 (exactly, by construction).
  const u = [0.5, 0.5, 0.5, 0.5];
  const v = [0.5, -0.5, 0.5, -0.5];
  const as = [3, -3, 3, -3, 0, 0, 0, 0].map((a) => a * Math.sqrt(7 / 4)); // mean 0, sum of squares 9·7
  const bs = [0, 0, 0, 0, 1, -1, 1, -1].map((b) => b * Math.sqrt(7 / 4)); // mean 0, sum of squares 7
  const offset = [10, -2, 0, 5];
  const rows = as.map((a, i) => offset.map((o, d) => o + a * u[d] + bs[i] * v[d]));
  const before = tf.memory().numTensors;
  const view = pcaLayout(rows);
  assert.equal(tf.memory().numTensors, before);
  expectClose(view.componentVariances, [9, 1], { atol: 1e-4 });
  expectClose(view.explainedVarianceRatio, 1, { atol: 1e-5 });
  expectClose(Array.from(view.components[0]), u, { atol: 1e-4 }); // sign: largest entry positive (all equal: first wins)
  expectClose(Array.from(view.components[1]).map(Math.abs), v.map(Math.abs), { atol: 1e-4 });
  expectClose(view.x, as, { atol: 1e-3 });
  const sign = view.components[1][0] > 0 ? 1 : -1;
  expectClose(view.y, bs.map((b) => sign * b), { atol: 1e-3 });
});

test('pcaLayout: explained ratio below 1 for full-rank data; input checks', () => {
  const rng = new Rng(1);
  const rows = Array.from({ length: 50 }, () => [rng.normal(0, 3), rng.normal(0, 2), rng.normal(0, 1)]);
  const view = pcaLayout(rows);
  assert.ok(view.explainedVarianceRatio > 0.8 && view.explainedVarianceRatio < 1, `ratio ${view.explainedVarianceRatio}`);
  assert.ok(view.componentVariances[0] >= view.componentVariances[1]);
  assert.throws(() => pcaLayout([[1, 2]]), /pcaLayout: 'embeddings' needs at least 2 rows, got 1/);
  assert.throws(() => pcaLayout(tf.zeros([3]) as unknown as tf.Tensor2D), /pcaLayout: 'embeddings' must be a 2-D tensor \[rows, dim\], got shape \[3\]/);
});

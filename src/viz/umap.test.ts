import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng, setSeed } from '../runtime/random';
import { knnSearch } from '../eval/knn-search';
import { gaussianClusters } from './sample-data';
import { trustworthiness } from './trustworthiness';
import { umapLayout } from './umap';

before(async () => {
  await tf.setBackend('cpu');
});

const data = gaussianClusters(4, 50, 8, 5);

/** Fraction of points whose nearest other point in the picture has the same label. */
function nearestLabelAgreement(layout: { x: Float32Array; y: Float32Array }, labels: number[]): number {
  let agree = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = -1;
    let bestDistance = Infinity;
    for (let j = 0; j < labels.length; j++) {
      if (j === i) continue;
      const d = (layout.x[i] - layout.x[j]) ** 2 + (layout.y[i] - layout.y[j]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [j, d];
    }
    if (labels[best] === labels[i]) agree++;
  }
  return agree / labels.length;
}

test('umapLayout: same seed → the same picture, another seed → another picture', async () => {
  setSeed(7);
  const first = await umapLayout(data.rows, { nEpochs: 30 });
  setSeed(7);
  const again = await umapLayout(data.rows, { nEpochs: 30 });
  assert.deepEqual(Array.from(again.x), Array.from(first.x));
  assert.deepEqual(Array.from(again.y), Array.from(first.y));
  setSeed(8);
  const other = await umapLayout(data.rows, { nEpochs: 30 });
  assert.notDeepEqual(Array.from(other.x), Array.from(first.x));
  const explicit = await umapLayout(data.rows, { nEpochs: 30, rng: new Rng(123) });
  const explicitAgain = await umapLayout(data.rows, { nEpochs: 30, rng: new Rng(123) });
  assert.deepEqual(Array.from(explicitAgain.x), Array.from(explicit.x));
  setSeed(42);
});

test('umapLayout separates well-separated clusters and is faithful (trustworthiness > 0.9)', async () => {
  const layout = await umapLayout(data.rows);
  assert.equal(layout.numPoints, 200);
  assert.equal(layout.nEpochs, 100);
  assert.ok(layout.numEdges > 200);
  for (let i = 0; i < layout.numPoints; i++) assert.ok(Number.isFinite(layout.x[i]) && Number.isFinite(layout.y[i]), `point ${i} is finite`);
  assert.equal(nearestLabelAgreement(layout, data.labels), 1);
  const t = trustworthiness(data.rows, layout, { k: 10 });
  assert.ok(t > 0.9, `trustworthiness ${t}`);
  // A random picture of the same points is far less faithful.
  const rng = new Rng(3);
  const random = { numPoints: 200, x: rng.uniformArray(200), y: rng.uniformArray(200) };
  assert.ok(trustworthiness(data.rows, random, { k: 10 }) < 0.7);
});

test("umapLayout with metric 'cosine' (1 − cos, the metric of normalised embeddings) also separates the clusters", async () => {
  const layout = await umapLayout(data.rows, { metric: 'cosine', nEpochs: 60 });
  assert.equal(nearestLabelAgreement(layout, data.labels), 1);
});

test('umapLayout accepts a precomputed knnSearch result (with or without excludeSelf) and leaks no tensors', async () => {
  const points = tf.tensor2d(data.rows);
  const withSelf = await knnSearch(points, points, { k: 15, metric: 'euclidean' });
  const leaveOneOut = await knnSearch(points, points, { k: 20, metric: 'euclidean', excludeSelf: true });
  const before = tf.memory().numTensors;
  const a = await umapLayout(points, { knn: withSelf, nEpochs: 20, rng: new Rng(1) });
  const b = await umapLayout(points, { knn: leaveOneOut, nEpochs: 20, rng: new Rng(1) });
  const c = await umapLayout(points, { nEpochs: 20, rng: new Rng(1) });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(Array.from(b.x), Array.from(a.x));
  assert.deepEqual(Array.from(c.x), Array.from(a.x));
  const cosine = await knnSearch(points, points, { k: 15, metric: 'cosine' });
  await assert.rejects(umapLayout(points, { knn: cosine }), /umapLayout: 'knn' was searched with metric 'cosine' but 'metric' is 'euclidean'/);
  const short = await knnSearch(points, points, { k: 5, metric: 'euclidean' });
  await assert.rejects(umapLayout(points, { knn: short }), /umapLayout: 'knn' must have k ≥ nNeighbors − 1 = 14, got 5/);
  points.dispose();
});

test("umapLayout engine 'umap-js' runs umap-js itself on the same graph and start (comparable picture)", async () => {
  const layout = await umapLayout(data.rows, { engine: 'umap-js', nEpochs: 60, rng: new Rng(2) });
  assert.equal(nearestLabelAgreement(layout, data.labels), 1);
  assert.ok(trustworthiness(data.rows, layout, { k: 10 }) > 0.9);
});

test('umapLayout can start from a previous layout of the same points (stays close to it)', async () => {
  const first = await umapLayout(data.rows, { nEpochs: 60 });
  const next = await umapLayout(data.rows, { init: first, nEpochs: 20, learningRate: 0.1 });
  let moved = 0;
  for (let i = 0; i < 200; i++) moved += Math.hypot(next.x[i] - first.x[i], next.y[i] - first.y[i]) / 200;
  assert.ok(moved < 1, `mean move ${moved}`);
  await assert.rejects(umapLayout(data.rows, { init: { numPoints: 3, x: new Float32Array(3), y: new Float32Array(3) } }), /umapLayout: 'init' as a layout must hold the same 200 points/);
});

test('umapLayout validates its inputs and names the argument', async () => {
  await assert.rejects(umapLayout([[1, 2], [3]]), /umapLayout: 'embeddings' must be rectangular: row 0 has 2 values, row 1 has 1/);
  await assert.rejects(umapLayout([[1, NaN]]), /umapLayout: 'embeddings' must be finite, row 0 column 1 is NaN/);
  await assert.rejects(umapLayout(data.rows.slice(0, 10)), /umapLayout: 'embeddings' needs more rows \(10\) than nNeighbors \(15\)/);
  await assert.rejects(umapLayout(data.rows, { nEpochs: 0 }), /umapLayout: 'nEpochs' must be an integer ≥ 1, got 0/);
  await assert.rejects(umapLayout(data.rows, { metric: 'manhattan' as 'cosine' }), /umapLayout: 'metric' must be 'euclidean' or 'cosine'/);
  await assert.rejects(umapLayout(data.rows, { minDist: 2 }), /umapLayout: 'minDist' \(2\) must not exceed 'spread' \(1\)/);
  await assert.rejects(umapLayout('points' as unknown as number[][]), /umapLayout: 'embeddings' must be a 2-D tensor, rows of numbers, or \{ values, columns \}; got string points/);
});

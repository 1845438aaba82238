import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { knnSearch } from './knn-search';
import { averagePrecisionAtR, meanAveragePrecisionAtR, recallAtK } from './retrieval';

const rad = (degrees: number) => (degrees * Math.PI) / 180;
const circle = (degrees: number[]) => tf.tensor2d(degrees.map((d) => [Math.cos(rad(d)), Math.sin(rad(d))]));

// Points on the unit circle (angle = angular distance) with classes; class 2 is a lone label.
const angles = [0, 10, 25, 100, 110, 150];
const labels = [0, 0, 1, 1, 1, 2];

test('averagePrecisionAtR follows (1/R) Σ P(i)·rel(i)', () => {
  assert.equal(averagePrecisionAtR([1, 1], 2), 1);
  assert.equal(averagePrecisionAtR([0, 1], 2), 0.25); // (1/2)·(1/2)
  assert.equal(averagePrecisionAtR([1, 0], 2), 0.5); // (1/2)·(1/1)
  expectClose(averagePrecisionAtR([1, 0, 1, 1], 3), (1 + 2 / 3) / 3, { atol: 1e-12 }); // only the first R count
  assert.equal(averagePrecisionAtR([0, 0, 0], 3), 0);
  assert.throws(() => averagePrecisionAtR([1], 2), /averagePrecisionAtR: 'relevant' must have at least R = 2 entries, got 1/);
  assert.throws(() => averagePrecisionAtR([], 0), /averagePrecisionAtR: 'R' must be an integer ≥ 1, got 0/);
});

test('Recall@K, leave-one-out, hand-derived', async () => {
  const points = circle(angles);
  const neighbors = await knnSearch(points, points, { k: 5, excludeSelf: true });
  // First same-class neighbour: 0° → 10° (rank 1); 10° → 0° (1); 25° → 10°, 0°, 100° (rank 3);
  // 100° → 110° (1); 110° → 100° (1); 150° is alone in class 2 (never).
  const recall = recallAtK(neighbors, labels, labels, [1, 2, 3, 5]);
  assert.deepEqual(recall, { 1: 4 / 6, 2: 4 / 6, 3: 5 / 6, 5: 5 / 6 });
  assert.throws(() => recallAtK(neighbors, labels, labels, [6]), /recallAtK: 'ks' asks for K = 6 but only 5 neighbours were searched/);
  assert.throws(() => recallAtK(neighbors, labels.slice(1), labels, [1]), /recallAtK: 'queryLabels' must have one label per row \(6\), got 5/);
  tf.dispose(points);
});

test('MAP@R, leave-one-out, hand-derived (lone label left out)', async () => {
  const points = circle(angles);
  const before = tf.memory().numTensors;
  const result = await meanAveragePrecisionAtR(points, points, labels, labels, { excludeSelf: true });
  // R = 1 for 0° and 10°: nearest is the other class-0 point → AP 1 each.
  // R = 2 for 25°: its 2 nearest are 10°, 0° (class 0) → AP 0.
  // R = 2 for 100°: 110° (class 1), then 150° (class 2) → AP (1/2)·1 = 0.5; same for 110°.
  // 150° is alone in class 2 (R = 0) → left out.
  expectClose(result.mapAtR, (1 + 1 + 0 + 0.5 + 0.5) / 5, { atol: 1e-12 });
  assert.equal(result.numScored, 5);
  assert.equal(result.numLone, 1);
  // Same result with one query per chunk.
  const chunked = await meanAveragePrecisionAtR(points, points, labels, labels, { excludeSelf: true, chunkSize: 1 });
  assert.equal(chunked.mapAtR, result.mapAtR);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(points);
});

test('MAP@R with separate queries: R counts every same-class reference', async () => {
  const references = circle([0, 10, 100, 110, 120]);
  const queries = circle([5, 115, 58]);
  // Query 5° (class 0, R = 2): 0° and 10° (equal distance) → AP 1.
  // Query 115° (class 1, R = 3): 110°, 120° (class 1), 100° (class 1) → AP 1.
  // Query 58° (class 0, R = 2): 100° (d42) and 10° (d48) come first (110° is d52) → rel [0, 1] → AP 0.25.
  const result = await meanAveragePrecisionAtR(queries, references, [0, 1, 0], [0, 0, 1, 1, 1]);
  expectClose(result.mapAtR, (1 + 1 + 0.25) / 3, { atol: 1e-12 });
  // A query whose class has no reference at all is lone.
  const lone = await meanAveragePrecisionAtR(queries, references, [0, 1, 7], [0, 0, 1, 1, 1]);
  assert.equal(lone.numLone, 1);
  expectClose(lone.mapAtR, 1, { atol: 1e-12 });
  const none = await meanAveragePrecisionAtR(queries, references, [7, 7, 7], [0, 0, 1, 1, 1]);
  assert.ok(Number.isNaN(none.mapAtR));
  tf.dispose([references, queries]);
});

test('MAP@R matches a float64 brute force on random data', async () => {
  const rng = new Rng(4);
  const n = 60;
  const data = Array.from({ length: n }, () => Array.from({ length: 4 }, () => rng.normal()));
  const classes = Array.from({ length: n }, () => rng.int(4));
  const unit = data.map((v) => {
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  let sum = 0;
  let scored = 0;
  for (let q = 0; q < n; q++) {
    const R = classes.filter((c) => c === classes[q]).length - 1;
    if (R === 0) continue;
    const order = unit
      .map((r, j) => ({ j, s: r.reduce((acc, x, d) => acc + x * unit[q][d], 0) }))
      .filter(({ j }) => j !== q)
      .sort((a, b) => b.s - a.s || a.j - b.j);
    let hits = 0;
    let ap = 0;
    for (let i = 0; i < R; i++) {
      if (classes[order[i].j] === classes[q]) {
        hits++;
        ap += hits / (i + 1);
      }
    }
    sum += ap / R;
    scored++;
  }
  const points = tf.tensor2d(data);
  const result = await meanAveragePrecisionAtR(points, points, classes, classes, { excludeSelf: true, chunkSize: 7 });
  expectClose(result.mapAtR, sum / scored, { atol: 1e-12 });
  assert.equal(result.numScored, scored);
  tf.dispose(points);
});

test('bad input errors name the function and the argument', async () => {
  const points = circle([0, 90]);
  await assert.rejects(meanAveragePrecisionAtR(points, points, [0, 1], [0]), /meanAveragePrecisionAtR: 'referenceLabels' must have one label per row \(2\), got 1/);
  await assert.rejects(meanAveragePrecisionAtR(points, points, [0, 1], [1, 0], { excludeSelf: true }), /meanAveragePrecisionAtR: with 'excludeSelf' query i is reference i, but queryLabels\[0\] = 0 ≠ referenceLabels\[0\] = 1/);
  const wide = tf.zeros([1, 3]) as tf.Tensor2D;
  await assert.rejects(meanAveragePrecisionAtR(points, wide, [0, 0], [0]), /meanAveragePrecisionAtR: 'queries' must be \[rows, 3\] like 'references', got \[2,2\]/);
  tf.dispose([points, wide]);
});

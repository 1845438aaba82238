import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { nearestNeighborAccuracy, rankClasses, weightedKnnAccuracy, weightedKnnLogScores } from './knn-classify';
import { knnSearch } from './knn-search';

const rad = (degrees: number) => (degrees * Math.PI) / 180;
const circle = (degrees: number[]) => tf.tensor2d(degrees.map((d) => [Math.cos(rad(d)), Math.sin(rad(d))]));

// One query at 0°. References: 0° (class 0, s = 1), ±60° (class 1, s = 1/2 each), 180° (class 2, s = −1).
async function toyNeighbors(k = 4) {
  const references = circle([0, 60, -60, 180]);
  const query = circle([0]);
  const neighbors = await knnSearch(query, references, { k });
  tf.dispose([references, query]);
  return neighbors;
}
const toyLabels = [0, 1, 1, 2];

test('class scores are Σ exp(s/σ) over the neighbours of each class (as logs)', async () => {
  const neighbors = await toyNeighbors();
  const { logScores, numClasses } = weightedKnnLogScores(neighbors, toyLabels, { temperature: 1 });
  assert.equal(numClasses, 3);
  // log e¹ = 1; log(2·e^½) = ½ + ln 2; log e⁻¹ = −1.
  expectClose(logScores, [1, 0.5 + Math.log(2), -1], { atol: 1e-6 });
  const sharp = weightedKnnLogScores(neighbors, toyLabels, { temperature: 0.1 });
  expectClose(sharp.logScores, [10, 5 + Math.log(2), -10], { atol: 1e-5 });
});

test('σ decides the vote: two medium neighbours beat one close one at σ = 1, not at σ = 0.1', async () => {
  const neighbors = await toyNeighbors(3);
  // σ = 1: class 1 scores 2e^0.5 ≈ 3.30 > e ≈ 2.72 for class 0.
  assert.deepEqual(weightedKnnAccuracy(neighbors, toyLabels, [1], { temperature: 1 }), { top1: 1, top5: 1 });
  // σ = 0.1: class 0 scores e^10 ≈ 22026 > 2e^5 ≈ 297.
  assert.deepEqual(weightedKnnAccuracy(neighbors, toyLabels, [0], { temperature: 0.1 }), { top1: 1, top5: 1 });
  assert.deepEqual(weightedKnnAccuracy(neighbors, toyLabels, [1], { temperature: 0.1 }), { top1: 0, top5: 1 });
  // Using only the first neighbour of the same search is 1-NN.
  assert.deepEqual(weightedKnnAccuracy(neighbors, toyLabels, [0], { temperature: 1, k: 1 }), { top1: 1, top5: 1 });
  assert.equal(nearestNeighborAccuracy(neighbors, toyLabels, [0]), 1);
  assert.equal(nearestNeighborAccuracy(neighbors, toyLabels, [1]), 0);
});

test('a tiny σ neither overflows nor underflows (exp(1/0.001) is Infinity in float64)', async () => {
  const neighbors = await toyNeighbors();
  const { logScores } = weightedKnnLogScores(neighbors, toyLabels, { temperature: 0.001 });
  expectClose(logScores, [1000, 500 + Math.log(2), -1000], { atol: 1e-2 });
  assert.ok(Array.from(logScores).every(Number.isFinite));
});

test('ties between classes go to the lower class index', async () => {
  // Query at 0°; class 3 at +60°, class 1 at −60°: equal scores.
  const references = circle([60, -60]);
  const query = circle([0]);
  const neighbors = await knnSearch(query, references, { k: 2 });
  assert.deepEqual(weightedKnnAccuracy(neighbors, [3, 1], [1]), { top1: 1, top5: 1 });
  assert.deepEqual(weightedKnnAccuracy(neighbors, [3, 1], [3]), { top1: 0, top5: 1 });
  tf.dispose([references, query]);
});

test('classes without a neighbour rank last, by index: top-5 over 7 classes', async () => {
  // Neighbours vote for classes 1 (s=1), 0 (s=1/2) and 2 (s=−1/2); classes 3–6 get no vote.
  const references = circle([0, 60, 120]);
  const query = circle([0]);
  const neighbors = await knnSearch(query, references, { k: 3 });
  const labels = [1, 0, 2];
  const ranked = rankClasses(weightedKnnLogScores(neighbors, labels, { numClasses: 7 }).logScores, 7, 7);
  assert.deepEqual(Array.from(ranked), [1, 0, 2, 3, 4, 5, 6]);
  // Class 4 is 5th (in the top 5), class 5 is 6th (not).
  assert.deepEqual(weightedKnnAccuracy(neighbors, labels, [4], { numClasses: 7 }), { top1: 0, top5: 1 });
  assert.deepEqual(weightedKnnAccuracy(neighbors, labels, [5], { numClasses: 7 }), { top1: 0, top5: 0 });
  tf.dispose([references, query]);
});

test('k larger than a class, lone labels, and averages over several queries', async () => {
  // Class 0 has one member (a lone label); k = 5 > every class size and = n.
  const references = circle([0, 90, 100, 180, 190]);
  const labels = [0, 1, 1, 2, 2];
  const queries = circle([0, 95, 185, 45]);
  const neighbors = await knnSearch(queries, references, { k: 5 });
  assert.equal(neighbors.k, 5);
  // With all 5 voting at σ = 0.1 the nearby pair of each class dominates:
  // query 0° (class 0): class 0 scores e^10 vs class 1 e^0+e^{-1.7}: class 0 wins.
  // query 45° (labelled 1): s(0°) = s(90°) = cos 45°, s(100°) = cos 55° → class 1 has the larger sum.
  const { top1 } = weightedKnnAccuracy(neighbors, labels, [0, 1, 2, 1]);
  assert.equal(top1, 1);
  // 1-NN: query 45° is equally near 0° (class 0) and 90° (class 1); the lower index, 0°, wins.
  assert.equal(nearestNeighborAccuracy(neighbors, labels, [0, 1, 2, 1]), 0.75);
  tf.dispose([references, queries]);
});

test('bad input errors name the function and the argument', async () => {
  const neighbors = await toyNeighbors(2);
  assert.throws(() => weightedKnnAccuracy(neighbors, toyLabels, [0, 1]), /weightedKnnAccuracy: 'queryLabels' must have one label per row \(1\), got 2/);
  assert.throws(() => weightedKnnAccuracy(neighbors, toyLabels, [0], { k: 3 }), /weightedKnnAccuracy: 'k' \(3\) must be ≤ the neighbours searched \(2\)/);
  assert.throws(() => weightedKnnAccuracy(neighbors, toyLabels, [0], { temperature: 0 }), /weightedKnnAccuracy: 'temperature' must be a positive finite number, got 0/);
  assert.throws(() => weightedKnnLogScores(neighbors, [0, 1.5, 1, 2]), /weightedKnnLogScores: 'referenceLabels' must hold non-negative integer class ids, got 1.5 at index 1/);
  assert.throws(() => weightedKnnLogScores(neighbors, [0, 5, 1, 2], { numClasses: 3 }), /weightedKnnLogScores: label 5 is ≥ 'numClasses' \(3\)/);
  assert.throws(() => nearestNeighborAccuracy({} as never, toyLabels, [0]), /nearestNeighborAccuracy: 'neighbors' must be a result of knnSearch/);
  assert.throws(() => nearestNeighborAccuracy(neighbors, [], [0]), /nearestNeighborAccuracy: 'referenceLabels' has 0 labels but a neighbour index is 0/);
  assert.throws(() => rankClasses([1, 2, 3], 2, 1), /rankClasses: 'scores' length 3 is not a multiple of numClasses = 2/);
});

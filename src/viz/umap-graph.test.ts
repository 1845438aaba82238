import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { UMAP } from 'umap-js';
import { bruteForceKnn, gaussianClusters } from './sample-data';
import { umapEdges } from './umap-graph';

/** The edge list umap-js itself builds in initializeFit from the same precomputed kNN. */
function umapJsEdges(rows: number[][], knn: { indices: number[][]; distances: number[][] }, nEpochs: number) {
  const umap = new UMAP({ nNeighbors: knn.indices[0].length, nEpochs, random: () => 0.5 });
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  umap.initializeFit(rows);
  return (umap as unknown as { optimizationState: { head: number[]; tail: number[]; epochsPerSample: number[] } }).optimizationState;
}

test('umapEdges gives exactly the edge list of umap-js initializeFit (same order, weights, schedule)', () => {
  const { rows } = gaussianClusters(3, 40, 6, 7, 3);
  for (const [k, nEpochs] of [[15, 200], [5, 50]]) {
    const knn = bruteForceKnn(rows, k);
    const expected = umapJsEdges(rows, knn, nEpochs);
    const edges = umapEdges(
      { numPoints: rows.length, k, indices: Int32Array.from(knn.indices.flat()), distances: Float64Array.from(knn.distances.flat()) },
      nEpochs,
    );
    assert.ok(edges.head.length > rows.length, 'the graph has edges');
    assert.deepEqual(Array.from(edges.head), expected.head);
    assert.deepEqual(Array.from(edges.tail), expected.tail);
    assert.deepEqual(Array.from(edges.epochsPerSample), expected.epochsPerSample);
  }
});

test('umapEdges: symmetric fuzzy union, no self loops, strongest edge sampled every epoch', () => {
  // 4 points on a line: 0 —1— 1 —1— 2 ———5——— 3, k = 3 (self + 2).
  const positions = [0, 1, 2, 7];
  const knn = bruteForceKnn(positions.map((p) => [p]), 3);
  const edges = umapEdges(
    { numPoints: 4, k: 3, indices: Int32Array.from(knn.indices.flat()), distances: Float32Array.from(knn.distances.flat()) },
    10,
  );
  const pairs = new Set(Array.from(edges.head, (h, e) => `${edges.tail[e]}-${h}`));
  for (const pair of pairs) {
    const [a, b] = pair.split('-');
    assert.notEqual(a, b, 'no self loop');
    assert.ok(pairs.has(`${b}-${a}`), `edge ${pair} has its reverse`);
  }
  assert.equal(Math.min(...edges.epochsPerSample), 1);
  // Each point's nearest neighbour (distance = rho) has membership 1, so w = 1 + w' − w' = 1: 0–1 is strongest.
  const e01 = Array.from(edges.head).findIndex((h, e) => h === 1 && edges.tail[e] === 0);
  assert.equal(edges.epochsPerSample[e01], 1);
});

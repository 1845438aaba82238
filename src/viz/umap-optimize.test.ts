import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { UMAP } from 'umap-js';
import { expectClose } from '../runtime/assertions';
import { bruteForceKnn, gaussianClusters } from './sample-data';
import { umapEdges } from './umap-graph';
import { optimizeUmapLayout } from './umap-optimize';

function stream(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

test('optimizeUmapLayout follows umap-js step() from the same start, edges and random stream', () => {
  const { rows } = gaussianClusters(3, 30, 5, 3, 4);
  const nEpochs = 40;
  const knn = bruteForceKnn(rows, 10);
  const umap = new UMAP({ nNeighbors: 10, nEpochs, random: stream(11) });
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  umap.initializeFit(rows); // draws the random start from stream(11)
  const start = new Float64Array(rows.length * 2);
  umap.getEmbedding().forEach((p, i) => {
    start[2 * i] = p[0];
    start[2 * i + 1] = p[1];
  });
  const edges = umapEdges(
    { numPoints: rows.length, k: 10, indices: Int32Array.from(knn.indices.flat()), distances: Float64Array.from(knn.distances.flat()) },
    nEpochs,
  );
  const ours = stream(11);
  for (let i = 0; i < rows.length * 2; i++) ours(); // the draws umap-js spent on its start
  // The first epochs agree to rounding (exp·ln instead of Math.pow); later the dynamics amplify
  // rounding differences (the attraction grows like d^(2b−2) as points meet), as with any float change.
  const epochsToCompare = 5;
  for (let e = 0; e < epochsToCompare; e++) umap.step();
  const done = optimizeUmapLayout(start, edges, {
    nEpochs,
    minDist: 0.1,
    spread: 1,
    negativeSampleRate: 5,
    learningRate: 1,
    repulsionStrength: 1,
    random: ours,
    onEpoch: (epochs) => epochs < epochsToCompare,
  });
  assert.equal(done, epochsToCompare);
  expectClose(start, umap.getEmbedding().flat(), { atol: 1e-8, rtol: 1e-8 }, 'positions after 5 epochs');
});

test('optimizeUmapLayout checks the embedding length', () => {
  const edges = { numPoints: 3, head: new Int32Array(0), tail: new Int32Array(0), epochsPerSample: new Float64Array(0) };
  assert.throws(
    () => optimizeUmapLayout(new Float64Array(4), edges, { nEpochs: 1, minDist: 0.1, spread: 1, negativeSampleRate: 5, learningRate: 1, repulsionStrength: 1, random: Math.random }),
    /optimizeUmapLayout: 'embedding' must hold 3 × 2 values, got 4/,
  );
});

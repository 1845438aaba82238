import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { forEachKnnChunk, knnDistances, knnRows, knnSearch } from './knn-search';

// Importing the wasm backend makes it the default; the tests run on cpu unless they say otherwise.
before(async () => {
  await tf.setBackend('cpu');
});

/** Unit vectors at the given angles (degrees). */
function circle(degrees: number[]): tf.Tensor2D {
  return tf.tensor2d(degrees.map((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]));
}

/** Brute-force reference in float64: cosine similarities sorted descending, ties by index. */
function bruteForce(queries: number[][], references: number[][], k: number, excludeSelf = false) {
  const norm = (v: number[]) => Math.max(1e-12, Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
  return queries.map((q, i) => {
    const scored = references
      .map((r, j) => ({ j, s: q.reduce((sum, x, d) => sum + x * r[d], 0) / (norm(q) * norm(r)) }))
      .filter(({ j }) => !(excludeSelf && j === i));
    scored.sort((a, b) => b.s - a.s || a.j - b.j);
    return scored.slice(0, k);
  });
}

test('finds the hand-derived neighbours on the unit circle, nearest first', async () => {
  const references = circle([0, 90, 180, 270, 45]);
  const queries = circle([10, 200]);
  const result = await knnSearch(queries, references, { k: 3 });
  assert.equal(result.k, 3);
  assert.equal(result.numQueries, 2);
  // 10° is 10° from ref 0, 35° from ref 4 (45°), 80° from ref 1 (90°).
  assert.deepEqual(Array.from(result.indices.slice(0, 3)), [0, 4, 1]);
  expectClose(result.similarities.slice(0, 3), [10, 35, 80].map((d) => Math.cos((d * Math.PI) / 180)), { atol: 1e-6 });
  // 200° is 20° from 180°, 70° from 270°, 155° from 45° (vs 160° from 0°, 110° from 90°).
  assert.deepEqual(Array.from(result.indices.slice(3, 6)), [2, 3, 1]);
  expectClose(result.similarities.slice(3, 6), [20, 70, 110].map((d) => Math.cos((d * Math.PI) / 180)), { atol: 1e-6 });
  tf.dispose([references, queries]);
});

test("cosine normalises inside: scaling rows changes nothing; 'dot' does not normalise", async () => {
  const references = tf.tensor2d([[1, 0], [0, 3], [-2, 0]]);
  const queries = tf.tensor2d([[0.1, 0.2]]);
  const cosine = await knnSearch(queries, references, { k: 3 });
  assert.deepEqual(Array.from(cosine.indices), [1, 0, 2]);
  expectClose(cosine.similarities, [2 / Math.sqrt(5), 1 / Math.sqrt(5), -1 / Math.sqrt(5)], { atol: 1e-6 });
  const dot = await knnSearch(queries, references, { k: 3, metric: 'dot' });
  assert.deepEqual(Array.from(dot.indices), [1, 0, 2]);
  expectClose(dot.similarities, [0.6, 0.1, -0.2], { atol: 1e-6 });
  tf.dispose([references, queries]);
});

test('a zero row has similarity 0 to everything instead of NaN', async () => {
  const references = tf.tensor2d([[1, 0], [0, 0]]);
  const queries = tf.tensor2d([[0, 0], [-1, 0]]);
  const result = await knnSearch(queries, references, { k: 2 });
  assert.deepEqual(Array.from(result.similarities), [0, 0, 0, -1]);
  assert.deepEqual(Array.from(result.indices), [0, 1, 1, 0]);
  tf.dispose([references, queries]);
});

test('ties are broken by the lower reference index', async () => {
  // References 1, 2 and 4 are the same direction; 0 and 3 are equally far.
  const references = tf.tensor2d([[0, 1], [1, 0], [2, 0], [0, -1], [3, 0]]);
  const queries = tf.tensor2d([[1, 0]]);
  const result = await knnSearch(queries, references, { k: 5 });
  assert.deepEqual(Array.from(result.indices), [1, 2, 4, 0, 3]);
  assert.deepEqual(Array.from(result.similarities), [1, 1, 1, 0, 0]);
  tf.dispose([references, queries]);
});

test('k larger than the number of references is clamped to it', async () => {
  const references = circle([0, 90, 180]);
  const queries = circle([80]);
  const result = await knnSearch(queries, references, { k: 200 });
  assert.equal(result.k, 3);
  assert.deepEqual(Array.from(result.indices), [1, 0, 2]);
  const leaveOneOut = await knnSearch(references, references, { k: 200, excludeSelf: true });
  assert.equal(leaveOneOut.k, 2);
  tf.dispose([references, queries]);
});

test('excludeSelf drops the query itself but keeps an identical other row', async () => {
  // Rows 0 and 2 are identical; row 1 at 90°, row 3 at 30°.
  const points = circle([0, 90, 0, 30]);
  const result = await knnSearch(points, points, { k: 2, excludeSelf: true });
  assert.deepEqual(knnRows(result.indices, result.k), [
    [2, 3],
    [3, 0],
    [0, 3],
    [0, 2],
  ]);
  // Without exclusion, row 0's first neighbour is itself (tie with row 2, lower index first).
  const withSelf = await knnSearch(points, points, { k: 2 });
  assert.deepEqual(Array.from(withSelf.indices.slice(0, 2)), [0, 2]);
  tf.dispose(points);
});

test('matches a float64 brute force on random data for every chunk size, with and without excludeSelf', async () => {
  const rng = new Rng(11);
  const n = 37;
  const data = Array.from({ length: n }, () => Array.from({ length: 5 }, () => rng.normal()));
  const queryData = data.slice(0, 13);
  const references = tf.tensor2d(data);
  const queries = tf.tensor2d(queryData);
  const expected = bruteForce(queryData, data, 6);
  const expectedLoo = bruteForce(data, data, 6, true);
  const expectedL2 = queryData.map((q) =>
    data
      .map((r, j) => ({ j, d2: r.reduce((sum, x, d) => sum + (x - q[d]) ** 2, 0) }))
      .sort((a, b) => a.d2 - b.d2 || a.j - b.j)
      .slice(0, 6),
  );
  for (const chunkSize of [1, 4, 13, 100, undefined]) {
    const result = await knnSearch(queries, references, { k: 6, chunkSize });
    assert.deepEqual(knnRows(result.indices, 6), expected.map((row) => row.map(({ j }) => j)), `chunkSize ${chunkSize}`);
    expectClose(result.similarities, expected.map((row) => row.map(({ s }) => s)), { atol: 2e-6 }, `chunkSize ${chunkSize}`);
    const loo = await knnSearch(references, references, { k: 6, chunkSize, excludeSelf: true });
    assert.deepEqual(knnRows(loo.indices, 6), expectedLoo.map((row) => row.map(({ j }) => j)), `loo chunkSize ${chunkSize}`);
    const euclidean = await knnSearch(queries, references, { k: 6, chunkSize, metric: 'euclidean' });
    assert.deepEqual(knnRows(euclidean.indices, 6), expectedL2.map((row) => row.map(({ j }) => j)), `euclidean chunkSize ${chunkSize}`);
    expectClose(euclidean.similarities, expectedL2.map((row) => row.map(({ d2 }) => -d2)), { atol: 2e-5, rtol: 1e-5 }, `euclidean chunkSize ${chunkSize}`);
  }
  tf.dispose([references, queries]);
});

test("'euclidean' returns −squared distances; knnDistances turns them into distances", async () => {
  const references = tf.tensor2d([[0, 0], [3, 4], [1, 1]]);
  const queries = tf.tensor2d([[3, 0]]);
  const result = await knnSearch(queries, references, { k: 3, metric: 'euclidean' });
  // Squared distances: to (0,0) 9, to (3,4) 16, to (1,1) 4 + 1 = 5.
  assert.deepEqual(Array.from(result.indices), [2, 0, 1]);
  expectClose(result.similarities, [-5, -9, -16], { atol: 1e-5 });
  expectClose(knnDistances(result), [Math.sqrt(5), 3, 4], { atol: 1e-5 });
  const cosine = await knnSearch(queries, references, { k: 2 });
  // Cosine to (1,1) is 1/√2, to (3,4) 3/5, to the zero row 0.
  expectClose(knnDistances(cosine), [1 - 1 / Math.sqrt(2), 1 - 3 / 5], { atol: 1e-6 });
  const dot = await knnSearch(queries, references, { k: 1, metric: 'dot' });
  assert.throws(() => knnDistances(dot), /knnDistances: 'result' used the 'dot' metric/);
  tf.dispose([references, queries]);
});

test('forEachKnnChunk streams chunks in order and reports progress', async () => {
  const points = circle([0, 10, 20, 30, 40]);
  const starts: number[] = [];
  const progress: number[] = [];
  const k = await forEachKnnChunk(points, points, { k: 1, chunkSize: 2, onProgress: (done) => progress.push(done) }, (chunk) => {
    starts.push(chunk.start);
    assert.equal(chunk.indices.length, chunk.count * chunk.k);
  });
  assert.equal(k, 1);
  assert.deepEqual(starts, [0, 2, 4]);
  assert.deepEqual(progress, [2, 4, 5]);
  tf.dispose(points);
});

test('leaves no tensors behind (also when it throws)', async () => {
  const references = circle([0, 90, 180, 270]);
  const queries = circle([10, 100, 190]);
  const before = tf.memory().numTensors;
  for (const metric of ['cosine', 'dot', 'euclidean'] as const) {
    await knnSearch(queries, references, { k: 2, metric, chunkSize: 2 });
  }
  await knnSearch(references, references, { k: 2, excludeSelf: true });
  await assert.rejects(
    forEachKnnChunk(queries, references, { k: 2, chunkSize: 1 }, () => {
      throw new Error('visitor failed');
    }),
    /visitor failed/,
  );
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([references, queries]);
});

test('bad input errors name the function and the argument', async () => {
  const a = tf.tensor2d([[1, 0], [0, 1]]);
  const b = tf.tensor2d([[1, 0, 0]]);
  const v = tf.tensor1d([1, 2]);
  await assert.rejects(knnSearch(b, a, { k: 1 }), /knnSearch: 'queries' must be \[rows, 2\] like 'references', got \[1,3\]/);
  await assert.rejects(knnSearch(v as unknown as tf.Tensor2D, a, { k: 1 }), /knnSearch: 'queries' must be a non-empty 2-D tensor/);
  await assert.rejects(knnSearch(a, a, { k: 0 }), /knnSearch: 'k' must be an integer ≥ 1, got 0/);
  await assert.rejects(knnSearch(a, a, { k: 1, chunkSize: 1.5 }), /knnSearch: 'chunkSize' must be an integer ≥ 1, got 1.5/);
  await assert.rejects(knnSearch(a, a, { k: 1, metric: 'l1' as 'cosine' }), /knnSearch: 'metric' must be one of cosine, dot, euclidean; got 'l1'/);
  await assert.rejects(knnSearch(a.slice(0, 1), a, { k: 1, excludeSelf: true }), /knnSearch: 'excludeSelf' needs query i to be reference i/);
  const nan = tf.tensor2d([[NaN, 0]]);
  await assert.rejects(knnSearch(nan, a, { k: 1 }), /knnSearch: 'queries' holds NaN or Infinity/);
  assert.throws(() => knnRows([1, 2, 3], 2), /knnRows: 'values' length 3 is not a multiple of k = 2/);
  tf.dispose([a, b, v, nan]);
});

test('wasm and cpu backends give the same neighbours', async () => {
  const rng = new Rng(5);
  const data = Array.from({ length: 300 }, () => Array.from({ length: 16 }, () => rng.normal()));
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const x = tf.tensor2d(data);
    const result = await knnSearch(x.slice(0, 50), x, { k: 10, excludeSelf: false, chunkSize: 16 });
    x.dispose();
    return result;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  await tf.setBackend('cpu');
  assert.deepEqual(Array.from(wasm.indices), Array.from(cpu.indices));
  expectClose(wasm.similarities, cpu.similarities, { atol: 1e-5 });
});

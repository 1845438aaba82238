import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { runOn } from '../../testing/compare-backends';

/** Values on a coarse grid (many ties) or continuous, from a fixed seed. */
function values(seed: number, count: number, levels: number | null): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    const u = state / 2147483648;
    return levels === null ? u * 2 - 1 : Math.floor(u * levels) / levels;
  });
}

const CASES: Array<{ shape: number[]; k: number; levels: number | null }> = [
  { shape: [5, 6400], k: 200, levels: null }, // the sampled threshold (columns ≥ 32 k)
  { shape: [4, 7000], k: 200, levels: 50 }, // ... with many ties at the threshold
  { shape: [3, 2, 500], k: 7, levels: 9 }, // rank 3, the sampled threshold, heavy ties
  { shape: [6, 300], k: 40, levels: null }, // no sample (columns < 32 k)
  { shape: [2, 9], k: 9, levels: 3 }, // k = columns
  { shape: [17], k: 1, levels: 4 }, // one row
];

for (const { shape, k, levels } of CASES) {
  test(`topk of [${shape}] (k ${k}${levels === null ? '' : `, ${levels} levels`}): wasm = cpu, ties by the lower index`, async () => {
    const count = shape.reduce((product, size) => product * size, 1);
    const data = values(shape.length * 1000 + k, count, levels);
    const compute = () => {
      const { values: top, indices } = tf.topk(tf.tensor(data, shape), k, true);
      return [top, indices];
    };
    const [cpuValues, cpuIndices] = await runOn('cpu', compute);
    const [wasmValues, wasmIndices] = await runOn('wasm', compute);
    assert.deepEqual(Array.from(wasmIndices), Array.from(cpuIndices));
    assert.deepEqual(Array.from(wasmValues), Array.from(cpuValues));
  });
}

test('topk on wasm puts NaN last (lower index first); int32 input keeps the shipped kernel', async () => {
  const [top, indices] = await runOn('wasm', () => {
    const result = tf.topk(tf.tensor2d([[NaN, 3, NaN, 1]], [1, 4]), 4);
    return [result.values, result.indices];
  });
  assert.deepEqual(Array.from(indices), [1, 3, 0, 2]);
  assert.deepEqual(Array.from(top).slice(0, 2), [3, 1]);
  assert.ok(Number.isNaN(top[2]) && Number.isNaN(top[3]));
  const [intIndices] = await runOn('wasm', () => [tf.topk(tf.tensor1d([4, 9, 1], 'int32'), 2).indices]);
  assert.deepEqual(Array.from(intIndices), [1, 0]);
});

test('topk on wasm leaks no tensors', async () => {
  await runOn('wasm', () => tf.zeros([1]));
  const input = tf.tensor2d(values(5, 4 * 6400, null), [4, 6400]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) tf.dispose(Object.values(tf.topk(input, 200)));
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
});

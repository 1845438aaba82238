import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { epochIndexBatches, shuffledIndexBatches } from './batches';
import { Rng } from '../data/random';

test('shuffledIndexBatches: a permutation cut into batches; dropLast; in-order option', () => {
  const batches = shuffledIndexBatches(10, 3, new Rng(1));
  assert.deepEqual(batches.map((b) => b.length), [3, 3, 3]);
  const seen = new Set(batches.flatMap((b) => Array.from(b)));
  assert.equal(seen.size, 9, 'no index twice within an epoch');
  const all = shuffledIndexBatches(10, 3, new Rng(1), { dropLast: false });
  assert.deepEqual(all.map((b) => b.length), [3, 3, 3, 1]);
  assert.deepEqual(Array.from(all.flatMap((b) => Array.from(b))).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(shuffledIndexBatches(5, 2, new Rng(1), { shuffle: false }).map((b) => Array.from(b)), [[0, 1], [2, 3]]);
  assert.throws(() => shuffledIndexBatches(4, 8, new Rng(1)), /'batchSize' \(8\) is larger than the data set \(4\)/);
});

test('epochIndexBatches: the same epoch gives the same order; epochs differ', () => {
  const source = epochIndexBatches(20, 5, new Rng(3));
  assert.deepEqual(source(2), source(2));
  assert.notDeepEqual(source(0), source(1));
});

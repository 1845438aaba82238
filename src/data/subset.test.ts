import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../runtime/random';
import { indicesByClass, stratifiedIndices } from './subset';

const LABELS = Uint8Array.from({ length: 100 }, (_, i) => (i * 7) % 4); // 25 of each class 0..3

test('indicesByClass lists each class in dataset order', () => {
  const byClass = indicesByClass([2, 0, 2, 1, 0]);
  assert.deepEqual(byClass.map((a) => Array.from(a)), [[1, 4], [3], [0, 2]]);
  assert.deepEqual(indicesByClass([0], 3).map((a) => a.length), [1, 0, 0]);
  assert.throws(() => indicesByClass([0, 5], 3), /'labels\[1\]' is 5, expected an integer in \[0, 3\)/);
});

test('stratifiedIndices takes perClass of every class, ascending, without repeats', () => {
  const chosen = stratifiedIndices(LABELS, 10, new Rng(1));
  assert.equal(chosen.length, 40);
  assert.equal(new Set(chosen).size, 40);
  for (let i = 1; i < chosen.length; i++) assert.ok(chosen[i] > chosen[i - 1]);
  const perClass = [0, 0, 0, 0];
  chosen.forEach((index) => perClass[LABELS[index]]++);
  assert.deepEqual(perClass, [10, 10, 10, 10]);
});

test('stratifiedIndices is deterministic per seed and differs across seeds', () => {
  assert.deepEqual(stratifiedIndices(LABELS, 5, new Rng(3)), stratifiedIndices(LABELS, 5, new Rng(3)));
  assert.notDeepEqual(stratifiedIndices(LABELS, 5, new Rng(3)), stratifiedIndices(LABELS, 5, new Rng(4)));
  assert.throws(() => stratifiedIndices(LABELS, 26, new Rng(1)), /class 0 has 25 examples, fewer than 'perClass' = 26/);
  assert.throws(() => stratifiedIndices(LABELS, 0, new Rng(1)), /'perClass' must be a positive integer/);
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mean, movingAverage } from './series';

test('mean of plain and typed arrays', () => {
  assert.equal(mean([1, 2, 6]), 3);
  assert.equal(mean(Int32Array.from([4])), 4);
  assert.equal(mean(Float32Array.from([0.5, 1.5])), 1);
});

test('movingAverage is the trailing mean over the window, as long as the input', () => {
  assert.deepEqual(movingAverage([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5]);
  assert.deepEqual(movingAverage([1, 2, 3], 1), [1, 2, 3]);
  assert.deepEqual(movingAverage([2, 4, 6], 10), [2, 3, 4], 'a window longer than the series averages what is there');
  assert.deepEqual(movingAverage([], 3), []);
  // The same as the mean of each trailing slice (the notebooks' former `smooth`).
  const values = [0.3, 0.1, 0.7, 0.2, 0.9, 0.4, 0.8];
  const bySlices = values.map((_, i) => mean(values.slice(Math.max(0, i - 3 + 1), i + 1)));
  movingAverage(values, 3).forEach((v, i) => assert.ok(Math.abs(v - bySlices[i]) < 1e-12, `entry ${i}`));
});

test('mean and movingAverage name the argument that is wrong', () => {
  assert.throws(() => mean([]), /mean: 'values' must hold at least one number, got none/);
  assert.throws(() => mean('12' as unknown as number[]), /mean: 'values' must be an array of numbers/);
  assert.throws(() => movingAverage([1, 2], 0), /movingAverage: 'window' must be an integer ≥ 1, got 0/);
  assert.throws(() => movingAverage([1, 'a'] as unknown as number[], 2), /movingAverage: 'values' must be an array of numbers/);
});

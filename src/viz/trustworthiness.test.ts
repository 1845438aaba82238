import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { trustworthiness } from './trustworthiness';

const column = (values: number[]) => values.map((v) => [v]);

test('trustworthiness of a hand-checked 1-D case: swapping the two end points gives 1 − 10/24', () => {
  // Original positions with distinct distances (no ties). The view swaps points 0 and 5.
  const original = column([0, 1, 3, 7, 15, 31]);
  const view = column([31, 1, 3, 7, 15, 0]);
  // k = 1: intruders are 4 for point 0 (original rank 4 → 3), 5 for point 1 (rank 5 → 4), 1 for point 5 (rank 4 → 3).
  // T = 1 − 2/(n k (2n − 3k − 1)) · 10 = 1 − 2/48 · 10.
  expectClose(trustworthiness(original, view, { k: 1 }), 1 - 10 / 24, { atol: 1e-12 });
  expectClose(trustworthiness(original, original, { k: 2 }), 1, { atol: 0 });
});

test('trustworthiness matches an independent full-sort reference on random data; sampling estimates it', () => {
  const rng = new Rng(4);
  const original = Array.from({ length: 60 }, () => [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  const view = original.map((r) => [r[0] + 0.5 * rng.normal(), r[1] + 0.5 * rng.normal()]);
  const k = 5;
  const n = original.length;
  const order = (rows: number[][], i: number) =>
    rows
      .map((r, j) => ({ j, d: r.reduce((s, x, t) => s + (x - rows[i][t]) ** 2, 0) }))
      .filter(({ j }) => j !== i)
      .sort((a, b) => a.d - b.d || a.j - b.j)
      .map(({ j }) => j);
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const high = order(original, i);
    for (const j of order(view, i).slice(0, k)) {
      const rank = high.indexOf(j) + 1;
      if (rank > k) penalty += rank - k;
    }
  }
  const expected = 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
  expectClose(trustworthiness(original, view, { k }), expected, { atol: 1e-12 });
  const sampled = trustworthiness(original, view, { k, sampleSize: 30 });
  assert.ok(Math.abs(sampled - expected) < 0.05, `sampled ${sampled} vs exact ${expected}`);
});

test('trustworthiness checks k and shapes', () => {
  const rows = column([0, 1, 2, 3]);
  assert.throws(() => trustworthiness(rows, rows, { k: 2 }), /trustworthiness: 'k' must be < numPoints \/ 2 = 2, got 2/);
  assert.throws(() => trustworthiness(rows, column([0, 1, 2]), { k: 1 }), /trustworthiness: 'view' must have one row per point of 'original' \(4\), got 3/);
  assert.throws(() => trustworthiness(rows, rows, { k: 1, sampleSize: 9 }), /trustworthiness: 'sampleSize' must be an integer in \[1, 4\], got 9/);
});

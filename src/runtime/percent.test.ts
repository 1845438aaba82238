import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { pct } from './percent';

test('pct shows a fraction as a percentage with two decimals by default', () => {
  assert.equal(pct(0.8262), '82.62 %');
  assert.equal(pct(0), '0.00 %');
  assert.equal(pct(1), '100.00 %');
  // The same string the notebooks built by hand: `${(100 * x).toFixed(2)} %`.
  for (const x of [0.88385, 0.1, 2 / 3, 0.90005]) assert.equal(pct(x), `${(100 * x).toFixed(2)} %`);
});

test('pct takes the number of decimals', () => {
  assert.equal(pct(1 / 60000, 3), '0.002 %');
  assert.equal(pct(0.8262, 0), '83 %');
  assert.equal(pct(0.5, 1), '50.0 %');
});

test('pct names the argument that is wrong', () => {
  assert.throws(() => pct(NaN), /pct: 'fraction' must be a finite number, got NaN/);
  assert.throws(() => pct(Infinity), /pct: 'fraction' must be a finite number, got Infinity/);
  assert.throws(() => pct('0.5' as unknown as number), /pct: 'fraction' must be a finite number, got "0.5"/);
  assert.throws(() => pct(0.5, 1.5), /pct: 'digits' must be an integer in \[0, 20\], got 1.5/);
  assert.throws(() => pct(0.5, -1), /pct: 'digits' must be an integer in \[0, 20\], got -1/);
});

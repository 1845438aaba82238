import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  requireInteger,
  requireNonNegative,
  requireNonNegativeInteger,
  requirePositive,
  requirePositiveFinite,
  requirePositiveInteger,
  requirePositiveIntegers,
} from './numbers';

test('requireInteger returns the value and names the function, the argument and the range', () => {
  assert.equal(requireInteger('f', 'k', 3, 1), 3);
  assert.equal(requireInteger('f', 'k', 5, 1, 5), 5);
  assert.throws(() => requireInteger('knnSearch', 'k', 0, 1), /^Error: knnSearch: 'k' must be an integer ≥ 1, got 0$/);
  assert.throws(() => requireInteger('f', 'k', 2.5, 1), /f: 'k' must be an integer ≥ 1, got 2\.5/);
  assert.throws(() => requireInteger('f', 'k', 9, 1, 5), /f: 'k' must be an integer in \[1, 5\], got 9/);
  assert.throws(() => requireInteger('f', 'k', '3', 1), /f: 'k' must be an integer ≥ 1, got "3"/);
  assert.throws(() => requireInteger('f', 'k', undefined, 0), /f: 'k' must be an integer ≥ 0, got undefined/);
});

test('positive and non-negative integers', () => {
  assert.equal(requirePositiveInteger('f', 'batchSize', 1), 1);
  assert.throws(() => requirePositiveInteger('f', 'batchSize', 0), /f: 'batchSize' must be a positive integer, got 0/);
  assert.throws(() => requirePositiveInteger('f', 'batchSize', NaN), /f: 'batchSize' must be a positive integer, got NaN/);
  assert.equal(requireNonNegativeInteger('f', 'epoch', 0), 0);
  assert.throws(() => requireNonNegativeInteger('f', 'epoch', -1), /f: 'epoch' must be a non-negative integer, got -1/);
  assert.deepEqual(requirePositiveIntegers('f', 'hiddenUnits', [4, 2]), [4, 2]);
  assert.throws(() => requirePositiveIntegers('f', 'hiddenUnits', [4, 0]), /f: 'hiddenUnits' must be an array of positive integers, got \[4,0\]/);
  assert.throws(() => requirePositiveIntegers('f', 'hiddenUnits', 4), /f: 'hiddenUnits' must be an array of positive integers, got 4/);
});

test('finite numbers: > 0 (two wordings) and ≥ 0', () => {
  assert.equal(requirePositive('f', 'margin', 0.2), 0.2);
  assert.throws(() => requirePositive('f', 'margin', 0), /f: 'margin' must be a finite number > 0, got 0/);
  assert.throws(() => requirePositive('f', 'margin', Infinity), /f: 'margin' must be a finite number > 0, got Infinity/);
  assert.throws(() => requirePositive('f', 'margin', '1'), /f: 'margin' must be a finite number > 0, got "1"/);
  assert.equal(requirePositiveFinite('f', 't', 2), 2);
  assert.throws(() => requirePositiveFinite('f', 't', Infinity), /f: 't' must be a positive finite number, got Infinity/);
  assert.throws(() => requirePositiveFinite('f', 't', NaN), /f: 't' must be a positive finite number, got NaN/);
  assert.equal(requireNonNegative('f', 'l2Reg', 0), 0);
  assert.throws(() => requireNonNegative('f', 'l2Reg', -1), /f: 'l2Reg' must be a finite number ≥ 0, got -1/);
});

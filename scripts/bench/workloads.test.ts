import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { tf } from 'contrastive-kit';
import { matmulPeak, median } from './workloads';

test('matmulPeak times a square product and names its shape (the bench uses 1024³)', async () => {
  await tf.setBackend('cpu');
  const peak = matmulPeak(3, 32);
  assert.equal(peak.shape, '32x32·32x32');
  assert.ok(peak.gflops > 0 && Number.isFinite(peak.gflops), `gflops ${peak.gflops}`);
  assert.ok(peak.cpuGflops > 0, `cpuGflops ${peak.cpuGflops}`);
  assert.equal(matmulPeak.length, 0, 'both arguments have defaults');
  assert.throws(() => matmulPeak(0), /matmulPeak: 'repeats' must be a positive integer, got 0/);
  assert.throws(() => matmulPeak(3, 1.5), /matmulPeak: 'size' must be a positive integer, got 1.5/);
});

test('median of odd and even counts', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

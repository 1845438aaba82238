import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { blobCentres, toyBlobs, toyPointsTensor, toyRings, toySpirals } from './toy';
import { expectClose } from '../runtime/assertions';

test('every set has the asked counts, grouped labels and finite points, in 2-D and 3-D', () => {
  for (const make of [toySpirals, toyRings, toyBlobs]) {
    for (const dim of [2, 3] as const) {
      const data = make({ numClasses: 4, pointsPerClass: 25, dim, rng: new Rng(1) });
      assert.equal(data.count, 100);
      assert.equal(data.points.length, 100 * dim);
      assert.deepEqual(Array.from(data.labels.subarray(24, 27)), [0, 1, 1]);
      assert.ok(data.points.every(Number.isFinite));
    }
  }
});

test('same seed → same points; another seed → other points', () => {
  assert.deepEqual(toySpirals({ rng: new Rng(3) }), toySpirals({ rng: new Rng(3) }));
  assert.notDeepEqual(toySpirals({ rng: new Rng(3) }).points, toySpirals({ rng: new Rng(4) }).points);
});

test('without noise, rings lie exactly at radius (c + 1) / numClasses, in 2-D and 3-D', () => {
  for (const dim of [2, 3] as const) {
    const data = toyRings({ numClasses: 3, pointsPerClass: 20, noise: 0, dim, rng: new Rng(5) });
    for (let i = 0; i < data.count; i++) {
      const norm = Math.hypot(...data.points.subarray(i * dim, (i + 1) * dim));
      expectClose(norm, (data.labels[i] + 1) / 3, { atol: 1e-6 }, `point ${i}`);
    }
  }
});

test('without noise, spirals follow r = t and the class angle offset', () => {
  const data = toySpirals({ numClasses: 2, pointsPerClass: 11, noise: 0, rng: new Rng(1) });
  // Class 1, first point: t = 0.05, angle = π + 0.175.
  const [x, y] = data.points.subarray(11 * 2, 11 * 2 + 2);
  expectClose([x, y], [0.05 * Math.cos(Math.PI + 0.175), 0.05 * Math.sin(Math.PI + 0.175)], { atol: 1e-6 }, 'first point');
  const [xe, ye] = data.points.subarray(10 * 2, 10 * 2 + 2);
  expectClose(Math.hypot(xe, ye), 1, { atol: 1e-6 }, 'last point of class 0 at r = 1');
});

test('blob means sit near their unit-norm centres', () => {
  for (const dim of [2, 3] as const) {
    const data = toyBlobs({ numClasses: 5, pointsPerClass: 400, dim, rng: new Rng(7) });
    const centres = blobCentres(5, dim);
    for (let c = 0; c < 5; c++) {
      expectClose(Math.hypot(...centres[c]), 1, { atol: 1e-9 }, 'centre norm');
      const mean = new Array(dim).fill(0);
      for (let i = c * 400; i < (c + 1) * 400; i++) for (let d = 0; d < dim; d++) mean[d] += data.points[i * dim + d] / 400;
      expectClose(mean, centres[c], { atol: 0.03 }, `class ${c} mean`);
    }
  }
  assert.throws(() => toyBlobs({ dim: 4 as 2 }), /toyBlobs: 'dim' must be 2 or 3, got 4/);
  assert.throws(() => toyRings({ pointsPerClass: 0 }), /toyRings: 'pointsPerClass' must be a positive integer, got 0/);
});

test('toyPointsTensor has shape [count, dim]', () => {
  const data = toyBlobs({ numClasses: 2, pointsPerClass: 3, dim: 3, rng: new Rng(1) });
  const t = toyPointsTensor(data);
  assert.deepEqual(t.shape, [6, 3]);
  t.dispose();
});

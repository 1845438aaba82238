import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutNeighbourAgreement } from './layout-agreement';

const layout = (points: Array<[number, number]>) => ({
  numPoints: points.length,
  x: Float32Array.from(points.map((p) => p[0])),
  y: Float32Array.from(points.map((p) => p[1])),
});

test('two separated clusters agree fully; interleaved classes do not', () => {
  const clusters = layout([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]);
  assert.equal(layoutNeighbourAgreement(clusters, [0, 0, 0, 1, 1, 1]), 1);
  // On a line 0,1,2,3 with labels a b a b every nearest neighbour has the other class.
  assert.equal(layoutNeighbourAgreement(layout([[0, 0], [1, 0], [2, 0], [3, 0]]), [0, 1, 0, 1]), 0);
});

test('counts each point by its own nearest neighbour', () => {
  // Points 0 and 1 are each other's nearest (same class); point 2's nearest is 1 (other class).
  assert.equal(layoutNeighbourAgreement(layout([[0, 0], [1, 0], [3, 0]]), [5, 5, 7]), 2 / 3);
});

test('bad input names the argument', () => {
  assert.throws(() => layoutNeighbourAgreement(layout([[0, 0]]), [0]), /'layout' must have at least 2 points, got 1/);
  assert.throws(() => layoutNeighbourAgreement(layout([[0, 0], [1, 1]]), [0]), /'labels' must have one label per point \(2\), got 1/);
  assert.throws(() => layoutNeighbourAgreement(null as never, []), /'layout' must be a Layout2D/);
});

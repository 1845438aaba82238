import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { matMulTransposed, pairwiseDistances, pairwiseSquaredDistances, rowDots, rowSquaredDistances, safeSqrt, unitRows } from './distances';
import { gatherRows } from './gather';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('safeSqrt: the square root, 0 with a zero gradient at 0, 1/(2√x) elsewhere', () => {
  tf.tidy(() => {
    const x = tf.tensor1d([0, 4, 1e-14, 0.25]);
    expectClose(safeSqrt(x), [0, 2, 0, 0.5], { atol: 1e-7 }, 'values');
    expectClose(tf.grad((v: tf.Tensor) => tf.sum(safeSqrt(v)))(x), [0, 0.25, 0, 1], { atol: 1e-6 }, 'gradients');
  });
});

test('distances and products agree with direct formulas', () => {
  tf.tidy(() => {
    const a = t2([[0, 0], [1, 2], [3, -1]]);
    const b = t2([[1, 1], [0, 2]]);
    expectClose(pairwiseSquaredDistances(a, b), [[2, 4], [1, 1], [8, 18]], { atol: 1e-5 }, 'pairwise squared');
    expectClose(pairwiseDistances(a, b), [[Math.SQRT2, 2], [1, 1], [Math.sqrt(8), Math.sqrt(18)]], { atol: 1e-5 }, 'pairwise');
    expectClose(matMulTransposed(a, b), [[0, 0], [3, 4], [2, -2]], { atol: 0 }, 'a·bᵀ');
    expectClose(rowSquaredDistances(a.slice(0, 2), b), [2, 1], { atol: 0 }, 'row squared');
    expectClose(rowDots(a.slice(0, 2), b), [0, 4], { atol: 0 }, 'row dots');
    expectClose(unitRows(t2([[3, 4], [0, 0]])), [[0.6, 0.8], [0, 0]], { atol: 1e-7 }, 'unit rows');
    // the pairwise distance of a point with itself has a finite gradient
    const g = tf.grad((x: tf.Tensor) => tf.sum(pairwiseDistances(x as tf.Tensor2D, x as tf.Tensor2D)))(a);
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite));
  });
});

test('gatherRows: values like tf.gather, gradients summed over repeated rows, on any backend', () => {
  tf.tidy(() => {
    const x = t2([[1, 2], [3, 4], [5, 6]]);
    expectClose(gatherRows(x, [2, 0, 2]), [[5, 6], [1, 2], [5, 6]], { atol: 0 }, 'values');
    const weights = t2([[1, 1], [2, 2], [3, 3]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gatherRows(v, Int32Array.from([2, 0, 2])), weights)))(x);
    expectClose(g, [[2, 2], [0, 0], [4, 4]], { atol: 0 }, 'gradient');
  });
});

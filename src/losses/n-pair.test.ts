import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';
import { nPairLoss, tupletLoss } from './n-pair';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('tupletLoss: hand-derived values', () => {
  tf.tidy(() => {
    // a = (1,0), p = (1,0): a·p = 1; negatives (0,1), (−1,0): a·n = 0, −1 → ln(1 + e^{−1} + e^{−2})
    const a = t2([[1, 0]]);
    const negatives = tf.tensor3d([[[0, 1], [-1, 0]]]);
    expectClose(tupletLoss(a, a, negatives), Math.log(1 + Math.exp(-1) + Math.exp(-2)), { atol: 1e-6 }, 'one tuple');
    // all logits equal: ln(1 + M)
    const zeros = tf.zeros([2, 3]) as tf.Tensor2D;
    expectClose(tupletLoss(zeros, zeros, tf.zeros([2, 4, 3]) as tf.Tensor3D), Math.log(5), { atol: 1e-6 }, 'equal logits');
    // M = 1 is the soft-margin triplet on inner products: ln(1 + e^{a·n − a·p})
    expectClose(tupletLoss(a, t2([[2, 0]]), tf.tensor3d([[[0.5, 0]]])), Math.log1p(Math.exp(0.5 - 2)), { atol: 1e-6 }, 'M = 1');
  });
});

test('nPairLoss: hand-derived values, and stays finite for norms ~100', () => {
  tf.tidy(() => {
    // orthonormal pairs: Sᵢᵢ = 1, Sᵢⱼ = 0 → ln(1 + (N−1)e^{−1})
    const eye = t2([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expectClose(nPairLoss(eye, eye), Math.log(1 + 2 * Math.exp(-1)), { atol: 1e-6 }, 'orthonormal');
    // l2Reg adds λ·Σ(‖a‖² + ‖p‖²)/(2N) = λ·(3 + 3)/6
    expectClose(nPairLoss(eye, eye, { l2Reg: 0.5 }), Math.log(1 + 2 * Math.exp(-1)) + 0.5, { atol: 1e-6 }, 'with l2Reg');
    // norm 100: Sᵢᵢ = 10⁴, Sᵢⱼ = 0 → ln(1 + 2e^{−10⁴}) ≈ 0 (a naive exp overflows to ∞/∞ = NaN)
    const big = tf.mul(eye, 100) as tf.Tensor2D;
    expectClose(nPairLoss(big, big), 0, { atol: 1e-6 }, 'large norm, perfect');
    // swapped positives: a bad batch, each anchor's own positive is orthogonal: ≈ 10⁴ per anchor
    const swapped = t2([[0, 100, 0], [0, 0, 100], [100, 0, 0]]);
    const bad = nPairLoss(big, swapped);
    expectClose(bad, 1e4, { rtol: 1e-6 }, 'large norm, bad');
    const grad = tf.grad((a: tf.Tensor) => nPairLoss(a as tf.Tensor2D, swapped))(big);
    assert.ok(Array.from(grad.dataSync()).every(Number.isFinite), 'finite gradient at norm 100');
  });
});

test('tupletLoss matches the PyTorch float64 reference: values and gradients', () => {
  for (const c of lossFixtures('tuplet')) {
    tf.tidy(() => {
      const f = (a: tf.Tensor, p: tf.Tensor, n: tf.Tensor) => tupletLoss(a as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D);
      const inputs = [t2(c.anchor), t2(c.positive), tf.tensor3d(c.negatives)];
      expectClose(f(inputs[0], inputs[1], inputs[2]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `loss, seed ${c.seed}`);
      const grads = tf.grads(f)(inputs);
      ['anchor', 'positive', 'negatives'].forEach((name, i) => expectClose(grads[i], c.grads[name], { atol: 1e-5, rtol: 1e-4 }, `∂/∂${name}, seed ${c.seed}`));
    });
  }
});

test('nPairLoss matches the PyTorch float64 reference: values and gradients (incl. l2Reg and norms ~50)', () => {
  for (const c of lossFixtures('nPair')) {
    tf.tidy(() => {
      const f = (a: tf.Tensor, p: tf.Tensor) => nPairLoss(a as tf.Tensor2D, p as tf.Tensor2D, { l2Reg: c.l2Reg });
      const inputs = [t2(c.anchors), t2(c.positives)];
      const scale = Math.max(1, Math.abs(c.loss));
      expectClose(f(inputs[0], inputs[1]), c.loss, { atol: 1e-5 * scale, rtol: 1e-5 }, `loss, seed ${c.seed} l2Reg ${c.l2Reg}`);
      const grads = tf.grads(f)(inputs);
      expectClose(grads[0], c.grads.anchors, { atol: 1e-4, rtol: 1e-3 }, `∂/∂anchors, seed ${c.seed}`);
      expectClose(grads[1], c.grads.positives, { atol: 1e-4, rtol: 1e-3 }, `∂/∂positives, seed ${c.seed}`);
    });
  }
});

test('finite differences agree with tf.grads', () => {
  const tuple = lossFixtures('tuplet')[0];
  const pairs = lossFixtures('nPair')[1];
  tf.tidy(() => {
    const r1 = gradCheck((a, p, n) => tupletLoss(a as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor3D), [t2(tuple.anchor), t2(tuple.positive), tf.tensor3d(tuple.negatives)]);
    assert.ok(r1.passed, r1.report);
    const r2 = gradCheck((a, p) => nPairLoss(a as tf.Tensor2D, p as tf.Tensor2D, { l2Reg: pairs.l2Reg }), [t2(pairs.anchors), t2(pairs.positives)]);
    assert.ok(r2.passed, r2.report);
  });
});

test('leave only the returned scalar', () => {
  const a = t2([[1, 2], [3, 4]]);
  const negatives = tf.ones([2, 3, 2]) as tf.Tensor3D;
  const before = tf.memory().numTensors;
  const l1 = tupletLoss(a, a, negatives);
  const l2 = nPairLoss(a, a, { l2Reg: 0.1 });
  assert.equal(tf.memory().numTensors, before + 2);
  tf.dispose([l1, l2, a, negatives]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    const a = t2([[1, 2], [3, 4]]);
    assert.throws(() => tupletLoss(a, a, tf.ones([2, 3, 5]) as tf.Tensor3D), /tupletLoss: 'negatives' must be \[batch, numNegatives, dim\].*got \[2,3,5\]/);
    assert.throws(() => tupletLoss(a, a, tf.ones([2, 0, 2]) as tf.Tensor3D), /numNegatives ≥ 1/);
    assert.throws(() => tupletLoss(a, a, a as unknown as tf.Tensor3D), /tupletLoss: 'negatives' must be \[batch, numNegatives, dim\], got \[2,2\]/);
    assert.throws(() => nPairLoss(a, t2([[1, 2]])), /nPairLoss: 'positives' must be \[numPairs, dim\] like 'anchors'/);
    assert.throws(() => nPairLoss(a, a, { l2Reg: -1 }), /nPairLoss: 'l2Reg' must be a finite number ≥ 0, got -1/);
  });
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';
import { tripletLoss } from './triplet';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('hand-derived values on perfect and bad batches', () => {
  tf.tidy(() => {
    const anchor = t2([[0, 0], [1, 1]]);
    const near = t2([[0.1, 0], [1, 1.1]]); // D(a,p) = 0.01
    const far = t2([[2, 0], [1, 3]]); // D(a,n) = 4
    // perfect: 0.01 − 4 + 0.2 < 0 → 0
    expectClose(tripletLoss(anchor, near, far), 0, { atol: 0 }, 'perfect batch');
    // bad (positive and negative swapped): 4 − 0.01 + 0.2 = 4.19
    expectClose(tripletLoss(anchor, far, near), 4.19, { atol: 1e-5 }, 'bad batch');
    // unsquared: √4 − √0.01 + 0.5 = 2.4
    expectClose(tripletLoss(anchor, far, near, { squared: false, margin: 0.5 }), 2.4, { atol: 1e-5 }, 'unsquared');
    // soft margin on the perfect batch: ln(1 + e^{0.01 − 4})
    expectClose(tripletLoss(anchor, near, far, { softMargin: true }), Math.log1p(Math.exp(0.01 - 4)), { atol: 1e-6 }, 'soft margin, perfect');
    // a collapsed embedding (all points equal) costs exactly the margin
    const zero = t2([[0, 0], [0, 0]]);
    expectClose(tripletLoss(zero, zero, zero, { margin: 0.3 }), 0.3, { atol: 1e-7 }, 'collapse = margin');
    // …and ln 2 with the soft margin
    expectClose(tripletLoss(zero, zero, zero, { softMargin: true }), Math.LN2, { atol: 1e-7 }, 'collapse, soft');
  });
});

test('matches the PyTorch float64 reference: values and gradients (squared, unsquared, soft margin)', () => {
  for (const c of lossFixtures('triplet')) {
    tf.tidy(() => {
      const options = { margin: c.margin, squared: c.squared, softMargin: c.softMargin };
      const f = (a: tf.Tensor, p: tf.Tensor, n: tf.Tensor) => tripletLoss(a as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor2D, options);
      const inputs = [t2(c.anchor), t2(c.positive), t2(c.negative)];
      const label = `seed ${c.seed} ${JSON.stringify(options)}`;
      expectClose(f(inputs[0], inputs[1], inputs[2]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `loss, ${label}`);
      const grads = tf.grads(f)(inputs);
      expectClose(grads[0], c.grads.anchor, { atol: 1e-5, rtol: 1e-4 }, `∂/∂anchor, ${label}`);
      expectClose(grads[1], c.grads.positive, { atol: 1e-5, rtol: 1e-4 }, `∂/∂positive, ${label}`);
      expectClose(grads[2], c.grads.negative, { atol: 1e-5, rtol: 1e-4 }, `∂/∂negative, ${label}`);
    });
  }
});

test('finite differences agree with tf.grads', () => {
  for (const c of lossFixtures('triplet').slice(0, 3)) {
    tf.tidy(() => {
      const options = { margin: c.margin, squared: c.squared, softMargin: c.softMargin };
      const result = gradCheck((a, p, n) => tripletLoss(a as tf.Tensor2D, p as tf.Tensor2D, n as tf.Tensor2D, options), [t2(c.anchor), t2(c.positive), t2(c.negative)]);
      assert.ok(result.passed, result.report);
    });
  }
});

test('finite gradients with squared: false where the anchor coincides with the positive', () => {
  const a = t2([[1, 2], [0, 0]]);
  const n = t2([[1.1, 2], [0.05, 0]]);
  const p = a.clone();
  const grads = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tripletLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, { squared: false }))([a, p, n]);
  for (const g of grads) {
    assert.ok(Array.from(g.dataSync()).every(Number.isFinite), `gradient ${g.dataSync()}`);
    g.dispose();
  }
  tf.dispose([a, p, n]);
});

test('leaves only the returned scalar', () => {
  const a = t2([[1, 2], [3, 4]]);
  const before = tf.memory().numTensors;
  const loss = tripletLoss(a, a, a, { squared: false });
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(loss.shape, []);
  tf.dispose([loss, a]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    const a = t2([[1, 2], [3, 4]]);
    assert.throws(() => tripletLoss(a, a, t2([[1, 2, 3]])), /tripletLoss: 'negative' must be \[batch, dim\] like 'anchor' \[2,2\], got \[1,3\]/);
    assert.throws(() => tripletLoss(a, t2([[1, 2]]), a), /tripletLoss: 'positive' must be \[batch, dim\] like 'anchor'/);
    assert.throws(() => tripletLoss(a, a, a, { margin: 0 }), /tripletLoss: 'margin' must be a finite number > 0, got 0/);
    assert.throws(() => tripletLoss(a, a, a, { squared: 'yes' as unknown as boolean }), /tripletLoss: 'squared' must be true or false/);
    assert.throws(() => tripletLoss(tf.zeros([0, 2]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D, tf.zeros([0, 2]) as tf.Tensor2D), /tripletLoss: 'anchor' must be a non-empty/);
  });
});

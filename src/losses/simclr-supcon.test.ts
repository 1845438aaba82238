import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';
import { ntXentLoss, supConLoss } from './simclr-supcon';

const random = (rng: Rng, shape: number[], std = 1) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape, 'float32');
const ints = (values: number[]) => tf.tensor1d(values, 'int32');
const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('NT-Xent and SupCon (built from the parts) match the PyTorch float64 reference', () => {
  for (const c of lossFixtures('ntXent')) {
    tf.tidy(() => {
      const f = (a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, { temperature: c.temperature });
      const inputs = [t2(c.view1), t2(c.view2)];
      expectClose(f(inputs[0], inputs[1]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `NT-Xent loss, seed ${c.seed}`);
      const grads = tf.grads(f)(inputs);
      expectClose(grads[0], c.grads.view1, { atol: 1e-4, rtol: 1e-3 }, `NT-Xent ∂/∂view1, seed ${c.seed}`);
      expectClose(grads[1], c.grads.view2, { atol: 1e-4, rtol: 1e-3 }, `NT-Xent ∂/∂view2, seed ${c.seed}`);
    });
  }
  for (const c of lossFixtures('supCon')) {
    tf.tidy(() => {
      const labels = ints(c.labels);
      const f = (e: tf.Tensor) => supConLoss(e as tf.Tensor2D, labels, { temperature: c.temperature });
      expectClose(f(t2(c.embeddings)), c.loss, { atol: 1e-5, rtol: 1e-5 }, `SupCon loss, seed ${c.seed}`);
      expectClose(tf.grad(f)(t2(c.embeddings)), c.grads.embeddings, { atol: 1e-4, rtol: 1e-3 }, `SupCon ∂/∂embeddings, seed ${c.seed}`);
    });
  }
});

test('NT-Xent and SupCon: hand-derived values and finite differences', () => {
  tf.tidy(() => {
    // two images, views identical, the images orthogonal: s = 1 for the positive, 0 for the 2 others
    const v = t2([[1, 0], [0, 1]]);
    const tau = 0.5;
    const expected = -(1 / tau - Math.log(Math.exp(1 / tau) + 2));
    expectClose(ntXentLoss(v, v, { temperature: tau }), expected, { atol: 1e-6 }, 'NT-Xent by hand');
    // SupCon with one view per image and distinct labels has no positive: 0
    expectClose(supConLoss(v, ints([0, 1])), 0, { atol: 0 }, 'SupCon without positives');
    // SupCon equals NT-Xent when the labels say "same image"
    const rng = new Rng(15);
    const a = random(rng, [3, 4]) as tf.Tensor2D;
    const b = random(rng, [3, 4]) as tf.Tensor2D;
    expectClose(supConLoss(tf.concat([a, b]) as tf.Tensor2D, ints([0, 1, 2, 0, 1, 2]), { temperature: 0.3 }), ntXentLoss(a, b, { temperature: 0.3 }), { atol: 1e-6 }, 'SupCon = NT-Xent for 2 views');
    const r1 = gradCheck((x, y) => ntXentLoss(x as tf.Tensor2D, y as tf.Tensor2D, { temperature: 0.5 }), [a, b]);
    assert.ok(r1.passed, r1.report);
    const labels = ints([0, 1, 0, 1, 1, 2]);
    const r2 = gradCheck((x) => supConLoss(x as tf.Tensor2D, labels, { temperature: 0.5 }), [tf.concat([a, b])]);
    assert.ok(r2.passed, r2.report);
  });
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { contrastiveLoss } from './contrastive';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('hand-derived values: identical similar pairs cost 0, coincident dissimilar pairs margin²/2', () => {
  const x = t2([[1, 2], [3, -1]]);
  tf.tidy(() => {
    expectClose(contrastiveLoss(x, x, tf.tensor1d([1, 1])), 0, { atol: 0 }, 'perfect similar pairs');
    // both pairs dissimilar at d = 0: 1/(2·2)·(m² + m²) = m²/2
    expectClose(contrastiveLoss(x, x, tf.tensor1d([0, 0]), { margin: 3 }), 9 / 2, {}, 'coincident dissimilar pairs');
    // one similar pair at d = 5 (3-4-5), one dissimilar pair at d = 1 with m = 2: (25 + 1)/(2·2)
    const a = t2([[0, 0], [0, 0]]);
    const b = t2([[3, 4], [1, 0]]);
    expectClose(contrastiveLoss(a, b, tf.tensor1d([1, 0], 'int32'), { margin: 2 }), 26 / 4, {}, '3-4-5 pair');
    // dissimilar pairs beyond the margin cost nothing
    expectClose(contrastiveLoss(a, b, tf.tensor1d([0, 0]), { margin: 1 }), 0, { atol: 0 }, 'beyond margin');
  });
  x.dispose();
});

test('the default margin is 1 and the label convention is 1 = similar', () => {
  tf.tidy(() => {
    const a = t2([[0, 0]]);
    const b = t2([[0.5, 0]]);
    expectClose(contrastiveLoss(a, b, tf.tensor1d([0])), (1 - 0.5) ** 2 / 2, {}, 'dissimilar, default margin');
    expectClose(contrastiveLoss(a, b, tf.tensor1d([1])), 0.25 / 2, {}, 'similar');
  });
});

test('finite (zero) gradients where x1ᵢ = x2ᵢ, similar or not', () => {
  const x = t2([[0.3, -0.2, 1], [2, 0, 0], [0.1, 0.1, 0.1]]);
  for (const flags of [[0, 0, 0], [1, 1, 1], [0, 1, 0]]) {
    const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, tf.tensor1d(flags)))([x, x]);
    const values = [...g1.dataSync(), ...g2.dataSync()];
    assert.ok(values.every(Number.isFinite), `gradients ${values}`);
    expectClose(values, new Array(values.length).fill(0), { atol: 0 }, 'zero gradient at d = 0');
    g1.dispose();
    g2.dispose();
  }
  x.dispose();
});

test('matches the PyTorch float64 reference: values and gradients', () => {
  for (const c of lossFixtures('contrastive')) {
    tf.tidy(() => {
      const x1 = t2(c.x1);
      const x2 = t2(c.x2);
      const similar = tf.tensor1d(c.similar, 'int32');
      const f = (a: tf.Tensor, b: tf.Tensor) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, similar, { margin: c.margin });
      expectClose(f(x1, x2), c.loss, { atol: 1e-5, rtol: 1e-5 }, `loss, seed ${c.seed}`);
      const [g1, g2] = tf.grads(f)([x1, x2]);
      expectClose(g1, c.grads.x1, { atol: 1e-5, rtol: 1e-4 }, `∂/∂x1, seed ${c.seed}`);
      expectClose(g2, c.grads.x2, { atol: 1e-5, rtol: 1e-4 }, `∂/∂x2, seed ${c.seed}`);
    });
  }
});

test('finite differences agree with tf.grads', () => {
  const c = lossFixtures('contrastive')[1];
  tf.tidy(() => {
    const similar = tf.tensor1d(c.similar);
    const result = gradCheck((a, b) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, similar, { margin: c.margin }), [t2(c.x1), t2(c.x2)]);
    assert.ok(result.passed, result.report);
  });
});

test('leaves only the returned scalar', () => {
  const x1 = t2([[1, 2], [3, 4]]);
  const x2 = t2([[1, 0], [0, 4]]);
  const similar = tf.tensor1d([1, 0]);
  const before = tf.memory().numTensors;
  const loss = contrastiveLoss(x1, x2, similar);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(loss.shape, []);
  loss.dispose();
  tf.dispose([x1, x2, similar]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    const x = t2([[1, 2], [3, 4]]);
    assert.throws(() => contrastiveLoss(x, t2([[1, 2, 3]]), tf.tensor1d([1, 0])), /contrastiveLoss: 'x2' must be \[batch, dim\] like 'x1' \[2,2\], got \[1,3\]/);
    assert.throws(() => contrastiveLoss(tf.tensor1d([1, 2]) as unknown as tf.Tensor2D, x, tf.tensor1d([1, 0])), /contrastiveLoss: 'x1' must be \[batch, dim\], got \[2\]/);
    assert.throws(() => contrastiveLoss(x, x, tf.tensor1d([1])), /contrastiveLoss: 'similar' must be \[batch\] with batch = 2/);
    assert.throws(() => contrastiveLoss(x, x, tf.tensor1d([1, 2])), /contrastiveLoss: 'similar' must hold only 0 and 1, got 2/);
    assert.throws(() => contrastiveLoss(x, x, tf.tensor1d([1, 0]), { margin: 0 }), /contrastiveLoss: 'margin' must be a finite number > 0, got 0/);
    assert.throws(() => contrastiveLoss(x, x, tf.tensor1d([1, 0]), { margin: -1 }), /'margin'/);
    assert.throws(() => contrastiveLoss(tf.tensor2d([[1, 2]], [1, 2], 'int32') as tf.Tensor2D, x, tf.tensor1d([1])), /'x1' must be float32, got int32/);
  });
});

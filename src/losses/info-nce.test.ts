import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';
import { infoNCELoss } from './info-nce';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

test('hand-derived values: equal logits give ln(K+1); a perfect batch ~0; a bad one ~ gap/τ', () => {
  tf.tidy(() => {
    // query orthogonal to the key and to every queue entry: all logits 0 → ln(K+1)
    const q = t2([[1, 0, 0], [1, 0, 0]]);
    const k = t2([[0, 1, 0], [0, 0, 1]]);
    const queue = t2([[0, 1, 0], [0, 0, 1], [0, -1, 0], [0, 0, -1], [0, 0.6, 0.8]]);
    expectClose(infoNCELoss(q, k, queue), Math.log(6), { atol: 1e-6 }, 'ln(K+1)');
    // key = query, queue orthogonal: −1/τ + ln(e^{1/τ} + K)
    const tau = 0.1;
    expectClose(infoNCELoss(q, q, queue, { temperature: tau }), Math.log(Math.exp(10) + 5) - 10, { atol: 1e-6 }, 'perfect');
    // positive orthogonal, one queue entry equal to the query: ln(1 + (K−1) + e^{1/τ})
    const bad = t2([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    const oneQ = t2([[1, 0, 0]]);
    expectClose(infoNCELoss(oneQ, t2([[0, 1, 0]]), bad, { temperature: tau }), Math.log(1 + 2 + Math.exp(10)), { rtol: 1e-6 }, 'bad');
    // default temperature 0.07: q·k = 1, queue entry q·n = −1 → ln(1 + e^{−2/0.07})
    expectClose(infoNCELoss(oneQ, oneQ, t2([[-1, 0, 0]])), Math.log1p(Math.exp(-2 / 0.07)), { atol: 1e-7 }, 'default τ');
  });
});

test('matches the PyTorch float64 reference: values and gradients', () => {
  for (const c of lossFixtures('infoNCE')) {
    tf.tidy(() => {
      const options = { temperature: c.temperature };
      const f = (q: tf.Tensor, k: tf.Tensor, queue: tf.Tensor) => infoNCELoss(q as tf.Tensor2D, k as tf.Tensor2D, queue as tf.Tensor2D, options);
      const inputs = [t2(c.query), t2(c.positiveKey), t2(c.queue)];
      expectClose(f(inputs[0], inputs[1], inputs[2]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `loss, seed ${c.seed}`);
      const grads = tf.grads(f)(inputs);
      ['query', 'positiveKey', 'queue'].forEach((name, i) => expectClose(grads[i], c.grads[name], { atol: 1e-4, rtol: 1e-3 }, `∂/∂${name}, seed ${c.seed}`));
    });
  }
});

test('finite differences agree with tf.grads', () => {
  const c = lossFixtures('infoNCE')[2];
  tf.tidy(() => {
    const result = gradCheck((q, k, queue) => infoNCELoss(q as tf.Tensor2D, k as tf.Tensor2D, queue as tf.Tensor2D, { temperature: c.temperature }), [t2(c.query), t2(c.positiveKey), t2(c.queue)]);
    assert.ok(result.passed, result.report);
  });
});

test('leaves only the returned scalar', () => {
  const q = t2([[1, 0], [0, 1]]);
  const queue = t2([[1, 1], [0, 1], [1, 0]]);
  const before = tf.memory().numTensors;
  const loss = infoNCELoss(q, q, queue);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(loss.shape, []);
  tf.dispose([loss, q, queue]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    const q = t2([[1, 0], [0, 1]]);
    assert.throws(() => infoNCELoss(q, t2([[1, 0]]), q), /infoNCELoss: 'positiveKey' must be \[batch, dim\] like 'query' \[2,2\], got \[1,2\]/);
    assert.throws(() => infoNCELoss(q, q, t2([[1, 0, 0]])), /infoNCELoss: 'queue' must be \[queueSize, dim\] with queueSize ≥ 1 and dim = 2/);
    assert.throws(() => infoNCELoss(q, q, tf.zeros([0, 2]) as tf.Tensor2D), /'queue'/);
    assert.throws(() => infoNCELoss(q, q, q, { temperature: 0 }), /infoNCELoss: 'temperature' must be a finite number > 0, got 0/);
    assert.throws(() => infoNCELoss(q, q, q, { temperature: -0.1 }), /'temperature'/);
  });
});

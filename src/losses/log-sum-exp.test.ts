import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { gradCheck } from './grad-check';
import { logSumExpLastAxis } from './log-sum-exp';

test('value and gradient (softmax) of log-sum-exp, stable for large inputs', () => {
  tf.tidy(() => {
    const x = tf.tensor2d([[0, 0, 0], [1, 2, 3], [1000, 1000, -1e30]]);
    expectClose(logSumExpLastAxis(x), [Math.log(3), 3 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), 1000 + Math.LN2], { rtol: 1e-6 }, 'values');
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(logSumExpLastAxis(v), tf.tensor1d([1, 2, 3]))))(x);
    const e = [1, Math.exp(1), Math.exp(2)].map((v) => v / (1 + Math.exp(1) + Math.exp(2)));
    expectClose(g, [[1 / 3, 1 / 3, 1 / 3], e.map((v) => 2 * v), [1.5, 1.5, 0]], { atol: 1e-6 }, 'gradient = dy · softmax');
    const y = tf.tensor1d([0.3, -1.2, 2.5, 0.1]);
    expectClose(logSumExpLastAxis(y), tf.logSumExp(y), { atol: 1e-6 }, 'rank 1 like tf.logSumExp');
    const r = gradCheck((v) => tf.sum(logSumExpLastAxis(v)) as tf.Scalar, [tf.tensor2d([[0.3, -1.2, 2.5], [0.1, 0.2, -0.4]])]);
    assert.ok(r.passed, r.report);
  });
});

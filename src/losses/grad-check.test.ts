import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { gradCheck } from './grad-check';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

// f(x) = Σ x³ with a custom gradient that is wrong by a factor (or right, with factor 1).
function cubeWithGradient(factor: number) {
  return tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.sum(tf.pow(x, 3)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(3 * factor, tf.square(x))) };
  }) as (x: tf.Tensor) => tf.Scalar;
}

test('passes a correct gradient and reports the numbers', () => {
  tf.tidy(() => {
    const result = gradCheck(cubeWithGradient(1), [t2([[0.5, -1.2], [2, 0.1]])]);
    assert.ok(result.passed, result.report);
    assert.equal(result.checked, 4);
    assert.ok(Math.abs(result.value - (0.125 - 1.728 + 8 + 0.001)) < 1e-5);
    assert.ok(result.maxAbsError < 1e-3, result.report);
    assert.match(result.report, /^gradCheck PASSED: f = 6\.398, 4 elements checked in input 0/);
  });
});

test('catches a deliberately wrong custom gradient and names the worst element', () => {
  tf.tidy(() => {
    const result = gradCheck(cubeWithGradient(1.1), [t2([[0.5, -1.2], [2, 0.1]])], { names: ['x'] });
    assert.ok(!result.passed, result.report);
    assert.match(result.report, /^gradCheck FAILED/);
    // the largest error is at x = 2: analytic 3.3·4 = 13.2 vs numeric 12
    assert.deepEqual(result.worst?.coordinates, [1, 0]);
    assert.equal(result.worst?.input, 'x');
    assert.ok(Math.abs((result.worst?.analytic ?? 0) - 13.2) < 1e-4);
    assert.ok(Math.abs((result.worst?.numeric ?? 0) - 12) < 1e-2);
    assert.match(result.report, /worst element: x\[1,0\] analytic 13\.20 vs numeric 12\.00/);
  });
});

test('catches a sign error, a missing term and a NaN gradient', () => {
  tf.tidy(() => {
    const x = t2([[0.3, 0.7]]);
    assert.ok(!gradCheck(cubeWithGradient(-1), [x]).passed, 'sign error');
    const missingTerm = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const v = args[0] as tf.Tensor;
      // f = Σ (x² + x), gradient forgets the "+ 1"
      return { value: tf.sum(tf.add(tf.square(v), v)), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.mul(2, v)) };
    }) as (v: tf.Tensor) => tf.Scalar;
    assert.ok(!gradCheck(missingTerm, [x]).passed, 'missing term');
    const nanGradient = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
      const v = args[0] as tf.Tensor;
      return { value: tf.sum(v), gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.fill(v.shape, NaN)) };
    }) as (v: tf.Tensor) => tf.Scalar;
    const r = gradCheck(nanGradient, [x]);
    assert.ok(!r.passed, r.report);
    assert.ok(Number.isNaN(r.maxAbsError));
  });
});

test('several inputs, int32 inputs passed through, wrt, subsets', () => {
  tf.tidy(() => {
    const a = t2([[1, 2], [3, 4]]);
    const b = t2([[0.5, -0.5], [1, 0]]);
    const idx = tf.tensor1d([1, 0], 'int32');
    const f = (x: tf.Tensor, y: tf.Tensor, i: tf.Tensor) => tf.sum(tf.mul(tf.gather(x, i), tf.sin(y))) as tf.Scalar;
    const all = gradCheck(f, [a, b, idx]);
    assert.ok(all.passed, all.report);
    assert.equal(all.checked, 8);
    const onlyB = gradCheck(f, [a, b, idx], { wrt: [1] });
    assert.equal(onlyB.checked, 4);
    const big = tf.randomNormal([30, 10]) as tf.Tensor2D;
    const subset = gradCheck((x) => tf.sum(tf.square(x)) as tf.Scalar, [big], { maxElementsPerInput: 12, seed: 3 });
    assert.ok(subset.passed, subset.report);
    assert.equal(subset.checked, 12);
  });
});

test('leaves no tensors behind; bad arguments throw', () => {
  const x = t2([[1, 2]]);
  const before = tf.memory().numTensors;
  gradCheck((v) => tf.sum(tf.square(v)) as tf.Scalar, [x]);
  gradCheck(cubeWithGradient(2), [x]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => gradCheck((v) => v as tf.Scalar, [x]), /gradCheck: 'fn' must return a scalar tensor, got \[1,2\]/);
  assert.throws(() => gradCheck((v) => tf.sum(v) as tf.Scalar, []), /gradCheck: 'inputs' must be a non-empty array/);
  assert.throws(() => gradCheck((v) => tf.sum(v) as tf.Scalar, [x], { step: 0 }), /gradCheck: 'step' must be a finite number > 0/);
  assert.throws(() => gradCheck((v) => tf.sum(v) as tf.Scalar, [x], { wrt: [2] }), /gradCheck: 'wrt' must hold positions in \[0, 1\)/);
  const ints = tf.tensor1d([1, 2], 'int32');
  assert.throws(() => gradCheck((v) => tf.sum(v) as tf.Scalar, [ints]), /gradCheck: no float32 input to differentiate/);
  tf.dispose([x, ints]);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { lossModeStep, stepModeStep } from './step-functions';
import { expectClose } from '../runtime/assertions';

const context = { step: 0, epoch: 0, stepInEpoch: 0, learningRate: 0.1 };

test('lossModeStep: one gradient step on the loss, its value and metrics as numbers, no tensor left', () => {
  const w = tf.variable(tf.scalar(1));
  const optimizer = tf.train.sgd(0.1);
  const before = tf.memory().numTensors;
  const run = lossModeStep((batch: number) => ({ loss: tf.mul(batch, tf.square(w)) as tf.Scalar, metrics: { w: tf.clone(w) as tf.Scalar } }), optimizer, [w]);
  const out = run(2, context); // loss 2w², gradient 4w = 4 → w = 1 − 0.1·4
  assert.deepEqual(out, { loss: 2, metrics: { w: 1 } });
  expectClose(w.dataSync()[0], 0.6, { atol: 1e-7 });
  const second = run(0, context);
  assert.equal(second.loss, 0);
  expectClose(second.metrics!.w, 0.6, { atol: 1e-7 }, 'metrics are read before the step ends');
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(lossModeStep(() => tf.square(w) as tf.Scalar, optimizer, [w])(0, context).metrics, undefined);
  assert.throws(() => lossModeStep(() => ({}) as never, optimizer, [w])(0, context), /train: 'loss' must return a scalar tensor or \{ loss, metrics\? \}/);
  optimizer.dispose();
  w.dispose();
});

test('stepModeStep: takes a number or { loss, metrics }, frees what the step leaves, names a bad return', () => {
  const before = tf.memory().numTensors;
  assert.deepEqual(stepModeStep(() => { tf.ones([3]); return 1.5; })(null, context), { loss: 1.5 });
  assert.deepEqual(stepModeStep((_b, c) => ({ loss: c.learningRate, metrics: { m: 2 } }))(null, context), { loss: 0.1, metrics: { m: 2 } });
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => stepModeStep(() => ({ loss: 'x' }) as never)(null, context), /train: 'step' must return a number or \{ loss: number, metrics\? \}, got \{"loss":"x"\}/);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { chooseStep } from './step-choice';
import { getLearningRate } from './schedules';

const context = { step: 0, epoch: 0, stepInEpoch: 0, learningRate: 0.1 };

test('chooseStep, loss mode: the loop\'s own Adam at 1e-3 by default (freed by dispose); a given optimizer keeps its rate', () => {
  const w = tf.variable(tf.scalar(1));
  const before = tf.memory().numTensors;
  const own = chooseStep({ loss: () => tf.square(w) as tf.Scalar, variables: [w] });
  assert.equal(own.learningRateFor(0), 1e-3);
  assert.equal(own.run(null, context).loss, 1);
  own.dispose();
  assert.equal(tf.memory().numTensors, before, 'the own Adam and its slots are freed');
  const sgd = tf.train.sgd(0.25);
  const given = chooseStep({ loss: () => tf.square(w) as tf.Scalar, variables: [w], optimizer: sgd });
  assert.equal(given.learningRateFor(3), 0.25);
  given.dispose();
  assert.equal(given.learningRateFor(0), 0.25, 'a given optimizer is not disposed');
  const scheduled = chooseStep({ loss: () => tf.square(w) as tf.Scalar, variables: [w], optimizer: sgd, learningRate: (step) => 1 / (step + 2) });
  assert.equal(scheduled.learningRateFor(2), 0.25);
  assert.equal(getLearningRate(sgd), 0.25);
  sgd.dispose();
  w.dispose();
});

test('chooseStep, step mode: the optimizer\'s own rate, NaN without one, the schedule only with an optimizer', () => {
  const step = () => 1;
  assert.ok(Number.isNaN(chooseStep({ step }).learningRateFor(0)));
  const adam = tf.train.adam(0.01);
  assert.equal(chooseStep({ step, optimizer: adam }).learningRateFor(0), 0.01);
  assert.equal(chooseStep({ step, optimizer: adam, learningRate: 0.5 }).learningRateFor(0), 0.5);
  assert.equal(getLearningRate(adam), 0.5);
  assert.throws(() => chooseStep({ step, learningRate: 0.5 }), /train: 'learningRate' in step mode needs the step's 'optimizer' to set it on/);
  adam.dispose();
});

test('chooseStep names bad options', () => {
  assert.throws(() => chooseStep({}), /train: give exactly one of 'loss' \(loss mode\) or 'step' \(step mode\)/);
  assert.throws(() => chooseStep({ loss: () => tf.scalar(0), step: () => 0 }), /give exactly one of 'loss'/);
  assert.throws(() => chooseStep({ loss: () => tf.scalar(0) }), /train: loss mode needs 'model' \(with trainable weights\) or 'variables'/);
  assert.throws(() => chooseStep({ loss: () => tf.scalar(0), variables: [] }), /loss mode needs 'model'/);
  assert.throws(() => chooseStep({ step: () => 0, learningRate: 'fast' as never }), /train: 'learningRate' must be a number or a function step → rate/);
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { constantSchedule, cosineSchedule, getLearningRate, learningRateDriver, setLearningRate, stepDecaySchedule } from './schedules';
import { expectClose } from '../runtime/assertions';

test('cosineSchedule: peak at 0, half at T/2, final at T; linear warm-up', () => {
  const cosine = cosineSchedule({ learningRate: 0.1, totalSteps: 100 });
  expectClose([cosine(0), cosine(50), cosine(100), cosine(150)], [0.1, 0.05, 0, 0], { atol: 1e-12 });
  expectClose(cosine(25), 0.1 * 0.5 * (1 + Math.SQRT1_2), { atol: 1e-12 });
  const warm = cosineSchedule({ learningRate: 0.2, totalSteps: 110, warmupSteps: 10, finalLearningRate: 0.02 });
  expectClose([warm(0), warm(4), warm(9), warm(10), warm(60), warm(110)], [0.02, 0.1, 0.2, 0.2, 0.11, 0.02], { atol: 1e-12 });
  assert.throws(() => cosineSchedule({ learningRate: 0.1, totalSteps: 10, warmupSteps: 10 }), /cosineSchedule: 'warmupSteps' must be an integer in \[0, totalSteps\)/);
});

test('constantSchedule and stepDecaySchedule', () => {
  assert.equal(constantSchedule(0.001)(12345), 0.001);
  const decay = stepDecaySchedule(0.03, [120, 160]);
  expectClose([decay(0), decay(119), decay(120), decay(160)], [0.03, 0.03, 0.003, 0.0003], { atol: 1e-15 });
  assert.throws(() => stepDecaySchedule(0.1, [5, 3]), /'milestones' must be increasing/);
  assert.throws(() => constantSchedule(0), /constantSchedule: 'learningRate' must be a finite number > 0, got 0/);
});

test('setLearningRate: changes the step an optimizer takes (SGD and Adam)', () => {
  const x = tf.variable(tf.scalar(1));
  const sgd = tf.train.sgd(0.1);
  setLearningRate(sgd, 0.5);
  sgd.minimize(() => tf.mul(x, 2) as tf.Scalar); // gradient 2 → x = 1 − 0.5·2 = 0
  expectClose(x, 0, { atol: 1e-7 });
  const adam = tf.train.adam(0.1);
  setLearningRate(adam, 0.25);
  assert.equal(getLearningRate(adam), 0.25);
  x.assign(tf.scalar(1));
  adam.minimize(() => tf.mul(x, 2) as tf.Scalar); // Adam's first step moves by ≈ lr
  expectClose(x, 0.75, { atol: 1e-4 });
  tf.dispose([x]);
  sgd.dispose();
  adam.dispose();
});

test('learningRateDriver: reads the schedule once per step and sets it on the optimizer; without one, the optimizer\'s own rate', () => {
  const optimizer = tf.train.adam(0.5);
  const steps: number[] = [];
  const rateOf = learningRateDriver((step) => { steps.push(step); return 0.1 / (step + 1); }, optimizer);
  assert.equal(rateOf(0), 0.1);
  assert.equal(getLearningRate(optimizer), 0.1);
  assert.equal(rateOf(4), 0.02);
  assert.equal(getLearningRate(optimizer), 0.02);
  assert.deepEqual(steps, [0, 4], 'one read per step');
  assert.equal(learningRateDriver(null, optimizer)(7), 0.02, 'the optimizer keeps its own rate');
  assert.ok(Number.isNaN(learningRateDriver(null, null)(0)));
  assert.throws(() => learningRateDriver(constantSchedule(0.1), null), /learningRateDriver: a schedule needs an optimizer/);
  optimizer.dispose();
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { cloneModel, MomentumEncoder } from './momentum';
import { createMlpEncoder } from './encoders';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

const tiny = (seed: number) => createMlpEncoder({ inputShape: [3], hiddenUnits: [4], outputDim: 2, rng: new Rng(seed) });
const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

/** Moves the query's weights to another seed's values (as if gradient steps happened). */
function perturb(query: tf.LayersModel, seed: number): void {
  const other = tiny(seed);
  query.setWeights(other.getWeights());
  other.dispose();
}

test('MomentumEncoder: the key starts as an exact copy, in separate variables, not trainable', () => {
  const query = tiny(1);
  const encoder = new MomentumEncoder(query, { momentum: 0.9 });
  assert.deepEqual(values(encoder.key), values(query));
  assert.equal(encoder.key.trainableWeights.length, 0, 'the key encoder never receives gradients');
  assert.ok(query.trainableWeights.length > 0);
  perturb(query, 2);
  assert.notDeepEqual(values(encoder.key), values(query), 'changing the query does not change the key');
  encoder.dispose();
  query.dispose();
});

test('MomentumEncoder.update: values match θk ← m·θk + (1−m)·θq; m = 0 copies; m = 1 freezes', () => {
  const query = tiny(1);
  const encoder = new MomentumEncoder(query, { momentum: 0.9 });
  const key0 = values(encoder.key);
  perturb(query, 2);
  const q = values(query);
  const before = tf.memory().numTensors;
  encoder.update();
  assert.equal(tf.memory().numTensors, before, 'update leaks no tensors');
  values(encoder.key).forEach((k, i) => expectClose(k, key0[i].map((v, j) => 0.9 * v + 0.1 * q[i][j]), { atol: 1e-6 }, `weight ${i}`));

  encoder.momentum = 1;
  const frozen = values(encoder.key);
  encoder.update();
  assert.deepEqual(values(encoder.key), frozen);

  encoder.momentum = 0;
  encoder.update();
  assert.deepEqual(values(encoder.key), q);
  assert.throws(() => { encoder.momentum = 1.5; }, /MomentumEncoder: 'momentum' must be a number in \[0, 1\], got 1.5/);
  encoder.dispose();
  query.dispose();
});

test('MomentumEncoder: an optimizer step on a loss using both encoders changes only the query', () => {
  const query = tiny(3);
  const encoder = new MomentumEncoder(query, { momentum: 0.5 });
  const key0 = values(encoder.key);
  const q0 = values(query);
  const x = tf.tensor2d([[1, 2, 3], [0, -1, 1]]);
  const optimizer = tf.train.sgd(0.1);
  const cost = optimizer.minimize(() => tf.sum(tf.mul(encoder.encodeKeys(x), query.apply(x) as tf.Tensor)) as tf.Scalar, true);
  cost?.dispose();
  assert.deepEqual(values(encoder.key), key0, 'no gradient reached the key encoder');
  assert.notDeepEqual(values(query), q0);
  tf.dispose([x]);
  optimizer.dispose();
  encoder.dispose();
  query.dispose();
});

test('cloneModel: same outputs, independent variables', () => {
  const model = tiny(5);
  const copy = cloneModel(model);
  const x = tf.tensor2d([[0.3, -0.2, 1]]);
  expectClose(copy.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { atol: 0 });
  const copied = values(copy);
  perturb(model, 6);
  assert.deepEqual(values(copy), copied, 'changing the original leaves the copy alone');
  assert.notEqual(copy.weights[0], model.weights[0]);
  tf.dispose(x);
  copy.dispose();
  model.dispose();
});

test('MomentumEncoder.update: BatchNorm moving statistics are not averaged (as the reference code)', () => {
  const query = createMlpEncoder({ inputShape: [3], hiddenUnits: [4], outputDim: 2, batchNorm: true, rng: new Rng(7) });
  const encoder = new MomentumEncoder(query, { momentum: 0 });
  // Change the query's moving mean (non-trainable) and a kernel (trainable).
  const movingMeanIndex = query.weights.findIndex((w) => /moving_mean/.test(w.name));
  assert.ok(movingMeanIndex >= 0 && !query.weights[movingMeanIndex].trainable);
  tf.tidy(() => {
    query.weights[movingMeanIndex].write(tf.onesLike(query.weights[movingMeanIndex].read()));
    query.weights[0].write(tf.onesLike(query.weights[0].read()));
  });
  encoder.update();
  assert.deepEqual(Array.from(encoder.key.weights[0].read().dataSync()), new Array(12).fill(1), 'trainable weight copied (m = 0)');
  const keyMovingMean = encoder.key.weights.find((w) => /moving_mean/.test(w.name))!;
  assert.deepEqual(Array.from(keyMovingMean.read().dataSync()), [0, 0, 0, 0], 'moving mean left alone');
  // θk ← m·θk + (1−m)·θq pairs each key weight with the same layer's query weight, although a
  // frozen model lists its weights in another order than a trainable one.
  encoder.momentum = 0.5;
  const before = encoder.key.layers.map((l) => l.getWeights().map((w) => Array.from(w.dataSync())));
  tf.tidy(() => query.layers.forEach((l) => l.weights.forEach((w) => { if (w.trainable) w.write(tf.add(w.read(), 1)); })));
  encoder.update();
  encoder.key.layers.forEach((layer, i) => layer.getWeights().forEach((w, j) => {
    const q = Array.from(query.layers[i].getWeights()[j].dataSync());
    const trainable = query.layers[i].weights[j].trainable;
    expectClose(Array.from(w.dataSync()), before[i][j].map((k, e) => (trainable ? 0.5 * k + 0.5 * q[e] : k)), { atol: 1e-6 }, `${layer.name} weight ${j}`);
  }));
  encoder.dispose();
  query.dispose();
});

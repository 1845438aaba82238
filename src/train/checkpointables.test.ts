import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { checkpointableModel, checkpointableOptimizer, checkpointableVariable } from './checkpointables';
import { createMlpEncoder } from '../models/encoders';
import type { CheckpointPart } from '../runtime/checkpointable';
import { expectClose } from '../runtime/assertions';
import { Rng } from '../runtime/random';
import { storedPart } from '../testing/stored-part';

const encoder = (seed: number, hidden = 4) => createMlpEncoder({ inputShape: [3], hiddenUnits: [hidden], outputDim: 2, rng: new Rng(seed) });
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

function adamStep(model: tf.LayersModel, optimizer: tf.Optimizer): void {
  const input = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]); // [2, 3]
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.dispose(optimizer.minimize(() => tf.sum(tf.square(model.apply(input) as tf.Tensor)) as tf.Scalar, true, variables) as tf.Scalar);
  input.dispose();
}

test("checkpointableModel: the weights' names and shapes as JSON, values as tensors 0, 1, …; restored exactly", () => {
  const a = encoder(1);
  const b = encoder(2);
  const saved = checkpointableModel(a).saveCheckpoint() as CheckpointPart;
  assert.deepEqual((saved.json as Array<{ shape: number[] }>).map((w) => w.shape), [[3, 4], [4], [4, 2], [2]]);
  assert.deepEqual(Object.keys(saved.tensors!), ['0', '1', '2', '3']);
  const { stored, problems } = storedPart(saved, "model 'encoder'");
  const part = checkpointableModel(b);
  part.checkCheckpoint(stored);
  assert.deepEqual(problems, []);
  const before = tf.memory().numTensors;
  part.restoreCheckpoint(stored);
  assert.equal(tf.memory().numTensors, before, 'restoring leaks nothing');
  assert.deepEqual(weightsOf(b), weightsOf(a));
  a.dispose();
  b.dispose();
});

test('checkpointableModel: other shapes or another number of weights are reported, naming the weight', () => {
  const a = encoder(1);
  const wider = encoder(1, 5);
  const saved = checkpointableModel(a).saveCheckpoint() as CheckpointPart;
  const probe = storedPart(saved, "model 'encoder'");
  checkpointableModel(wider).checkCheckpoint(probe.stored);
  assert.equal(probe.problems.length, 3);
  assert.match(probe.problems[0], /^model 'encoder' weight 0 \(.*kernel\) is \[3,4\] in the checkpoint, \[3,5\] now$/);
  const fewer = storedPart({ json: (saved.json as unknown[]).slice(0, 2), tensors: saved.tensors }, "model 'encoder'");
  checkpointableModel(a).checkCheckpoint(fewer.stored);
  assert.deepEqual(fewer.problems, ["model 'encoder' has 2 weight tensors in the checkpoint, 4 now"]);
  a.dispose();
  wider.dispose();
});

test('checkpointableOptimizer: Adam\'s step count and moments round trip (the next step is identical), old slots freed', async () => {
  const modelA = encoder(1);
  const modelB = encoder(1);
  const adamA = tf.train.adam(0.01);
  const adamB = tf.train.adam(0.01);
  for (let i = 0; i < 2; i++) adamStep(modelA, adamA);
  adamStep(modelB, adamB); // B has slots already: restoring must replace them
  modelB.setWeights(modelA.getWeights());
  const saved = await checkpointableOptimizer(adamA).saveCheckpoint();
  assert.deepEqual(saved.json, { className: 'Adam', count: 9 });
  const { stored, problems } = storedPart(saved, 'its optimizer');
  const part = checkpointableOptimizer(adamB);
  part.checkCheckpoint(stored);
  assert.deepEqual(problems, []);
  const before = tf.memory().numTensors;
  await part.restoreCheckpoint(stored);
  assert.equal(tf.memory().numTensors, before, 'the old slot variables are freed');
  adamStep(modelA, adamA);
  adamStep(modelB, adamB);
  // Within float32 rounding: tfjs' Adam.setWeights recomputes its bias corrections as β^(t+1)
  // with pow, where the trained optimizer multiplied them up step by step.
  weightsOf(modelB).forEach((values, i) => expectClose(values, weightsOf(modelA)[i], { atol: 1e-6, rtol: 1e-5 }, `weight ${i} after one more step`));
  const sgd = tf.train.momentum(0.01, 0.9);
  const probe = storedPart(saved, 'its optimizer');
  checkpointableOptimizer(sgd).checkCheckpoint(probe.stored);
  assert.deepEqual(probe.problems, ['its optimizer is Adam in the checkpoint, Momentum now']);
  [adamA, adamB, sgd].forEach((o) => o.dispose());
  modelA.dispose();
  modelB.dispose();
});

test('checkpointableVariable: its value is the one tensor, named \'\'; another shape is reported', () => {
  const a = tf.variable(tf.tensor1d([0.07, 0.2]));
  const b = tf.variable(tf.tensor1d([1, 1]));
  const c = tf.variable(tf.scalar(1));
  const saved = checkpointableVariable(a).saveCheckpoint() as CheckpointPart;
  assert.deepEqual(Object.keys(saved.tensors!), ['']);
  const { stored, problems } = storedPart(saved, "variable 'temperature'");
  checkpointableVariable(b).checkCheckpoint(stored);
  checkpointableVariable(b).restoreCheckpoint(stored);
  assert.deepEqual(problems, []);
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  checkpointableVariable(c).checkCheckpoint(stored);
  assert.deepEqual(problems, ["variable 'temperature' is [2] in the checkpoint, [] now"]);
  tf.dispose([a, b, c]);
});

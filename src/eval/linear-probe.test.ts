import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { linearProbe } from './linear-probe';

/** Gaussian blobs, one per class, in `dim` dimensions. */
function blobs(rng: Rng, n: number, dim: number, numClasses: number, spread: number) {
  const centres = Array.from({ length: numClasses }, () => Array.from({ length: dim }, () => 3 * rng.normal()));
  const labels = Array.from({ length: n }, (_, i) => i % numClasses);
  const points = labels.map((c) => centres[c].map((x) => x + spread * rng.normal()));
  return { points, labels };
}

test('separable classes are learned perfectly, and nothing leaks', async () => {
  const rng = new Rng(3);
  const train = blobs(rng, 200, 5, 4, 0.3);
  const x = tf.tensor2d(train.points);
  const before = tf.memory().numTensors;
  const losses: number[] = [];
  const result = await linearProbe({ embeddings: x, labels: train.labels }, { embeddings: x, labels: train.labels }, { epochs: 20, batchSize: 32, onEpoch: (_, loss) => losses.push(loss) });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked (variables and Adam state disposed)');
  assert.equal(result.trainAccuracy, 1);
  assert.equal(result.testAccuracy, 1);
  assert.equal(result.testTop5, 1);
  assert.equal(losses.length, 20);
  assert.ok(losses[19] < losses[0] / 4, `the loss fell: ${losses[0]} → ${losses[19]}`);
  assert.equal(result.weights.length, 5);
  assert.equal(result.weights[0].length, 4);
  x.dispose();
});

test('converges to the optimum of the regularised loss: its float64 gradient is ≈ 0', async () => {
  // Overlapping classes (not separable) with weight decay: a strictly convex problem with a unique
  // optimum, where ∇_W = Zᵀ(P − Y)/N + 2λW and ∇_b = mean(P − Y) vanish.
  const rng = new Rng(8);
  const data = blobs(rng, 120, 3, 3, 2.5);
  const x = tf.tensor2d(data.points);
  const lambda = 0.01;
  const result = await linearProbe({ embeddings: x, labels: data.labels }, { embeddings: x, labels: data.labels }, {
    epochs: 300, batchSize: 120, learningRate: 0.05, weightDecay: lambda,
  });
  x.dispose();
  const { weights, bias, featureMean, featureStd } = result;
  const numClasses = 3;
  const gradW = weights.map((row) => row.map(() => 0));
  const gradB = new Array(numClasses).fill(0);
  let loss = 0;
  for (let i = 0; i < data.points.length; i++) {
    const z = data.points[i].map((v, d) => (v - featureMean[d]) / featureStd[d]);
    const logits = bias.map((b, c) => b + z.reduce((sum, zd, d) => sum + zd * weights[d][c], 0));
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((a, b) => a + b, 0);
    const p = exps.map((e) => e / total);
    loss -= Math.log(p[data.labels[i]]);
    for (let c = 0; c < numClasses; c++) {
      const residual = p[c] - (c === data.labels[i] ? 1 : 0);
      gradB[c] += residual / data.points.length;
      for (let d = 0; d < z.length; d++) gradW[d][c] += (residual * z[d]) / data.points.length;
    }
  }
  for (let d = 0; d < weights.length; d++) for (let c = 0; c < numClasses; c++) gradW[d][c] += 2 * lambda * weights[d][c];
  const gradNorm = Math.hypot(...gradW.flat(), ...gradB);
  assert.ok(gradNorm < 1e-4, `gradient norm at the probe's solution ${gradNorm}`);
  assert.ok(result.trainAccuracy > 0.5 && result.trainAccuracy < 1, `overlapping classes: ${result.trainAccuracy}`);
  // The reported loss is the same objective (without the penalty) up to the last steps' drift.
  assert.ok(Math.abs(result.finalLoss - (loss / data.points.length + lambda * weights.flat().reduce((s, w) => s + w * w, 0))) < 1e-3);
});

test('the same seed gives the same probe', async () => {
  const rng = new Rng(5);
  const data = blobs(rng, 90, 4, 3, 2);
  const x = tf.tensor2d(data.points);
  const run = () => linearProbe({ embeddings: x, labels: data.labels }, { embeddings: x, labels: data.labels }, { epochs: 3, batchSize: 16 });
  const a = await run();
  const b = await run();
  assert.deepEqual(a.weights, b.weights);
  x.dispose();
});

test('bad input errors name the function and the argument', async () => {
  const x = tf.tensor2d([[1, 0], [0, 1]]);
  const wide = tf.tensor2d([[1, 0, 0]]);
  await assert.rejects(linearProbe({ embeddings: x, labels: [0, 1] }, { embeddings: wide, labels: [0] }), /linearProbe: 'test.embeddings' must be \[rows, 2\] like 'train.embeddings', got \[1,3\]/);
  await assert.rejects(linearProbe({ embeddings: x, labels: [0, 1] }, { embeddings: x, labels: [0, 1] }, { epochs: 0 }), /linearProbe: 'epochs' must be an integer ≥ 1, got 0/);
  await assert.rejects(linearProbe({ embeddings: x, labels: [0, 1] }, { embeddings: x, labels: [0, 1] }, { weightDecay: -1 }), /linearProbe: 'weightDecay' must be a finite number ≥ 0, got -1/);
  await assert.rejects(linearProbe({ embeddings: x, labels: [0, 3] }, { embeddings: x, labels: [0, 1] }, { numClasses: 2 }), /linearProbe: label 3 is ≥ 'numClasses' \(2\)/);
  tf.dispose([x, wide]);
});

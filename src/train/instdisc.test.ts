import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createInstDiscTrainer, NormalizerTracker } from './instdisc';
import { createMlpEncoder } from '../models/encoders';
import { l2Normalize } from '../models/normalize';
import { sampleNoiseIndices, sampleSharedNoiseIndices } from '../models/memory-bank';
import { estimateNormalizer, nceLoss, nonParametricSoftmaxLoss } from '../losses/instance-discrimination';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

/** tf.tidy for a function returning plain values. */
const tidyValue = <T>(fn: () => T): T => tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;

const n = 20;
const encoder = (seed: number) => createMlpEncoder({ inputShape: [5], hiddenUnits: [6], outputDim: 3, rng: new Rng(seed) });
const images = () => tf.tensor2d([[1, 0, 2, 0, 1], [0, 1, 0, -1, 0], [2, 2, 0, 0, 1]]);
const indices = [4, 11, 0];

test('NormalizerTracker: first-batch freezes, EMA follows Z ← m·Z + (1−m)·Ẑ, a number is fixed', () => {
  const once = new NormalizerTracker('first-batch');
  assert.equal(once.update(10), 10);
  assert.equal(once.needsEstimate, false);
  assert.equal(once.update(null), 10);
  const ema = new NormalizerTracker('ema', 0.99);
  assert.equal(ema.update(10), 10);
  expectClose(ema.update(20), 0.99 * 10 + 0.01 * 20, { atol: 1e-12 });
  assert.equal(new NormalizerTracker(5).update(null), 5);
  assert.throws(() => new NormalizerTracker('sometimes' as never), /'mode' must be 'first-batch', 'ema' or a number/);
});

test('InstDiscTrainer.step (NCE, shared noise, momentum update): loss from the losses module with Z from the first batch; bank ← normalise(½v + ½f)', () => {
  const model = encoder(1);
  const trainer = createInstDiscTrainer({ encoder: model, datasetSize: n, numNegatives: 7, temperature: 0.5, rng: new Rng(9), bankRng: new Rng(3), optimizer: tf.train.sgd(0.1) });
  const x = images();
  const bank0 = trainer.memoryBank.vectors.clone();
  const noise = sampleSharedNoiseIndices(new Rng(9), 7, n); // one set of K draws for the batch
  const [expectedLoss, expectedZ, expectedRows] = tidyValue(() => {
    const f = l2Normalize(model.predict(x) as tf.Tensor2D);
    const noiseTensor = tf.tensor1d(noise, 'int32'); // [K]
    const z = estimateNormalizer(f, bank0, noiseTensor, { temperature: 0.5 });
    const loss = nceLoss(f, bank0, tf.tensor1d(indices, 'int32'), noiseTensor, { temperature: 0.5, normalizer: z }).dataSync()[0];
    const old = tf.gather(bank0, tf.tensor1d(indices, 'int32'));
    const rows = l2Normalize(tf.add(tf.mul(old, 0.5), tf.mul(f, 0.5)) as tf.Tensor2D).arraySync();
    return [loss, z, rows] as const;
  });
  const out = trainer.step({ images: x, indices }, { step: 0, epoch: 0, stepInEpoch: 0, learningRate: 0.1 });
  expectClose(out.loss, expectedLoss, { atol: 1e-5 }, 'loss');
  expectClose(out.metrics!.normalizer, expectedZ, { rtol: 1e-5 }, 'Z');
  const rows = trainer.memoryBank.gather(indices);
  expectClose(rows, expectedRows, { atol: 1e-6 }, 'bank rows');
  assert.deepEqual(indices.map((i) => trainer.memoryBank.ages[i]), [0, 0, 0]);
  assert.equal(out.metrics!.neverWrittenNoise, 1);
  // Z stays frozen in 'first-batch' mode.
  const second = trainer.step({ images: x, indices }, { step: 1, epoch: 0, stepInEpoch: 1, learningRate: 0.1 });
  assert.equal(second.metrics!.normalizer, out.metrics!.normalizer);
  assert.equal(second.metrics!.positiveStaleness, 1);
  tf.dispose([x, bank0, rows]);
  trainer.dispose();
  model.dispose();
});

test('InstDiscTrainer.step (NCE, per-sample noise, Z EMA): K draws per sample as the paper; shared draws with excludePositive', () => {
  const model = encoder(4);
  const trainer = createInstDiscTrainer({ encoder: model, datasetSize: n, numNegatives: 5, noise: 'per-sample', normalizer: 'ema', temperature: 0.5, rng: new Rng(8), bankRng: new Rng(3), optimizer: tf.train.sgd(0.1) });
  const x = images();
  const noise = sampleNoiseIndices(new Rng(8), 3, 5, n);
  const [expectedLoss, expectedZ] = tidyValue(() => {
    const f = l2Normalize(model.predict(x) as tf.Tensor2D);
    const noiseTensor = tf.tensor2d(noise, [3, 5], 'int32'); // [batch, K]
    const z = estimateNormalizer(f, trainer.memoryBank.vectors, noiseTensor, { temperature: 0.5 });
    return [nceLoss(f, trainer.memoryBank.vectors, tf.tensor1d(indices, 'int32'), noiseTensor, { temperature: 0.5, normalizer: z }).dataSync()[0], z] as const;
  });
  const out = trainer.step({ images: x, indices });
  expectClose(out.loss, expectedLoss, { atol: 1e-5 }, 'loss');
  expectClose(out.metrics!.normalizer, expectedZ, { rtol: 1e-5 }, 'Z (first estimate)');
  trainer.dispose();
  const excluding = createInstDiscTrainer({ encoder: model, datasetSize: n, numNegatives: 15, excludePositive: true, rng: new Rng(1) });
  assert.ok(Number.isFinite(excluding.step({ images: x, indices }).loss)); // shared draws avoid the batch's 3 rows: 15 of the other 17
  assert.throws(() => createInstDiscTrainer({ encoder: model, datasetSize: n, numNegatives: 5, noise: 'each' as never }), /'noise' must be 'shared' or 'per-sample', got "each"/);
  excluding.dispose();
  x.dispose();
  model.dispose();
});

test('InstDiscTrainer.step (proximal): loss includes λ·mean‖f − v‖²; the bank row becomes f', () => {
  const model = encoder(2);
  const trainer = createInstDiscTrainer({ encoder: model, datasetSize: n, numNegatives: 5, bankUpdate: 'proximal', proximalLambda: 3, normalizer: 'ema', optimizer: tf.train.sgd(0.1) });
  const x = images();
  const [f0, penalty] = tidyValue(() => {
    const f = l2Normalize(model.predict(x) as tf.Tensor2D);
    const v = trainer.memoryBank.gather(indices);
    return [f.arraySync(), 3 * tf.mean(tf.sum(tf.square(tf.sub(f, v)), 1)).dataSync()[0]] as const;
  });
  const out = trainer.step({ images: x, indices });
  expectClose(out.metrics!.proximal, penalty, { atol: 1e-5 });
  const rows = trainer.memoryBank.gather(indices);
  expectClose(rows, f0, { atol: 1e-6 });
  tf.dispose([x, rows]);
  trainer.dispose();
  model.dispose();
});

test('InstDiscTrainer.step (softmax): the full non-parametric softmax; no leaks across steps', () => {
  const model = encoder(3);
  const trainer = createInstDiscTrainer({ encoder: model, datasetSize: n, loss: 'softmax', temperature: 0.1 });
  const x = images();
  const expected = tf.tidy(() => nonParametricSoftmaxLoss(l2Normalize(model.predict(x) as tf.Tensor2D), trainer.memoryBank.vectors, tf.tensor1d(indices, 'int32'), { temperature: 0.1 }).dataSync()[0]);
  const out = trainer.step({ images: x, indices });
  expectClose(out.loss, expected, { atol: 1e-5 });
  const before = tf.memory().numTensors;
  for (let i = 0; i < 5; i++) trainer.step({ images: x, indices });
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => createInstDiscTrainer({ encoder: model, datasetSize: 10, numNegatives: 10 }), /'numNegatives' must be an integer in \[1, datasetSize\)/);
  x.dispose();
  trainer.dispose();
  model.dispose();
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createMocoTrainer } from './moco';
import { train } from './loop';
import { instanceBatches } from '../data/batches';
import { createMlpEncoder } from '../models/encoders';
import { l2Normalize } from '../models/normalize';
import { encodeInGroups } from '../models/shuffle-bn';
import { infoNCELoss } from '../losses/info-nce';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

/** tf.tidy for a function returning plain values. */
const tidyValue = <T>(fn: () => T): T => tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;

const encoder = (seed: number) => createMlpEncoder({ inputShape: [6], hiddenUnits: [8], outputDim: 4, rng: new Rng(seed) });
const values = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test('MocoTrainer.step: loss = InfoNCE against the queue as it was BEFORE the step; keys enqueued after', () => {
  const model = encoder(1);
  const trainer = createMocoTrainer({ encoder: model, batchSize: 2, queueSize: 6, momentum: 0.9, temperature: 0.5, optimizer: tf.train.sgd(0.1) });
  const xq = tf.tensor2d([[1, 0, 0, 1, 0, 2], [0, 1, 1, 0, -1, 0]]);
  const xk = tf.tensor2d([[1, 0.1, 0, 1, 0, 2], [0, 1, 1, 0.2, -1, 0]]);
  const queueBefore = trainer.queue.negatives.clone();
  // At the first step the key encoder equals the query encoder (θk = θq, so the update keeps it).
  const expected = tidyValue(() => {
    const q = l2Normalize(model.predict(xq) as tf.Tensor2D);
    const k = l2Normalize(model.predict(xk) as tf.Tensor2D);
    return [infoNCELoss(q, k, queueBefore, { temperature: 0.5 }).dataSync()[0], k.arraySync()] as const;
  });
  // Had the keys been enqueued before the loss, each positive would also be a negative:
  const leaky = tidyValue(() => {
    const q = l2Normalize(model.predict(xq) as tf.Tensor2D);
    const k = l2Normalize(model.predict(xk) as tf.Tensor2D);
    const queueWithKeys = tf.concat([k, queueBefore.slice([2, 0], [4, 4])]) as tf.Tensor2D;
    return infoNCELoss(q, k, queueWithKeys, { temperature: 0.5 }).dataSync()[0];
  });
  assert.ok(Math.abs(leaky - expected[0]) > 1e-3, 'the check can tell the two orders apart');
  const out = trainer.step({ query: xq, key: xk, indices: [7, 8] });
  expectClose(out.loss, expected[0], { atol: 1e-6 }, 'loss');
  expectClose(trainer.queue.negatives.slice([0, 0], [2, 4]), expected[1], { atol: 1e-6 }, 'enqueued keys');
  assert.deepEqual(Array.from(trainer.queue.sampleIndices.slice(0, 2)), [7, 8]);
  assert.ok(out.metrics && Number.isFinite(out.metrics.positiveSimilarity));
  tf.dispose([xq, xk, queueBefore]);
  trainer.dispose();
  model.dispose();
});

test('MocoTrainer.step: momentum update θk ← m·θk + (1−m)·θq happens before the keys, with the pre-step θq', () => {
  const model = encoder(2);
  const trainer = createMocoTrainer({ encoder: model, batchSize: 2, queueSize: 4, momentum: 0.9, optimizer: tf.train.sgd(0.5) });
  const batch = () => ({ query: tf.tensor2d([[1, 2, 0, 0, 1, 0], [0, 0, 1, 1, 0, 3]]), key: tf.tensor2d([[1, 2, 0, 0.5, 1, 0], [0, 0.3, 1, 1, 0, 3]]) });
  const b1 = batch();
  trainer.step(b1);
  const key1 = values(trainer.momentumEncoder.key);
  const query1 = values(model);
  assert.notDeepEqual(query1, key1, 'the query moved by gradient, the key did not');
  const b2 = batch();
  const xkBefore = b2.key.clone();
  trainer.step(b2);
  const key2 = values(trainer.momentumEncoder.key);
  key2.forEach((w, i) => expectClose(w, key1[i].map((k, j) => 0.9 * k + 0.1 * query1[i][j]), { atol: 1e-6 }, `key weight ${i}`));
  // The keys enqueued at step 2 come from the updated key encoder.
  const expectedKeys = tf.tidy(() => l2Normalize(trainer.momentumEncoder.key.predict(xkBefore) as tf.Tensor2D).arraySync());
  expectClose(trainer.queue.negatives.slice([2, 0], [2, 4]), expectedKeys, { atol: 1e-6 });
  tf.dispose([b1.query, b1.key, b2.query, b2.key, xkBefore]);
  trainer.dispose();
  model.dispose();
});

test('MocoTrainer in the training loop: within an epoch the queue holds no sample of the current batch; tensor count flat; loss finite', async () => {
  const model = encoder(3);
  const n = 24;
  const batchSize = 4;
  const trainer = createMocoTrainer({ encoder: model, batchSize, datasetSize: n, queueSize: 16, momentum: 0.99, trackAccuracy: true });
  const data = new Rng(4).normalArray(n * 6);
  const source = (epoch: number) => instanceBatches(n, { batchSize, dropLast: true, epoch, rng: new Rng(5) }).map((b) => b.indices);
  const noise = new Rng(6);
  const view = (indices: Int32Array) => tf.tidy(() => tf.add(tf.gather(tf.tensor2d(data, [n, 6]), tf.tensor1d(indices, 'int32')), tf.tensor2d(noise.normalArray(indices.length * 6, 0, 0.1), [indices.length, 6])));
  let violations = 0;
  const step = trainer.step;
  // Warm up (Adam's slots) on a batch without indices, so the queue holds no data-set index yet.
  const warm = source(99)[0];
  const warmQuery = view(warm);
  const warmKey = view(warm);
  step({ query: warmQuery, key: warmKey });
  tf.dispose([warmQuery, warmKey]);
  const before = tf.memory().numTensors;
  const result = await train({
    batches: function* (epoch) {
      for (const indices of source(epoch)) yield { query: view(indices), key: view(indices), indices };
    },
    step: (b, c) => {
      const inQueue = new Set(Array.from(trainer.queue.sampleIndices));
      if (Array.from(b.indices as Int32Array).some((i) => inQueue.has(i))) violations += 1;
      return step(b, c);
    },
    optimizer: trainer.optimizer,
    budget: { epochs: 1, steps: 13 },
    progress: false,
  });
  assert.equal(violations, 0);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks across MoCo steps');
  assert.ok(result.history.steps.every((s) => Number.isFinite(s.loss) && s.metrics!.pretextAccuracy >= 0 && s.metrics!.pretextAccuracy <= 1));
  assert.throws(() => createMocoTrainer({ encoder: model, batchSize: 5, queueSize: 16 }), /multiple of the batch size \(5\)/);
  trainer.dispose();
  model.dispose();
});

test('MocoTrainer with batchNormGroups: queries in aligned groups, keys shuffled by default (Shuffle-BN) or aligned with shuffleKeys: false; bad groups refused', () => {
  const bn = (seed: number) => createMlpEncoder({ inputShape: [6], hiddenUnits: [8], outputDim: 4, batchNorm: true, rng: new Rng(seed) });
  const xq = tf.tensor2d(new Rng(11).normalArray(8 * 6), [8, 6]);
  const xk = tf.tensor2d(new Rng(12).normalArray(8 * 6), [8, 6]);
  const lossOf = (options: { shuffleKeys?: boolean }) => {
    const model = bn(13);
    const trainer = createMocoTrainer({ encoder: model, batchSize: 8, queueSize: 16, momentum: 0.9, temperature: 0.5, optimizer: tf.train.sgd(0), batchNormGroups: 4, ...options });
    const queue = trainer.queue.negatives.clone();
    // The first step's keys come from an exact copy of the query encoder (θk = θq).
    const expectedAligned = tidyValue(() => {
      const q = encodeInGroups(model, xq, 4);
      const k = encodeInGroups(model, xk, 4);
      return infoNCELoss(q, k, queue, { temperature: 0.5 }).dataSync()[0];
    });
    const out = trainer.step({ query: xq, key: xk });
    const state = trainer.checkpointState();
    queue.dispose();
    trainer.dispose();
    model.dispose();
    return { loss: out.loss, expectedAligned, rngs: Object.keys(state.rngs ?? {}) };
  };
  const aligned = lossOf({ shuffleKeys: false });
  expectClose(aligned.loss, aligned.expectedAligned, { atol: 1e-5 }, 'aligned groups');
  assert.deepEqual(aligned.rngs, []);
  const shuffled = lossOf({});
  assert.ok(Math.abs(shuffled.loss - shuffled.expectedAligned) > 1e-4, `Shuffle-BN is the default with groups > 1 and changes the keys (${shuffled.loss} vs ${shuffled.expectedAligned})`);
  assert.deepEqual(shuffled.rngs, ['shuffleBn'], 'the shuffle stream is part of the checkpoint');
  assert.throws(() => createMocoTrainer({ encoder: encoder(14), batchSize: 8, queueSize: 16, batchNormGroups: 3 }), /'batchNormGroups' must be an integer ≥ 1 that divides batchSize = 8, got 3/);
  tf.dispose([xq, xk]);
});

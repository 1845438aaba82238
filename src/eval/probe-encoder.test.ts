import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { Rng } from '../data/random';
import { embedSplit } from '../models/embed';
import { linearProbe } from './linear-probe';
import { probeEncoder } from './probe-encoder';

/** Four classes: class c is bright in the c-th band of seven image rows, with noise. */
function bandSplit(name: 'train' | 'test', count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 4;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round((Math.floor(p / 196) === labels[i] ? 150 : 30) + 100 * rng.next());
  }
  return { name, images, labels, count, height: 28, width: 28 };
}

/** A flat encoder whose c-th feature sums band c, plus a random one. */
function bandEncoder(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 5, useBias: false })] });
  const kernel = new Float32Array(784 * 5);
  const rng = new Rng(1);
  for (let p = 0; p < 784; p++) {
    kernel[p * 5 + Math.floor(p / 196)] = 1 / 196;
    kernel[p * 5 + 4] = rng.normal() / 28;
  }
  model.layers[0].setWeights([tf.tensor2d(kernel, [784, 5])]);
  return model;
}

test('probeEncoder is the linear probe of the encoder\'s normalised features, without leaks or changes to the encoder', async () => {
  const train = bandSplit('train', 80, 2), testSplit = bandSplit('test', 40, 3);
  const encoder = bandEncoder();
  const weightsBefore = encoder.getWeights()[0].dataSync().slice();
  const before = tf.memory().numTensors;
  const probe = await probeEncoder(encoder, train, testSplit, { layout: 'flat', epochs: 15, batchSize: 16 });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  assert.deepEqual(encoder.getWeights()[0].dataSync(), weightsBefore, 'the encoder is frozen');
  assert.equal(probe.testAccuracy, 1, 'the bands separate the classes');
  // The same probe by hand: embedSplit, then linearProbe.
  const trainFeatures = embedSplit(encoder, train, { layout: 'flat' }), testFeatures = embedSplit(encoder, testSplit, { layout: 'flat' });
  const byHand = await linearProbe({ embeddings: trainFeatures, labels: train.labels }, { embeddings: testFeatures, labels: testSplit.labels }, { epochs: 15, batchSize: 16 });
  tf.dispose([trainFeatures, testFeatures]);
  assert.deepEqual(probe.weights, byHand.weights);
  assert.equal(probe.finalLoss, byHand.finalLoss);
  encoder.dispose();
});

test('probeEncoder names the argument that is wrong, and leaks nothing when the probe throws', async () => {
  const split = bandSplit('train', 8, 4);
  const encoder = bandEncoder();
  await assert.rejects(probeEncoder({} as tf.LayersModel, split, split), /probeEncoder: 'encoder' must be a tf.LayersModel/);
  await assert.rejects(probeEncoder(encoder, { images: [] } as unknown as ImageSplit, split), /probeEncoder: 'train' must be an ImageSplit/);
  await assert.rejects(probeEncoder(encoder, split, null as unknown as ImageSplit), /probeEncoder: 'test' must be an ImageSplit/);
  const before = tf.memory().numTensors;
  await assert.rejects(probeEncoder(encoder, split, split, { layout: 'flat', epochs: 0 }), /linearProbe: 'epochs'/);
  assert.equal(tf.memory().numTensors, before, 'features disposed after the error');
  encoder.dispose();
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { bandEncoder, bandSplit } from '../testing/band-data';
import { embedSplit } from '../models/embed';
import { linearProbe } from './linear-probe';
import { probeEncoder } from './probe-encoder';


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

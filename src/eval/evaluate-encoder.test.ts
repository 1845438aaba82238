import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { bandEncoder, bandSplit } from '../testing/band-data';
import { embedSplit } from '../models/embed';
import { evaluateEmbeddings } from './evaluate';
import { evaluateEncoder, knnAccuracies } from './evaluate-encoder';


test('evaluateEncoder equals embedSplit + evaluateEmbeddings, leaks nothing and leaves the encoder as it was', async () => {
  const train = bandSplit('train', 80, 2), testSplit = bandSplit('test', 40, 3);
  const encoder = bandEncoder();
  const weightsBefore = encoder.getWeights()[0].dataSync().slice();
  for (const options of [{ layout: 'flat' as const }, { layout: 'flat' as const, normalize: false, metric: 'euclidean' as const, k: 5 }]) {
    const before = tf.memory().numTensors;
    const result = await evaluateEncoder(encoder, train, testSplit, options);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    const trainEmbeddings = embedSplit(encoder, train, { layout: 'flat', normalize: options.normalize });
    const testEmbeddings = embedSplit(encoder, testSplit, { layout: 'flat', normalize: options.normalize });
    const byHand = await evaluateEmbeddings(
      { embeddings: trainEmbeddings, labels: train.labels },
      { embeddings: testEmbeddings, labels: testSplit.labels },
      { metric: options.metric, k: options.k },
    );
    tf.dispose([trainEmbeddings, testEmbeddings]);
    const { seconds: _a, ...kept } = result;
    const { seconds: _b, ...expected } = byHand;
    assert.deepEqual(kept, expected);
    assert.equal(result.oneNNTop1, 1, 'the bands separate the classes');
    assert.equal(result.numTrain, 80);
    assert.equal(result.numTest, 40);
  }
  assert.equal((await evaluateEncoder(encoder, train, testSplit, { layout: 'flat', k: 7 })).k, 7, 'options reach evaluateEmbeddings');
  assert.deepEqual(encoder.getWeights()[0].dataSync(), weightsBefore, 'the encoder is unchanged');
  encoder.dispose();
});

test('evaluateEncoder names the argument that is wrong, and leaks nothing when it throws', async () => {
  const split = bandSplit('train', 8, 4);
  const encoder = bandEncoder();
  await assert.rejects(evaluateEncoder({} as tf.LayersModel, split, split), /evaluateEncoder: 'encoder' must be a tf.LayersModel/);
  await assert.rejects(evaluateEncoder(encoder, { images: [] } as unknown as ImageSplit, split), /evaluateEncoder: 'train' must be an ImageSplit/);
  await assert.rejects(evaluateEncoder(encoder, split, null as unknown as ImageSplit), /evaluateEncoder: 'test' must be an ImageSplit/);
  await assert.rejects(evaluateEncoder(encoder, split, split, null as unknown as {}), /evaluateEncoder: 'options' must be an object/);
  await assert.rejects(evaluateEncoder(encoder, split, split, { layout: 'nchw' as 'flat' }), /evaluateEncoder: 'layout' must be 'nhwc' or 'flat', got "nchw"/);
  await assert.rejects(evaluateEncoder(encoder, split, split, { layout: 'flat', normalize: 'no' as unknown as boolean }), /evaluateEncoder: 'normalize' must be true or false, got "no"/);
  const before = tf.memory().numTensors;
  await assert.rejects(evaluateEncoder(encoder, split, split, { layout: 'flat', k: 0 }), /evaluateEmbeddings: 'k'/);
  assert.equal(tf.memory().numTensors, before, 'the embeddings are disposed when the evaluation throws');
  encoder.dispose();
});

test('knnAccuracies: the weighted kNN and 1-NN of evaluateEncoder, nothing else; errors name it', async () => {
  const train = bandSplit('train', 80, 5), testSplit = bandSplit('test', 40, 6);
  const encoder = bandEncoder();
  const before = tf.memory().numTensors;
  const accuracies = await knnAccuracies(encoder, train, testSplit, { layout: 'flat' });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  const full = await evaluateEncoder(encoder, train, testSplit, { layout: 'flat' });
  assert.deepEqual(accuracies, { knnTop1: full.knnTop1, oneNNTop1: full.oneNNTop1 });
  const asRecord: Record<string, number> = accuracies; // what loadOrTrain's evaluate returns
  assert.equal(asRecord.knnTop1, full.knnTop1);
  await assert.rejects(knnAccuracies({} as tf.LayersModel, train, testSplit), /knnAccuracies: 'encoder' must be a tf.LayersModel/);
  await assert.rejects(knnAccuracies(encoder, train, testSplit, { layout: 'flat', normalize: 1 as unknown as boolean }), /knnAccuracies: 'normalize' must be true or false/);
  encoder.dispose();
});

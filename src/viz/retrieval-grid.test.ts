import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { Rng } from '../runtime/random';
import { showRetrievalGrid } from './retrieval-grid';
import { captureLogAsync } from '../testing/capture-log';

/** Four classes: class c is bright in the c-th band of seven image rows, with noise. */
function bandSplit(name: 'train' | 'test', count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = (i * 3) % 4;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round((Math.floor(p / 196) === labels[i] ? 150 : 30) + 100 * rng.next());
  }
  return { name, images, labels, count, height: 28, width: 28 };
}

/** A flat encoder whose c-th feature sums band c. */
function bandEncoder(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 4, useBias: false })] });
  const kernel = new Float32Array(784 * 4);
  for (let p = 0; p < 784; p++) kernel[p * 4 + Math.floor(p / 196)] = 1 / 196;
  model.layers[0].setWeights([tf.tensor2d(kernel, [784, 4])]);
  return model;
}

test('showRetrievalGrid: one query per class, its nearest references by cosine, a grid with a row per query', async () => {
  const queries = bandSplit('test', 20, 5), references = bandSplit('train', 40, 6);
  const encoder = bandEncoder();
  const before = tf.memory().numTensors;
  const { result, lines } = await captureLogAsync(() => showRetrievalGrid(encoder, queries, references, { numQueries: 3, k: 5, layout: 'flat', classNames: ['top', 'upper', 'lower', 'bottom'], title: 'bands' }));
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  assert.equal(result.queryIndices.length, 3);
  assert.equal(new Set(Array.from(result.queryIndices, (i) => queries.labels[i])).size, 3, 'three different classes');
  assert.equal(result.neighbours.k, 5);
  for (let row = 0; row < 3; row++) {
    const label = queries.labels[result.queryIndices[row]];
    for (let j = 0; j < 5; j++) assert.equal(references.labels[result.neighbours.indices[row * 5 + j]], label, 'the band encoder finds the same class');
    for (let j = 1; j < 5; j++) assert.ok(result.neighbours.similarities[row * 5 + j] <= result.neighbours.similarities[row * 5 + j - 1], 'nearest first');
  }
  const text = lines.join('\n').split('\n');
  assert.equal(text[0], 'bands');
  assert.equal(text.length, 4, 'title and one line per query');
  assert.match(text[1], new RegExp(`^#${result.queryIndices[0]}: query: (top|upper|lower|bottom)`));
  encoder.dispose();
});

test('showRetrievalGrid names the argument that is wrong', async () => {
  const split = bandSplit('test', 8, 7);
  const encoder = bandEncoder();
  await assert.rejects(showRetrievalGrid(encoder, split, split, { numQueries: 5, layout: 'flat' }), /showRetrievalGrid: 'numQueries' must be at most the number of classes in 'queries' \(4\), got 5/);
  await assert.rejects(showRetrievalGrid(encoder, split, split, { k: 0 }), /showRetrievalGrid: 'k'/);
  await assert.rejects(showRetrievalGrid(encoder, {} as ImageSplit, split), /showRetrievalGrid: 'queries' must be an ImageSplit/);
  encoder.dispose();
});

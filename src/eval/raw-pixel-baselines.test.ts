import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/fashion-mnist';
import { rawPixelBaselines } from './raw-pixel-baselines';

function split(name: 'train' | 'test', rows: number[][], labels: number[]): ImageSplit {
  return { name, images: Uint8Array.from(rows.flat()), labels: Uint8Array.from(labels), count: rows.length, height: 2, width: 2 };
}

// 2×2 "images". Train: one bright pixel per class 0–2, plus a second class-1 image.
const train = split('train', [[255, 0, 0, 0], [0, 255, 0, 0], [0, 0, 255, 0], [0, 200, 50, 0]], [0, 1, 2, 1]);

test('hand-checked 1-NN and kNN on 2×2 images', async () => {
  // Test image A is mostly pixel 0 (class 0). Test image B = pixels 1 and 2 equally: its cosine
  // with [0,255,0,0] and [0,0,255,0] is 1/√2 each, with [0,200,50,0] (200+50)/(√2·√42500) ≈ 0.858.
  const testSplit = split('test', [[250, 10, 0, 0], [0, 100, 100, 0]], [0, 2]);
  const before = tf.memory().numTensors;
  const oneNN = await rawPixelBaselines({ train, test: testSplit }, { k: 1 });
  // A → class 0 (right); B → the class-1 image [0,200,50,0] (wrong: labelled 2).
  assert.equal(oneNN.oneNNTop1, 0.5);
  // k = 4 at σ = 0.1: for B, class 1 gets e^{8.58}+e^{7.07}, class 2 only e^{7.07}: still wrong.
  const knn = await rawPixelBaselines({ train, test: testSplit }, { k: 4, temperature: 0.1 });
  assert.equal(knn.knnTop1, 0.5);
  assert.equal(knn.knnTop5, 1);
  // A very large σ makes all weights ≈ 1: a plain majority vote (class 1 has two images).
  const flat = await rawPixelBaselines({ train, test: testSplit }, { k: 4, temperature: 1e6 });
  assert.equal(flat.knnTop1, 0);
  assert.equal(tf.memory().numTensors, before);
});

test('bad input errors name the function and the argument', async () => {
  await assert.rejects(rawPixelBaselines({ train, test: {} as ImageSplit }), /rawPixelBaselines: 'data.test' must be a non-empty image split/);
  const wide: ImageSplit = { name: 'test', images: new Uint8Array(6), labels: new Uint8Array(1), count: 1, height: 2, width: 3 };
  await assert.rejects(rawPixelBaselines({ train, test: wide }), /rawPixelBaselines: 'data.test' images are 2×3 but 'data.train' images are 2×2/);
});

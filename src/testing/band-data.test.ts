import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { bandEncoder, bandSplit } from './band-data';

test('bandSplit: class i mod 4, bright in its band; bandEncoder reads the band means', () => {
  const split = bandSplit('train', 8, 1);
  assert.deepEqual(Array.from(split.labels), [0, 1, 2, 3, 0, 1, 2, 3]);
  const encoder = bandEncoder();
  const features = tf.tidy(() => encoder.predict(tf.tensor2d(split.images, [8, 784])) as tf.Tensor2D).arraySync();
  features.forEach((row, i) => assert.equal(row.slice(0, 4).indexOf(Math.max(...row.slice(0, 4))), i % 4, `image ${i}: its own band is brightest`));
  encoder.dispose();
});

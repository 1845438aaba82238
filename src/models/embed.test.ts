import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { expectClose } from '../runtime/assertions';
import { embedSplit } from './embed';

function tinySplit(count: number): ImageSplit {
  const images = new Uint8Array(count * 28 * 28);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
  return { name: 'test', images, labels: new Uint8Array(count), count, height: 28, width: 28 };
}

test('chunked embeddings equal one big forward pass, rows are unit length, nothing leaks', () => {
  const encoder = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 3, kernelInitializer: 'glorotUniform' })] });
  const split = tinySplit(7);
  const before = tf.memory().numTensors;
  const chunked = embedSplit(encoder, split, { layout: 'flat', chunkSize: 3 });
  assert.deepEqual(chunked.shape, [7, 3]);
  const whole = tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(split.images, (v) => v / 255), [7, 784]);
    const y = encoder.predict(x) as tf.Tensor2D;
    return y.div(y.norm('euclidean', 1, true));
  });
  expectClose(chunked, whole, { atol: 1e-6 }, 'chunked vs whole');
  const norms = chunked.norm('euclidean', 1);
  expectClose(norms, [1, 1, 1, 1, 1, 1, 1], { atol: 1e-6 }, 'unit rows');
  norms.dispose();
  tf.dispose([chunked, whole]);
  assert.equal(tf.memory().numTensors, before);
  encoder.dispose();
});

test('indices pick and order the images; normalize:false keeps raw outputs', () => {
  const encoder = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 2 })] });
  const split = tinySplit(5);
  const all = embedSplit(encoder, split, { normalize: false });
  const picked = embedSplit(encoder, split, { normalize: false, indices: [4, 1] });
  const expected = tf.gather(all, [4, 1]);
  expectClose(picked, expected, { atol: 1e-6 });
  tf.dispose([all, picked, expected]);
  encoder.dispose();
});

test('bad arguments are named', () => {
  const encoder = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 2 })] });
  assert.throws(() => embedSplit(encoder, tinySplit(2), { layout: 'chw' as never }), /embedSplit: 'layout' must be 'nhwc' or 'flat'/);
  assert.throws(() => embedSplit(encoder, tinySplit(2), { chunkSize: 0 }), /'chunkSize' must be a positive integer/);
  assert.throws(() => embedSplit({} as never, tinySplit(2)), /'encoder' must be a tf.LayersModel/);
  encoder.dispose();
});

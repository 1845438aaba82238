import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from './fashion-mnist';
import { Rng } from '../runtime/random';
import { twoViewBatches } from './two-view-batches';

before(async () => {
  await tf.setBackend('cpu');
});

function tinySplit(count: number): ImageSplit {
  const rng = new Rng(4);
  const images = Uint8Array.from({ length: count * 784 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { name: 'train', images, labels, count, height: 28, width: 28 };
}

test('twoViewBatches: covers the epoch, labels match, two different views, deterministic, no leaks', () => {
  const split = tinySplit(50);
  const before = tf.memory().numTensors;
  const run = (seed: number, epoch: number) => {
    const out: Array<{ indices: number[]; query: Float32Array; key: Float32Array }> = [];
    for (const batch of twoViewBatches(split, { batchSize: 16, rng: new Rng(seed), epoch, preset: 'mocoV1' })) {
      assert.deepEqual(batch.query.shape, [batch.indices.length, 28, 28, 1]);
      assert.deepEqual(batch.key.shape, batch.query.shape);
      batch.indices.forEach((index, i) => assert.equal(batch.labels[i], split.labels[index]));
      out.push({ indices: Array.from(batch.indices), query: batch.query.dataSync() as Float32Array, key: batch.key.dataSync() as Float32Array });
      tf.dispose([batch.query, batch.key]);
    }
    return out;
  };
  const a = run(1, 0);
  assert.equal(tf.memory().numTensors, before, 'no tensors left after disposing the views');
  assert.deepEqual(a.flatMap((b) => b.indices).sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(a[a.length - 1].indices.length, 2);
  assert.notDeepEqual(a[0].query, a[0].key);
  assert.deepEqual(run(1, 0), a);
  assert.notDeepEqual(run(1, 1)[0].indices, a[0].indices);
  const flat = twoViewBatches(split, { batchSize: 16, dropLast: true, layout: 'flat', rng: new Rng(1) });
  const batches = Array.from(flat);
  assert.equal(batches.length, 3);
  assert.deepEqual(batches[0].query.shape, [16, 784]);
  batches.forEach((b) => tf.dispose([b.query, b.key]));
  assert.equal(tf.memory().numTensors, before);
});

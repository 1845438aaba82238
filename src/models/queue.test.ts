import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { MocoQueue, validateQueueSize } from './queue';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { storedPart } from '../testing/stored-part';

test('MocoQueue: starts as K random unit vectors, seeded', () => {
  const a = new MocoQueue({ queueSize: 8, dim: 4, rng: new Rng(1) });
  const b = new MocoQueue({ queueSize: 8, dim: 4, rng: new Rng(1) });
  expectClose(tf.tidy(() => tf.norm(a.negatives, 'euclidean', 1)), new Array(8).fill(1), { atol: 1e-6 });
  assert.deepEqual(a.negatives.dataSync(), b.negatives.dataSync());
  assert.deepEqual(Array.from(a.sampleIndices), new Array(8).fill(-1));
  a.dispose();
  b.dispose();
});

test('MocoQueue.enqueue: a FIFO ring buffer that replaces the oldest rows', () => {
  const queue = new MocoQueue({ queueSize: 6, dim: 2, rng: new Rng(2) });
  const initial = Array.from(queue.negatives.dataSync());
  const batch = (v: number) => tf.tensor2d([[v, 0], [0, v]]);
  const before = tf.memory().numTensors;
  const keys = [1, 2, 3, 4].map(batch);
  queue.enqueue(keys[0], [10, 11]);
  assert.deepEqual(Array.from(queue.negatives.dataSync()), [1, 0, 0, 1, ...initial.slice(4)]);
  queue.enqueue(keys[1], [12, 13]);
  queue.enqueue(keys[2], [14, 15]);
  assert.equal(queue.pointer, 0);
  queue.enqueue(keys[3], [16, 17]); // wraps: overwrites the oldest (batch 1)
  assert.deepEqual(Array.from(queue.negatives.dataSync()), [4, 0, 0, 4, 2, 0, 0, 2, 3, 0, 0, 3]);
  assert.deepEqual(Array.from(queue.sampleIndices), [16, 17, 12, 13, 14, 15]);
  assert.equal(queue.enqueued, 4);
  tf.dispose(keys);
  assert.equal(tf.memory().numTensors, before, 'enqueue leaks no tensors');
  queue.dispose();
});

test('MocoQueue: construction and dispose leave no tensor behind', () => {
  const before = tf.memory().numTensors;
  const queue = new MocoQueue({ queueSize: 6, dim: 2, rng: new Rng(3) });
  assert.equal(tf.memory().numTensors, before + 1, 'only the keys variable while it lives');
  queue.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('MocoQueue: size rules give clear errors (K % batch = 0, K ≤ n − batch)', () => {
  assert.throws(() => validateQueueSize(100, 32), /'queueSize' \(100\) must be a multiple of the batch size \(32\)/);
  assert.throws(() => validateQueueSize(4096, 256, 4096), /must be at most the data set size minus one batch \(4096 − 256 = 3840\)/);
  assert.doesNotThrow(() => validateQueueSize(4096, 256, 60000));
  assert.throws(() => new MocoQueue({ queueSize: 64, dim: 2, batchSize: 24 }), /multiple of the batch size/);
  assert.throws(() => new MocoQueue({ queueSize: 64, dim: 2, datasetSize: 64 }), /smaller than the data set size/);
  const queue = new MocoQueue({ queueSize: 8, dim: 2, rng: new Rng(0) });
  const three = tf.zeros([3, 2]) as tf.Tensor2D;
  assert.throws(() => queue.enqueue(three), /multiple of the batch size \(3\)/);
  assert.throws(() => queue.enqueue(tf.zeros([2, 3]) as tf.Tensor2D), /MocoQueue.enqueue: 'keys' must be \[batch, 2\], got \[2,3\]/);
  three.dispose();
  queue.dispose();
});

test('MocoQueue: getState/setState round trip', () => {
  const queue = new MocoQueue({ queueSize: 4, dim: 2, rng: new Rng(3) });
  const keys = tf.tensor2d([[1, 0], [0, 1]]);
  queue.enqueue(keys, [5, 6]);
  const state = queue.getState();
  const other = new MocoQueue({ queueSize: 4, dim: 2, rng: new Rng(9) });
  other.setState(state);
  assert.deepEqual(other.getState(), state);
  const wrong = new MocoQueue({ queueSize: 8, dim: 2, rng: new Rng(9) });
  assert.throws(() => wrong.setState(state), /MocoQueue.setState: the state is a 4×2 queue, this queue is 8×2/);
  tf.dispose(keys);
  [queue, other, wrong].forEach((q) => q.dispose());
});

test('MocoQueue as a Checkpointable: sizes, pointer and count as JSON, keys [K, D] and sample indices [K] as tensors', () => {
  const queue = new MocoQueue({ queueSize: 4, dim: 2, rng: new Rng(3) });
  const keys = tf.tensor2d([[1, 0], [0, 1]]); // [2, 2]
  queue.enqueue(keys, [5, 6]);
  const saved = queue.saveCheckpoint();
  assert.deepEqual(saved.json, { queueSize: 4, dim: 2, pointer: 2, enqueued: 1 });
  assert.deepEqual(Object.entries(saved.tensors!).map(([name, t]) => `${name} ${t.dtype} [${t.shape}]`), ['keys float32 [4,2]', 'sampleIndices int32 [4]']);
  const other = new MocoQueue({ queueSize: 4, dim: 2, rng: new Rng(9) });
  const { stored, problems } = storedPart(saved, 'the queue');
  other.checkCheckpoint(stored);
  assert.deepEqual(problems, []);
  other.restoreCheckpoint(stored);
  assert.deepEqual(other.getState(), queue.getState());
  const wider = new MocoQueue({ queueSize: 8, dim: 2, rng: new Rng(9) });
  const probe = storedPart(saved, 'the queue');
  wider.checkCheckpoint(probe.stored);
  assert.deepEqual(probe.problems, ['the queue is [4,2] in the checkpoint, [8,2] now', "the queue's sampleIndices tensor is [4] in the checkpoint, [8] now"]);
  tf.dispose(keys);
  [queue, other, wider].forEach((q) => q.dispose());
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { Rng } from '../data/random';
import { leaderboardTable, runLeaderboard } from './leaderboard';

/** Two easy classes: bright top half vs bright bottom half, with noise. */
function toySplit(count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 784; p++) {
      const top = p < 392;
      const bright = (labels[i] === 0) === top;
      images[i * 784 + p] = Math.min(255, Math.round((bright ? 160 : 40) + 60 * rng.next()));
    }
  }
  return { name: 'train', images, labels, count, height: 28, width: 28 };
}

const createEncoder = () => tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 8, kernelInitializer: 'glorotUniform' })] });

// A loss that pulls same-class embeddings together (mean squared distance of same-class pairs
// minus that of different-class pairs), and one that learns nothing (constant).
const pullPush = (embeddings: tf.Tensor2D, labels: tf.Tensor1D) =>
  tf.tidy(() => {
    const same = tf.cast(tf.equal(labels.reshape([-1, 1]), labels.reshape([1, -1])), 'float32');
    const dots = tf.matMul(embeddings, embeddings, false, true);
    return tf.sub(tf.mean(tf.mul(tf.sub(1, same), dots)), tf.mean(tf.mul(same, dots))) as tf.Scalar;
  });
const nothing = (embeddings: tf.Tensor2D) => tf.mul(tf.sum(embeddings), 0) as tf.Scalar;

test('contenders train under the same budget and are ranked by kNN top-1; no tensor leaks', async () => {
  const train = toySplit(64, 1);
  const testSplit = { ...toySplit(32, 2), name: 'test' as const };
  const before = tf.memory().numTensors;
  const rows = await runLeaderboard(
    [{ name: 'nothing', loss: nothing }, { name: 'pull-push', loss: pullPush }],
    { train, test: testSplit, createEncoder, layout: 'flat', seconds: 60, maxEpochs: 3, classesPerBatch: 2, samplesPerClass: 4, k: 5 },
  );
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(rows.map((r) => r.name).sort(), ['nothing', 'pull-push']);
  for (const row of rows) {
    assert.equal(row.steps, 24, `${row.name}: 3 epochs of 64/(2·4) = 8 batches`);
    assert.ok(Math.abs(row.epochs - 3) < 1e-9);
    for (const key of ['knnTop1', 'oneNNTop1', 'recallAt1', 'mapAtR'] as const) assert.ok(row[key] >= 0 && row[key] <= 1, `${row.name} ${key} ${row[key]}`);
    assert.ok(Number.isFinite(row.alignment) && Number.isFinite(row.uniformity));
    assert.equal(row.losses.length, 24);
  }
  const pull = rows.find((r) => r.name === 'pull-push')!;
  assert.ok(pull.losses[pull.losses.length - 1] < pull.losses[0], 'the pull-push loss went down');
  assert.ok(rows[0].knnTop1 >= rows[1].knnTop1, 'sorted best first');
  const table = leaderboardTable(rows);
  assert.equal(table[0].rank, 1);
  assert.match(String(table[0]['kNN top-1']), /^\d+\.\d\d %$/);
  // Each measurement keeps its own decimals (showTable would pad bare numbers to four).
  assert.match(String(table[0].alignment), /^-?\d+\.\d{3}$/);
  assert.match(String(table[0].uniformity), /^-?\d+\.\d{3}$/);
  assert.match(String(table[0].epochs), /^\d+\.\d\d$/);
  assert.match(String(table[0]['train s']), /^\d+\.\d$/);
  assert.equal(table[0].steps, rows[0].steps);
});

test('the same seed gives every contender the same start: identical losses give identical rows', async () => {
  const train = toySplit(32, 3);
  const testSplit = { ...toySplit(16, 4), name: 'test' as const };
  const rows = await runLeaderboard(
    [{ name: 'a', loss: pullPush }, { name: 'b', loss: pullPush }],
    { train, test: testSplit, createEncoder: () => {
      // Weights from the kit seed (reset per contender), like the kit's encoders.
      const { createMlpEncoder } = require('../models/encoders') as typeof import('../models/encoders');
      return createMlpEncoder({ hiddenUnits: [], outputDim: 4 });
    }, layout: 'flat', seconds: 60, maxEpochs: 2, classesPerBatch: 2, samplesPerClass: 4, k: 3, seed: 5 },
  );
  assert.deepEqual(rows[0].losses, rows[1].losses);
  assert.equal(rows[0].knnTop1, rows[1].knnTop1);
});

test('bad options are named', async () => {
  const train = toySplit(8, 1);
  const options = { train, test: train, createEncoder, layout: 'flat' as const, seconds: 1 };
  await assert.rejects(() => runLeaderboard([], options), /'contenders' must be a non-empty array/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }, { name: 'x', loss: nothing }], options), /two contenders are named 'x'/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, seconds: 0 }), /'seconds' must be a positive budget/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, samplesPerClass: 1 }), /'samplesPerClass' must be ≥ 2/);
});

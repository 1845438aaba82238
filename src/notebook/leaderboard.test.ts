import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ImageSplit } from '../data/fashion-mnist';
import { Rng } from '../runtime/random';
import { leaderboardSlug, leaderboardTable, runLeaderboard } from './leaderboard';

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
    { train, test: testSplit, createEncoder, layout: 'flat', budget: { seconds: 60, epochs: 3 }, classesPerBatch: 2, samplesPerClass: 4, k: 5 },
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
    }, layout: 'flat', budget: { epochs: 2 }, classesPerBatch: 2, samplesPerClass: 4, k: 3, seeds: [5] },
  );
  assert.deepEqual(rows[0].losses, rows[1].losses);
  assert.equal(rows[0].knnTop1, rows[1].knnTop1);
});

test('bad options are named', async () => {
  const train = toySplit(8, 1);
  const options = { train, test: train, createEncoder, layout: 'flat' as const, budget: { seconds: 1 } };
  await assert.rejects(() => runLeaderboard([], options), /'contenders' must be a non-empty array/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }, { name: 'x', loss: nothing }], options), /two contenders are named 'x'/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, budget: undefined as unknown as { seconds: number } }), /runLeaderboard: 'budget' must be an object like \{ steps: 1000 \}/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, seeds: [1, 1] }), /runLeaderboard: 'seeds' must be a non-empty array of distinct integers, got \[1,1\]/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, positives: 'pairs' as 'two-views' }), /runLeaderboard: 'positives' must be 'same-class' or 'two-views', got 'pairs'/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, positives: 'two-views', imagesPerBatch: 1 }), /'imagesPerBatch' must be ≥ 2/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, checkpoint: { prefix: 'board', config: {} } }), /runLeaderboard: 'checkpoint.prefix' must look like '06-board', got "board"/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, checkpoint: { prefix: '99-board', config: {} } }), /checkpointed runs need a 'budget' in steps or epochs/);
  await assert.rejects(() => runLeaderboard([{ name: 'x', loss: nothing }], { ...options, samplesPerClass: 1 }), /'samplesPerClass' must be ≥ 2/);
});

test('several seeds: one row per contender and seed; a seed fixes start weights and batches, another changes them', async () => {
  const { createMlpEncoder } = require('../models/encoders') as typeof import('../models/encoders');
  const train = toySplit(32, 7);
  const testSplit = { ...toySplit(16, 8), name: 'test' as const };
  const rows = await runLeaderboard([{ name: 'a', loss: pullPush }, { name: 'b', loss: pullPush }], {
    train, test: testSplit, createEncoder: () => createMlpEncoder({ hiddenUnits: [], outputDim: 4 }), layout: 'flat',
    budget: { steps: 5 }, classesPerBatch: 2, samplesPerClass: 4, k: 3, seeds: [11, 12],
  });
  assert.equal(rows.length, 4);
  const run = (name: string, seed: number) => rows.find((r) => r.name === name && r.seed === seed)!;
  assert.deepEqual(run('a', 11).losses, run('b', 11).losses, 'same seed, same loss → same run');
  assert.notDeepEqual(run('a', 11).losses, run('a', 12).losses, 'another seed → other weights and batches');
  assert.ok(rows.every((r) => r.steps === 5 && r.source === 'trained' && !r.loaded));
});

test("two views: the loss gets [view 1 of N images; view 2 of the same images] and the image's index as its label", async () => {
  const train = toySplit(24, 9);
  const testSplit = { ...toySplit(8, 10), name: 'test' as const };
  const seen: Array<{ rows: number; labels: number[] }> = [];
  const spy = (embeddings: tf.Tensor2D, labels: tf.Tensor1D) => {
    seen.push({ rows: embeddings.shape[0], labels: Array.from(labels.dataSync()) });
    return pullPush(embeddings, labels);
  };
  const before = tf.memory().numTensors;
  const rows = await runLeaderboard([{ name: 'spy', loss: spy }], {
    train, test: testSplit, createEncoder, layout: 'flat', budget: { epochs: 1 }, positives: 'two-views', imagesPerBatch: 5, augmentation: 'mocoV1', k: 3,
  });
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  assert.equal(rows[0].steps, 4, '24 images in batches of 5, the last partial batch dropped');
  assert.ok(Math.abs(rows[0].epochs - 1) < 1e-9);
  assert.deepEqual(seen[0], { rows: 10, labels: [0, 1, 2, 3, 4, 0, 1, 2, 3, 4] });
});

test('checkpointed contenders are trained once and then loaded with the same row; the others always train', async () => {
  const fs = require('fs') as typeof import('fs');
  const os = require('os') as typeof import('os');
  const path = require('path') as typeof import('path');
  const { CHECKPOINT_DIR_VARIABLE } = require('./checkpoint-folder') as typeof import('./checkpoint-folder');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-leaderboard-'));
  const previous = process.env[CHECKPOINT_DIR_VARIABLE];
  process.env[CHECKPOINT_DIR_VARIABLE] = root;
  const log = console.log;
  console.log = () => undefined;
  try {
    const train = toySplit(32, 11);
    const testSplit = { ...toySplit(16, 12), name: 'test' as const };
    const contenders = [{ name: 'classic (pull-push)', loss: pullPush, checkpoint: { loss: 'pull-push' } }, { name: 'yours', loss: pullPush }];
    const options = { train, test: testSplit, createEncoder, layout: 'flat' as const, budget: { steps: 6 }, classesPerBatch: 2, samplesPerClass: 4, k: 3, seeds: [1, 2], checkpoint: { prefix: '99-board', config: { encoder: 'dense 8' } } };
    const first = await runLeaderboard(contenders, options);
    assert.ok(first.every((r) => r.source === 'trained'));
    assert.deepEqual(fs.readdirSync(root).sort(), ['99-board-classic-pull-push-seed1', '99-board-classic-pull-push-seed2']);
    const before = tf.memory().numTensors;
    const second = await runLeaderboard(contenders, options);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
    const classic = (rows: typeof first, seed: number) => rows.find((r) => r.name === 'classic (pull-push)' && r.seed === seed)!;
    for (const seed of [1, 2]) {
      assert.equal(classic(second, seed).source, 'cache');
      assert.equal(classic(second, seed).loaded, true);
      assert.match(String(classic(second, seed).trainedAt), /^\d{4}-\d\d-\d\dT/);
      assert.deepEqual({ ...classic(second, seed), source: 'trained', loaded: false, trainedAt: null }, classic(first, seed), 'the loaded row is the trained one');
    }
    assert.ok(second.filter((r) => r.name === 'yours').every((r) => r.source === 'trained'), 'a contender without a checkpoint config trains every time');
    // Another budget is another run: it trains.
    const third = await runLeaderboard([contenders[0]], { ...options, budget: { steps: 7 }, seeds: [1] });
    assert.equal(third[0].source, 'trained');
    assert.equal(third[0].steps, 7);
  } finally {
    console.log = log;
    if (previous === undefined) delete process.env[CHECKPOINT_DIR_VARIABLE];
    else process.env[CHECKPOINT_DIR_VARIABLE] = previous;
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('leaderboardSlug makes checkpoint-name parts', () => {
  assert.equal(leaderboardSlug('triplet (semi-hard, margin 0.2)'), 'triplet-semi-hard-margin-0.2');
  assert.equal(leaderboardSlug('N-pair (τ = 0.1, 8 pairs)'), 'N-pair-0.1-8-pairs');
  assert.equal(leaderboardSlug('()'), 'contender');
});

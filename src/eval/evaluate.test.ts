import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { defaultKnnNeighbours, evaluateEmbeddings, PROTOCOL_KNN_NEIGHBOURS } from './evaluate';

/** An independent float64 implementation of the protocol with plain loops. */
function reference(train: number[][], trainLabels: number[], test: number[][], testLabels: number[], k: number, sigma: number) {
  const unit = (v: number[]) => {
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return v.map((x) => x / n);
  };
  const tr = train.map(unit);
  let knnCorrect = 0;
  let top5Correct = 0;
  let nnCorrect = 0;
  test.map(unit).forEach((q, i) => {
    const sims = tr.map((r, j) => ({ j, s: r.reduce((sum, x, d) => sum + x * q[d], 0) })).sort((a, b) => b.s - a.s || a.j - b.j);
    if (trainLabels[sims[0].j] === testLabels[i]) nnCorrect++;
    const scores = new Array(10).fill(0);
    for (const { j, s } of sims.slice(0, k)) scores[trainLabels[j]] += Math.exp(s / sigma);
    const order = scores.map((s, c) => ({ s, c })).sort((a, b) => b.s - a.s || a.c - b.c);
    if (order[0].c === testLabels[i]) knnCorrect++;
    if (order.slice(0, 5).some(({ c }) => c === testLabels[i])) top5Correct++;
  });
  return { knnTop1: knnCorrect / test.length, knnTop5: top5Correct / test.length, oneNNTop1: nnCorrect / test.length };
}

test('matches an independent float64 implementation on noisy clustered data', async () => {
  const rng = new Rng(21);
  const centres = Array.from({ length: 10 }, () => Array.from({ length: 8 }, () => rng.normal()));
  const sample = (n: number) => {
    const labels = Array.from({ length: n }, () => rng.int(10));
    const points = labels.map((c) => centres[c].map((x) => x + 1.2 * rng.normal()));
    return { points, labels };
  };
  const train = sample(300);
  const testSet = sample(120);
  const trainEmbeddings = tf.tensor2d(train.points);
  const testEmbeddings = tf.tensor2d(testSet.points);
  const testLabels = tf.tensor1d(testSet.labels, 'int32');
  const before = tf.memory().numTensors;
  for (const [k, temperature] of [[20, 0.1], [7, 0.5], [1, 0.1]]) {
    const result = await evaluateEmbeddings(
      { embeddings: trainEmbeddings, labels: train.labels },
      { embeddings: testEmbeddings, labels: testLabels },
      { k, temperature, chunkSize: 50 },
    );
    const expected = reference(train.points, train.labels, testSet.points, testSet.labels, k, temperature);
    assert.equal(result.knnTop1, expected.knnTop1, `knnTop1 k=${k} σ=${temperature}`);
    assert.equal(result.knnTop5, expected.knnTop5, `knnTop5 k=${k} σ=${temperature}`);
    assert.equal(result.oneNNTop1, expected.oneNNTop1, `oneNNTop1 k=${k}`);
    assert.ok(result.knnTop1 > 0.3 && result.knnTop1 < 1, `the data is neither trivial nor random: ${result.knnTop1}`);
    assert.equal(result.k, k);
    assert.equal(result.numTrain, 300);
    assert.equal(result.numTest, 120);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  tf.dispose([trainEmbeddings, testEmbeddings, testLabels]);
});

test('k = 200 on a train set of 4 uses all 4 (k larger than n)', async () => {
  const train = tf.tensor2d([[1, 0], [0, 1], [0.9, 0.1], [0.1, 0.9]]);
  const testEmbeddings = tf.tensor2d([[1, 0.2]]);
  const result = await evaluateEmbeddings({ embeddings: train, labels: [0, 1, 0, 1] }, { embeddings: testEmbeddings, labels: [0] }, { k: 200 });
  assert.equal(result.k, 4);
  assert.deepEqual([result.knnTop1, result.knnTop5, result.oneNNTop1], [1, 1, 1]);
  tf.dispose([train, testEmbeddings]);
});

test('defaultKnnNeighbours: 200, but at most a third of the smallest class', () => {
  const labels = (perClass: number[]) => perClass.flatMap((count, label) => new Array<number>(count).fill(label));
  assert.equal(PROTOCOL_KNN_NEIGHBOURS, 200);
  assert.equal(defaultKnnNeighbours(labels(new Array(10).fill(6000))), 200, 'full Fashion-MNIST');
  assert.equal(defaultKnnNeighbours(labels(new Array(10).fill(600))), 200, 'the mini subset');
  assert.equal(defaultKnnNeighbours(labels(new Array(10).fill(599))), 199, 'just below 600 per class');
  assert.equal(defaultKnnNeighbours(labels(new Array(10).fill(256))), 85, 'fast mode, 256 per class');
  assert.equal(defaultKnnNeighbours(labels(new Array(10).fill(200))), 66, 'fast mode, 200 per class');
  assert.equal(defaultKnnNeighbours(labels([6000, 6000, 30])), 10, 'the smallest class decides');
  assert.equal(defaultKnnNeighbours(Int32Array.from([0, 1, 1])), 1, 'at least 1');
  assert.throws(() => defaultKnnNeighbours([]), /defaultKnnNeighbours: 'trainLabels' must be a non-empty array of class indices/);
  assert.throws(() => defaultKnnNeighbours([0, 1.5]), /defaultKnnNeighbours: 'trainLabels'\[1\] must be a class index \(integer ≥ 0\), got 1.5/);
});

test('without k, evaluateEmbeddings uses defaultKnnNeighbours of the train labels', async () => {
  const rng = new Rng(5);
  const trainLabels = Array.from({ length: 60 }, (_, i) => i % 2); // 30 per class → k = 10
  const train = tf.tensor2d(trainLabels.map((c) => [c === 0 ? 1 : 0, c === 1 ? 1 : 0].map((x) => x + 0.5 * rng.normal())));
  const testEmbeddings = tf.tensor2d([[1, 0.1], [0.1, 1]]);
  const result = await evaluateEmbeddings({ embeddings: train, labels: trainLabels }, { embeddings: testEmbeddings, labels: [0, 1] });
  assert.equal(result.k, 10);
  assert.equal(result.k, defaultKnnNeighbours(trainLabels));
  tf.dispose([train, testEmbeddings]);
});

test('bad input errors name the function and the argument', async () => {
  const a = tf.tensor2d([[1, 0], [0, 1]]);
  const b = tf.tensor2d([[1, 0, 0]]);
  await assert.rejects(evaluateEmbeddings({ embeddings: a, labels: [0, 1] }, { embeddings: b, labels: [0] }), /evaluateEmbeddings: 'test.embeddings' must be \[rows, 2\] like 'train.embeddings', got \[1,3\]/);
  await assert.rejects(evaluateEmbeddings({ embeddings: a, labels: [0] }, { embeddings: a, labels: [0, 1] }), /evaluateEmbeddings: 'train.labels' must have one label per row \(2\), got 1/);
  await assert.rejects(evaluateEmbeddings({ embeddings: a, labels: [0, 1] }, { embeddings: a, labels: [0, 1] }, { temperature: -1 }), /evaluateEmbeddings: 'temperature' must be a positive finite number, got -1/);
  tf.dispose([a, b]);
});

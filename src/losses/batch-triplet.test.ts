import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { batchTripletLoss } from './batch-triplet';
import { gradCheck } from './grad-check';
import { mineTriplets } from './miners';
import { tripletLoss } from './triplet';
import { countTripletKinds } from './triplet-kinds';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');
const i1 = (values: number[]) => tf.tensor1d(values, 'int32');

// Points on a line (squared distances are easy to do by hand):
//   0: x=0 (label 0)   1: x=1 (label 0)   2: x=1.2 (label 1)   3: x=3 (label 1)   4: x=0.5 (label 2)
const line = () => t2([[0], [1], [1.2], [3], [0.5]]);
const lineLabels = () => i1([0, 0, 1, 1, 2]);

test('batchTripletLoss equals tripletLoss on the mined triplets, for every strategy', () => {
  const c = lossFixtures('miners')[2];
  tf.tidy(() => {
    const embeddings = t2(c.embeddings);
    const labels = i1(c.labels);
    for (const strategy of ['hard', 'semi-hard', 'random', 'all'] as const) {
      for (const softMargin of [false, true]) {
        const options = { strategy, margin: c.margin, softMargin, rng: new Rng(3), reduce: 'mean' as const };
        const mined = mineTriplets(embeddings, labels, { ...options, rng: new Rng(3) });
        const rows = (idx: Int32Array) => tf.gather(embeddings, idx) as tf.Tensor2D;
        const direct = tripletLoss(rows(mined.anchors), rows(mined.positives), rows(mined.negatives), { margin: c.margin, softMargin });
        expectClose(batchTripletLoss(embeddings, labels, options), direct, { atol: 1e-5, rtol: 1e-4 }, `${strategy} softMargin ${softMargin}`);
      }
    }
  });
});

test('batchTripletLoss: mean over non-zero, empty batches, gradients', () => {
  tf.tidy(() => {
    // batch-all on the line with margin 0.5: hinge values of the 12 triplets (−t + 0.5, clipped)
    const ts = [0.44, 8, -0.75, -0.96, 3, -0.75, -1.8, -3.2, -2.75, 5.76, 0.76, 3.01];
    const hinge = ts.map((t) => Math.max(0.5 - t, 0));
    const nonZero = hinge.filter((h) => h > 0);
    const sum = hinge.reduce((s, h) => s + h, 0);
    expectClose(batchTripletLoss(line(), lineLabels(), { strategy: 'all', margin: 0.5 }), sum / nonZero.length, { atol: 1e-5 }, 'batch-all, mean over non-zero');
    expectClose(batchTripletLoss(line(), lineLabels(), { strategy: 'all', margin: 0.5, reduce: 'mean' }), sum / 12, { atol: 1e-5 }, 'batch-all, mean');
    // one class only: no triplet, loss 0 and a zero gradient
    const single = i1([4, 4, 4, 4, 4]);
    for (const strategy of ['all', 'hard', 'semi-hard', 'random'] as const) {
      expectClose(batchTripletLoss(line(), single, { strategy }), 0, { atol: 0 }, `no triplets, ${strategy}`);
      const g = tf.grad((x: tf.Tensor) => batchTripletLoss(x as tf.Tensor2D, single, { strategy }))(line());
      expectClose(g, [0, 0, 0, 0, 0], { atol: 0 }, `zero gradient, ${strategy}`);
    }
  });
  const c = lossFixtures('miners')[0];
  tf.tidy(() => {
    const labels = i1(c.labels);
    for (const strategy of ['hard', 'semi-hard', 'all'] as const) {
      const result = gradCheck((x) => batchTripletLoss(x as tf.Tensor2D, labels, { strategy, margin: c.margin, softMargin: true }), [t2(c.embeddings)], { maxElementsPerInput: 30 });
      assert.ok(result.passed, `${strategy}: ${result.report}`);
    }
    // batch-all with the hinge takes the sorted prefix-sum path
    const embeddings = t2(c.embeddings);
    const result = gradCheck((x) => batchTripletLoss(x as tf.Tensor2D, labels, { strategy: 'all', margin: c.margin, reduce: 'mean' }), [embeddings], { maxElementsPerInput: 30 });
    assert.ok(result.passed, `all, hinge, mean: ${result.report}`);
    // 'mean-nonzero' jumps where a triplet starts violating (no finite difference can check it);
    // between jumps it is the 'mean' loss scaled by total / non-easy triplets
    const kinds = countTripletKinds(embeddings, labels, { margin: c.margin });
    const gradient = (reduce: 'mean' | 'mean-nonzero') => tf.grad((x: tf.Tensor) => batchTripletLoss(x as tf.Tensor2D, labels, { strategy: 'all', margin: c.margin, reduce }))(embeddings);
    expectClose(gradient('mean-nonzero'), tf.mul(gradient('mean'), kinds.total / (kinds.hard + kinds.semiHard)), { atol: 1e-5, rtol: 1e-4 }, 'mean-nonzero gradient');
  });
});

test('batchTripletLoss leaves only its scalar behind', () => {
  const embeddings = line();
  const labels = lineLabels();
  const before = tf.memory().numTensors;
  for (const strategy of ['all', 'hard', 'semi-hard', 'random'] as const) {
    for (const softMargin of [false, true]) {
      const loss = batchTripletLoss(embeddings, labels, { strategy, softMargin });
      assert.equal(tf.memory().numTensors, before + 1, `${strategy} softMargin ${softMargin}`);
      loss.dispose();
    }
  }
  tf.dispose([embeddings, labels]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    assert.throws(() => batchTripletLoss(line(), lineLabels(), { reduce: 'sum' as 'mean' }), /batchTripletLoss: 'reduce' must be 'mean' or 'mean-nonzero'/);
    assert.throws(() => batchTripletLoss(tf.ones([5]) as unknown as tf.Tensor2D, lineLabels()), /batchTripletLoss: 'embeddings' must be \[batch, dim\], got \[5\]/);
  });
});

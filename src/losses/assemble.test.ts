import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { contrastiveLoss } from './contrastive';
import { infoNCELoss } from './info-nce';
import { nPairLoss, tupletLoss } from './n-pair';
import { ntXentLoss, supConLoss } from './simclr-supcon';
import { contrastiveAggregate, hingeAggregate, logSumExpAggregate, softplusAggregate } from './aggregations';
import { assembleLoss } from './assemble';
import { indexMasks, labelMasks, pairFlagMasks } from './masks';
import { meanOverAll } from './reducers';
import { dotSimilarity, negativeSquaredEuclidean } from './similarities';
import { tripletLoss } from './triplet';

const random = (rng: Rng, shape: number[], std = 1) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape, 'float32');
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const ints = (values: number[]) => tf.tensor1d(values, 'int32');
const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');

// Both the direct and the assembled loss are differentiated and compared, on random inputs.
function expectSameLossAndGradients(label: string, direct: (...x: tf.Tensor[]) => tf.Scalar, assembled: (...x: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[]) {
  expectClose(assembled(...inputs), direct(...inputs), { atol: 1e-5, rtol: 1e-4 }, `${label}: value`);
  const gd = tf.grads(direct)(inputs);
  const ga = tf.grads(assembled)(inputs);
  gd.forEach((g, i) => expectClose(ga[i], g, { atol: 1e-4, rtol: 1e-3 }, `${label}: gradient ${i}`));
}

test('the assembled contrastive loss equals contrastiveLoss', () => {
  const rng = new Rng(11);
  for (const margin of [1, 3]) {
    tf.tidy(() => {
      const n = 7;
      const similar = ints(range(n).map((i) => (i % 3 === 0 ? 1 : 0)));
      const loss = assembleLoss({ similarity: negativeSquaredEuclidean, aggregate: contrastiveAggregate({ margin }), reduce: meanOverAll });
      expectSameLossAndGradients(
        `contrastive m=${margin}`,
        (a, b) => contrastiveLoss(a as tf.Tensor2D, b as tf.Tensor2D, similar, { margin }),
        (a, b) => loss(a as tf.Tensor2D, b as tf.Tensor2D, pairFlagMasks(similar)),
        [random(rng, [n, 4]), random(rng, [n, 4])],
      );
    });
  }
});

test('the assembled triplet loss (hinge and soft margin) equals tripletLoss', () => {
  const rng = new Rng(12);
  tf.tidy(() => {
    const n = 6;
    const masks = () => indexMasks(2 * n, range(n), range(n).map((i) => [n + i]));
    for (const soft of [false, true]) {
      const loss = assembleLoss({ similarity: negativeSquaredEuclidean, aggregate: soft ? softplusAggregate() : hingeAggregate({ margin: 0.5 }), reduce: meanOverAll });
      expectSameLossAndGradients(
        `triplet soft=${soft}`,
        (a, p, ng) => tripletLoss(a as tf.Tensor2D, p as tf.Tensor2D, ng as tf.Tensor2D, { margin: 0.5, softMargin: soft }),
        (a, p, ng) => loss(a as tf.Tensor2D, tf.concat([p, ng]) as tf.Tensor2D, masks()),
        [random(rng, [n, 3]), random(rng, [n, 3]), random(rng, [n, 3])],
      );
    }
  });
});

test('the assembled tuplet and N-pair losses equal tupletLoss and nPairLoss', () => {
  const rng = new Rng(13);
  tf.tidy(() => {
    const b = 5;
    const m = 4;
    const d = 3;
    const loss = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate(), reduce: meanOverAll });
    const tupleMasks = () => indexMasks(b + b * m, range(b), range(b).map((i) => range(m, b + i * m)));
    expectSameLossAndGradients(
      'tuplet',
      (a, p, ng) => tupletLoss(a as tf.Tensor2D, p as tf.Tensor2D, ng as tf.Tensor3D),
      (a, p, ng) => loss(a as tf.Tensor2D, tf.concat([p, tf.reshape(ng, [b * m, d])]) as tf.Tensor2D, tupleMasks()),
      [random(rng, [b, d]), random(rng, [b, d]), random(rng, [b, m, d])],
    );
    const classes = ints(range(b));
    expectSameLossAndGradients(
      'N-pair',
      (a, p) => nPairLoss(a as tf.Tensor2D, p as tf.Tensor2D),
      (a, p) => loss(a as tf.Tensor2D, p as tf.Tensor2D, labelMasks(classes, classes)),
      [random(rng, [b, d], 2), random(rng, [b, d], 2)],
    );
  });
});

test('the assembled InfoNCE equals infoNCELoss (the queue, not the other keys, are the negatives)', () => {
  const rng = new Rng(14);
  tf.tidy(() => {
    const n = 4;
    const k = 9;
    const loss = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate({ temperature: 0.2 }), reduce: meanOverAll });
    expectSameLossAndGradients(
      'InfoNCE',
      (q, key, queue) => infoNCELoss(q as tf.Tensor2D, key as tf.Tensor2D, queue as tf.Tensor2D, { temperature: 0.2 }),
      (q, key, queue) => loss(q as tf.Tensor2D, tf.concat([key, queue]) as tf.Tensor2D, indexMasks(n + k, range(n), { from: n, to: n + k })),
      [random(rng, [n, 5], 0.5), random(rng, [n, 5], 0.5), random(rng, [k, 5], 0.5)],
    );
  });
});

test('assembled losses leave only their scalar and check their inputs', () => {
  const loss = assembleLoss({ similarity: dotSimilarity, aggregate: logSumExpAggregate({ temperature: 0.1 }), reduce: meanOverAll });
  const a = t2([[1, 0], [0, 1]]);
  const masks = labelMasks(ints([0, 1]));
  const before = tf.memory().numTensors;
  const value = loss(a, a, masks);
  const nt = ntXentLoss(a, a);
  const sc = supConLoss(a, ints([0, 0]));
  assert.equal(tf.memory().numTensors, before + 3 + 1 /* the labels tensor built inline */);
  tf.dispose([value, nt, sc, a, masks.positives, masks.negatives]);
  tf.tidy(() => {
    const x = t2([[1, 0], [0, 1]]);
    const m = labelMasks(ints([0, 1]));
    assert.throws(() => loss(x, t2([[1, 2, 3]]), m), /'candidates' must be \[M, dim\] with dim = 2 like 'anchors', got \[1,3\]/);
    assert.throws(() => loss(x, t2([[1, 2]]), m), /'masks.positives' must be \[N, M\] = \[2,1\], got \[2,2\]/);
    assert.throws(() => assembleLoss({ similarity: dotSimilarity, aggregate: meanOverAll as never, reduce: meanOverAll }), /assembleLoss: 'aggregate' must be an aggregation/);
    assert.throws(() => logSumExpAggregate({ temperature: 0 }), /logSumExpAggregate: 'temperature' must be a finite number > 0/);
    assert.throws(() => hingeAggregate({ margin: -1 }), /hingeAggregate: 'margin'/);
    assert.throws(() => ntXentLoss(x, t2([[1, 2]])), /ntXentLoss: 'view2' must be \[batch, dim\] like 'view1'/);
    assert.throws(() => supConLoss(x, ints([0])), /supConLoss: 'labels' must be \[batch\] with batch = 2/);
  });
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { countTripletKinds } from './triplet-kinds';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');
const i1 = (values: number[]) => tf.tensor1d(values, 'int32');

// Points on a line (squared distances are easy to do by hand):
//   0: x=0 (label 0)   1: x=1 (label 0)   2: x=1.2 (label 1)   3: x=3 (label 1)   4: x=0.5 (label 2)
const line = () => t2([[0], [1], [1.2], [3], [0.5]]);
const lineLabels = () => i1([0, 0, 1, 1, 2]);

test('countTripletKinds: by hand', () => {
  tf.tidy(() => {
    // t = D_an − D_ap for the 12 triplets with margin 0.5:
    // a0 p1 (1): 0.44 s, 8 e, −0.75 h | a1 p0 (1): −0.96 h, 3 e, −0.75 h
    // a2 p3 (3.24): −1.8 h, −3.2 h, −2.75 h | a3 p2 (3.24): 5.76 e, 0.76 e, 3.01 e
    const counts = countTripletKinds(line(), lineLabels(), { margin: 0.5 });
    assert.deepEqual([counts.hard, counts.semiHard, counts.easy, counts.total], [6, 1, 5, 12]);
    expectClose(counts.meanPositiveDistance, (1 + 1 + 3.24 + 3.24) / 4, { atol: 1e-5 }, 'mean positive distance');
  });
});

test('countTripletKinds leaves no tensors behind', () => {
  const embeddings = line();
  const labels = lineLabels();
  const before = tf.memory().numTensors;
  countTripletKinds(embeddings, labels);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([embeddings, labels]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    assert.throws(() => countTripletKinds(line(), lineLabels(), { margin: -1 }), /countTripletKinds: 'margin'/);
  });
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { encodeInGroups, encodeKeysShuffled } from './shuffle-bn';
import { createMlpEncoder } from './encoders';
import { l2Normalize } from './normalize';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

const inputs = (seed: number, rows = 8) => tf.tensor2d(new Rng(seed).normalArray(rows * 5), [rows, 5]);
const bnEncoder = (seed: number) => createMlpEncoder({ inputShape: [5], hiddenUnits: [6], outputDim: 3, batchNorm: true, rng: new Rng(seed) });

test('encodeInGroups: each chunk is normalised with its own batch statistics (= separate calls), G = 1 with the whole batch', () => {
  const model = bnEncoder(1);
  const x = inputs(2);
  const grouped = encodeInGroups(model, x, 4);
  const separate = tf.tidy(() => tf.concat(tf.split(x, 4, 0).map((chunk) => l2Normalize(model.apply(chunk, { training: true }) as tf.Tensor2D)), 0));
  expectClose(grouped, separate, { atol: 1e-6 }, 'grouped = separate calls');
  const whole = encodeInGroups(model, x, 1);
  const direct = tf.tidy(() => l2Normalize(model.apply(x, { training: true }) as tf.Tensor2D));
  expectClose(whole, direct, { atol: 1e-6 }, 'G = 1');
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(grouped, whole))).dataSync()[0]);
  assert.ok(gap > 1e-3, `with BatchNorm the grouping must change the outputs (max difference ${gap})`);
  assert.throws(() => encodeInGroups(model, x, 3), /the batch of 8 must split into 'groups' = 3 equal chunks/);
  assert.throws(() => encodeInGroups(model, x, 0), /'groups' must be an integer ≥ 1, got 0/);
  tf.dispose([x, grouped, separate, whole, direct]);
  model.dispose();
});

test('encodeKeysShuffled: row i is the key of input row i; without BatchNorm it equals the plain encoding; with it, the groups differ from the aligned ones', () => {
  const plain = createMlpEncoder({ inputShape: [5], hiddenUnits: [6], outputDim: 3, rng: new Rng(3) });
  const x = inputs(4);
  const before = tf.memory().numTensors;
  const shuffledPlain = encodeKeysShuffled(plain, x, 4, new Rng(5));
  assert.equal(tf.memory().numTensors, before + 1, 'only the result is left');
  const direct = encodeInGroups(plain, x, 1);
  expectClose(shuffledPlain, direct, { atol: 1e-6 }, 'no BatchNorm: order restored, values unchanged');

  const model = bnEncoder(6);
  const rng = new Rng(7);
  const order = new Rng(7).permutation(8); // the permutation the call will draw
  const shuffled = encodeKeysShuffled(model, x, 4, rng);
  // The same computation by hand: permute, encode in groups, put row order[p] back at its place.
  const expected = tf.tidy(() => {
    const keysInShuffledOrder = encodeInGroups(model, tf.gather(x, tf.tensor1d(Int32Array.from(order), 'int32')), 4).arraySync();
    const rows: number[][] = new Array(8);
    order.forEach((row, position) => { rows[row] = keysInShuffledOrder[position]; });
    return tf.tensor2d(rows);
  });
  expectClose(shuffled, expected, { atol: 1e-6 }, 'shuffled keys back in input order');
  const aligned = encodeInGroups(model, x, 4);
  const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(shuffled, aligned))).dataSync()[0]);
  assert.ok(gap > 1e-3, `shuffling must change the BatchNorm groups (max difference ${gap})`);
  assert.throws(() => encodeKeysShuffled(model, x, 4, 7 as unknown as Rng), /'rng' must be an Rng/);
  tf.dispose([x, shuffledPlain, direct, shuffled, expected, aligned]);
  plain.dispose();
  model.dispose();
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { mineBatchAll, mineBatchHard, mineRandom, mineSemiHard, mineTriplets } from './miners';
import { countTripletKinds } from './triplet-kinds';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');
const i1 = (values: number[]) => tf.tensor1d(values, 'int32');
const list = (m: { anchors: Int32Array; positives: Int32Array; negatives: Int32Array }) =>
  Array.from(m.anchors, (a, t) => [a, m.positives[t], m.negatives[t]]);

// Points on a line (squared distances are easy to do by hand):
//   0: x=0 (label 0)   1: x=1 (label 0)   2: x=1.2 (label 1)   3: x=3 (label 1)   4: x=0.5 (label 2)
const line = () => t2([[0], [1], [1.2], [3], [0.5]]);
const lineLabels = () => i1([0, 0, 1, 1, 2]);

test('batch-all: every valid triplet, from the labels', () => {
  tf.tidy(() => {
    const mined = mineBatchAll(line(), lineLabels());
    // anchors 0 and 1 (label 0) each: 1 positive × 3 negatives; anchors 2, 3: 1 × 3; anchor 4 has no positive
    assert.equal(mined.anchors.length, 12);
    assert.deepEqual(list(mined).slice(0, 3), [[0, 1, 2], [0, 1, 3], [0, 1, 4]]);
  });
});

test('batch-hard: farthest positive, closest negative, by hand', () => {
  tf.tidy(() => {
    // anchor 0: positive 1; negatives 2 (1.44), 3 (9), 4 (0.25) → 4
    // anchor 1: positive 0; negatives 2 (0.04), 3 (4), 4 (0.25) → 2
    // anchor 2: positive 3; negatives 0 (1.44), 1 (0.04), 4 (0.49) → 1
    // anchor 3: positive 2; negatives 0 (9), 1 (4), 4 (6.25) → 1
    assert.deepEqual(list(mineBatchHard(line(), lineLabels())), [[0, 1, 4], [1, 0, 2], [2, 3, 1], [3, 2, 1]]);
  });
});

test('semi-hard: the band D_ap < D_an < D_ap + margin, then the documented fallback', () => {
  tf.tidy(() => {
    // anchor 0, positive 1 (D_ap = 1): negatives 4 (0.25) hard, 2 (1.44) semi-hard for margin 0.5, 3 (9) easy → 2
    // anchor 1, positive 0 (1): 2 (0.04) hard, 4 (0.25) hard, 3 (4) easy → no band: easiest hard = 4
    // anchor 2, positive 3 (3.24): 1 (0.04), 4 (0.49), 0 (1.44) all hard → easiest hard = 0
    // anchor 3, positive 2 (3.24): 1 (4) is in (3.24, 3.74)? no; 4 (6.25), 0 (9) easy; no hard → closest = 1
    assert.deepEqual(list(mineSemiHard(line(), lineLabels(), { margin: 0.5 })), [[0, 1, 2], [1, 0, 4], [2, 3, 0], [3, 2, 1]]);
    // margin 1 puts negative 1 (D = 4) of anchor 3 into the band (3.24, 4.24)
    assert.deepEqual(list(mineSemiHard(line(), lineLabels(), { margin: 1 }))[3], [3, 2, 1]);
  });
});

test('miners and counts match the loop implementation in PyTorch float64 (random batches)', () => {
  for (const c of lossFixtures('miners')) {
    tf.tidy(() => {
      const options = { margin: c.margin, squared: c.squared };
      const embeddings = t2(c.embeddings);
      const labels = i1(c.labels);
      const label = `seed ${c.seed} ${JSON.stringify(options)}`;
      const hard = mineBatchHard(embeddings, labels, options);
      assert.deepEqual([Array.from(hard.anchors), Array.from(hard.positives), Array.from(hard.negatives)], [c.batchHard.anchors, c.batchHard.positives, c.batchHard.negatives], `batch-hard, ${label}`);
      const semi = mineSemiHard(embeddings, labels, options);
      assert.deepEqual([Array.from(semi.anchors), Array.from(semi.positives), Array.from(semi.negatives)], [c.semiHard.anchors, c.semiHard.positives, c.semiHard.negatives], `semi-hard, ${label}`);
      const counts = countTripletKinds(embeddings, labels, options);
      assert.deepEqual({ easy: counts.easy, semiHard: counts.semiHard, hard: counts.hard }, c.counts, `counts, ${label}`);
      // the fixture exercises every branch of the semi-hard rule
      if (c.seed === 0 && c.squared) assert.ok(['semi-hard', 'hard', 'easy'].every((kind) => c.semiHard.kinds.includes(kind)), 'fixture covers every branch');
    });
  }
});

test('random mining: valid, seeded, and covers every candidate', () => {
  tf.tidy(() => {
    const embeddings = tf.zeros([6, 2]) as tf.Tensor2D;
    const labels = i1([0, 0, 0, 1, 1, 2]);
    const a = mineRandom(embeddings, labels, { rng: new Rng(5) });
    const b = mineRandom(embeddings, labels, { rng: new Rng(5) });
    assert.deepEqual(list(a), list(b), 'same seed, same triplets');
    const values = [0, 0, 0, 1, 1, 2];
    const seen = new Set<string>();
    const rng = new Rng(1);
    for (let round = 0; round < 60; round++) {
      const mined = mineRandom(embeddings, labels, { rng });
      assert.deepEqual(Array.from(mined.anchors), [0, 1, 2, 3, 4], 'anchor 5 has no positive');
      for (const [anchor, positive, negative] of list(mined)) {
        assert.ok(positive !== anchor && values[positive] === values[anchor] && values[negative] !== values[anchor]);
        if (anchor === 0) seen.add(`${positive}-${negative}`);
      }
    }
    assert.equal(seen.size, 2 * 3, `anchor 0 saw ${[...seen]}`);
  });
});

test('mineTriplets dispatches on strategy', () => {
  tf.tidy(() => {
    assert.deepEqual(list(mineTriplets(line(), lineLabels(), { strategy: 'hard' })), list(mineBatchHard(line(), lineLabels())));
    assert.deepEqual(list(mineTriplets(line(), lineLabels(), { margin: 0.5 })), list(mineSemiHard(line(), lineLabels(), { margin: 0.5 })));
    assert.equal(mineTriplets(line(), lineLabels(), { strategy: 'all' }).anchors.length, 12);
    assert.throws(() => mineTriplets(line(), lineLabels(), { strategy: 'hardest' as 'hard' }), /mineTriplets: 'strategy' must be one of/);
  });
});

test('miners leave no tensors behind', () => {
  const embeddings = line();
  const labels = lineLabels();
  const before = tf.memory().numTensors;
  mineBatchAll(embeddings, labels);
  mineBatchHard(embeddings, labels);
  mineSemiHard(embeddings, labels);
  mineRandom(embeddings, labels);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([embeddings, labels]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    assert.throws(() => mineBatchHard(line(), i1([0, 1])), /mineBatchHard: 'labels' must be \[batch\] with batch = 5 like 'embeddings', got \[2\]/);
    assert.throws(() => mineSemiHard(line(), tf.tensor1d([0, 0, 1, 1, 2]) as tf.Tensor1D), /mineSemiHard: 'labels' must be int32, got float32/);
    assert.throws(() => mineSemiHard(line(), lineLabels(), { margin: 0 }), /mineSemiHard: 'margin' must be a finite number > 0/);
    assert.throws(() => mineRandom(line(), lineLabels(), { rng: Math.random as unknown as Rng }), /mineRandom: 'rng' must be an Rng/);
  });
});

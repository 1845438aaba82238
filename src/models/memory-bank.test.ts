import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { MemoryBank, proximalPenalty, sampleNoiseIndices, sampleSharedNoiseIndices } from './memory-bank';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { storedPart } from '../testing/stored-part';

test('MemoryBank: n random unit vectors, gather by index (repeats allowed)', () => {
  const bank = new MemoryBank({ size: 10, dim: 3, rng: new Rng(1) });
  expectClose(tf.tidy(() => tf.norm(bank.vectors, 'euclidean', 1)), new Array(10).fill(1), { atol: 1e-6 });
  const all = bank.vectors.arraySync();
  const rows = bank.gather([4, 4, 0]);
  assert.deepEqual(rows.arraySync(), [all[4], all[4], all[0]]);
  rows.dispose();
  assert.throws(() => bank.gather([10]), /MemoryBank.gather: 'indices' must be integers in \[0, 10\), got 10 at position 0/);
  assert.throws(() => bank.gather([1.5]), /got 1.5/);
  bank.dispose();
});

test('MemoryBank: construction and dispose leave no tensor behind', () => {
  const before = tf.memory().numTensors;
  const bank = new MemoryBank({ size: 5, dim: 2, rng: new Rng(4) });
  assert.equal(tf.memory().numTensors, before + 1, 'only the vectors variable while it lives');
  bank.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('MemoryBank.momentumUpdate: v ← normalise(m·v + (1−m)·f), other rows untouched, ages recorded', () => {
  const bank = new MemoryBank({ size: 5, dim: 2, rng: new Rng(2) });
  const old = bank.vectors.arraySync();
  const features = tf.tensor2d([[1, 0], [0, -1]]);
  const before = tf.memory().numTensors;
  bank.momentumUpdate([3, 1], features, 7, 0.5);
  assert.equal(tf.memory().numTensors, before, 'no leaks');
  const now = bank.vectors.arraySync();
  const expected = (v: number[], f: number[]) => {
    const mixed = [0.5 * v[0] + 0.5 * f[0], 0.5 * v[1] + 0.5 * f[1]];
    const norm = Math.hypot(mixed[0], mixed[1]);
    return mixed.map((x) => x / norm);
  };
  expectClose(now[3], expected(old[3], [1, 0]), { atol: 1e-6 });
  expectClose(now[1], expected(old[1], [0, -1]), { atol: 1e-6 });
  for (const i of [0, 2, 4]) assert.deepEqual(now[i], old[i]);
  assert.deepEqual(Array.from(bank.ages), [-1, 7, -1, 7, -1]);
  assert.deepEqual(Array.from(bank.staleness(10)), [11, 3, 11, 3, 11]);
  assert.throws(() => bank.momentumUpdate([2, 2], features, 8), /must not repeat within a batch, got 2 twice/);
  assert.throws(() => bank.momentumUpdate([0], features, 8), /'features' must be \[1, 2\]/);
  features.dispose();
  bank.dispose();
});

test('MemoryBank.write + proximalPenalty: the paper\'s rule; penalty = λ·mean‖f − v‖², gradient 2λ(f − v)/batch', () => {
  const bank = new MemoryBank({ size: 4, dim: 2, rng: new Rng(3) });
  const f = tf.tensor2d([[1, 0], [0, 1]]);
  const v = tf.tensor2d([[0, 1], [0, 1]]);
  const penalty = proximalPenalty(f, v, 30);
  expectClose(penalty, 30 * (2 + 0) / 2, { atol: 1e-5 });
  const grad = tf.grad((x: tf.Tensor) => proximalPenalty(x as tf.Tensor2D, v, 30))(f);
  expectClose(grad, [[30, -30], [0, 0]], { atol: 1e-5 });
  bank.write([2, 0], f, 3);
  const rows = bank.gather([2, 0]);
  expectClose(rows, f, { atol: 0 });
  assert.deepEqual(Array.from(bank.ages), [3, -1, 3, -1]);
  tf.dispose([f, v, penalty, grad, rows]);
  bank.dispose();
});

test('MemoryBank.initialize: every row replaced by the normalised features, ages back to −1; bad input named', () => {
  const bank = new MemoryBank({ size: 3, dim: 2, rng: new Rng(4) });
  const other = tf.tensor2d([[1, 0], [0, 1]]);
  bank.write([0, 1], other, 5);
  const features = tf.tensor2d([[3, 4], [0, -2], [-1, 1]]);
  const before = tf.memory().numTensors;
  bank.initialize(features);
  assert.equal(tf.memory().numTensors, before, 'no leaks');
  expectClose(bank.vectors, [[0.6, 0.8], [0, -1], [-Math.SQRT1_2, Math.SQRT1_2]], { atol: 1e-6 });
  assert.deepEqual(Array.from(bank.ages), [-1, -1, -1]);
  assert.throws(() => bank.initialize(other), /MemoryBank.initialize: 'features' must be \[3, 2\]/);
  const zeroRow = tf.tensor2d([[1, 0], [0, 0], [0, 1]]);
  assert.throws(() => bank.initialize(zeroRow), /MemoryBank.initialize: 'features' must be finite with no zero rows/);
  const notFinite = tf.tensor2d([[1, 0], [NaN, 1], [0, 1]]);
  assert.throws(() => bank.initialize(notFinite), /must be finite/);
  expectClose(bank.vectors, [[0.6, 0.8], [0, -1], [-Math.SQRT1_2, Math.SQRT1_2]], { atol: 1e-6 });
  tf.dispose([other, features, zeroRow, notFinite]);
  bank.dispose();
});

test('MemoryBank: getState/setState round trip and size check', () => {
  const bank = new MemoryBank({ size: 4, dim: 2, rng: new Rng(3) });
  const f = tf.tensor2d([[1, 0]]);
  bank.write([1], f, 2);
  const copy = new MemoryBank({ size: 4, dim: 2, rng: new Rng(4) });
  copy.setState(bank.getState());
  assert.deepEqual(copy.getState(), bank.getState());
  const wrong = new MemoryBank({ size: 5, dim: 2 });
  assert.throws(() => wrong.setState(bank.getState()), /MemoryBank.setState: the state is a 4×2 bank/);
  [bank, copy, wrong].forEach((b) => b.dispose());
  f.dispose();
});

test('sampleNoiseIndices: uniform with replacement; optional exclusion of the positive; seeded', () => {
  const draws = sampleNoiseIndices(new Rng(5), 4, 5000, 10);
  assert.equal(draws.length, 20000);
  const counts = new Array(10).fill(0);
  draws.forEach((d) => counts[d]++);
  // Each count is Binomial(20000, 0.1): mean 2000, sd 42; 5 sd bounds.
  counts.forEach((c) => assert.ok(Math.abs(c - 2000) < 5 * 42, `count ${c}`));
  assert.deepEqual(sampleNoiseIndices(new Rng(5), 4, 5000, 10), draws);
  const positives = [0, 3, 9, 3];
  const excluded = sampleNoiseIndices(new Rng(6), 4, 3000, 10, positives);
  const seen = positives.map(() => new Set<number>());
  for (let b = 0; b < 4; b++) {
    for (let k = 0; k < 3000; k++) {
      const d = excluded[b * 3000 + k];
      assert.notEqual(d, positives[b], 'the positive is never drawn');
      seen[b].add(d);
    }
  }
  seen.forEach((s) => assert.equal(s.size, 9, 'every other index can be drawn'));
  // Without exclusion the positive does get drawn (the reference code's behaviour).
  const included = sampleNoiseIndices(new Rng(6), 1, 1000, 10, undefined);
  assert.ok(Array.from(included).includes(0));
  assert.throws(() => sampleNoiseIndices(new Rng(1), 2, 3, 10, [1]), /'positives' must have batchSize \(2\) entries/);
});

test('sampleSharedNoiseIndices: K uniform draws with replacement for the whole batch; optional exclusion; seeded', () => {
  const draws = sampleSharedNoiseIndices(new Rng(5), 20000, 10);
  assert.equal(draws.length, 20000);
  const counts = new Array(10).fill(0);
  draws.forEach((d) => counts[d]++);
  // Each count is Binomial(20000, 0.1): mean 2000, sd 42; 5 sd bounds.
  counts.forEach((c) => assert.ok(Math.abs(c - 2000) < 5 * 42, `count ${c}`));
  assert.deepEqual(sampleSharedNoiseIndices(new Rng(5), 20000, 10), draws);
  const excluded = sampleSharedNoiseIndices(new Rng(6), 14000, 10, [0, 3, 9, 3]);
  const seen = new Array(10).fill(0);
  excluded.forEach((d) => seen[d]++);
  assert.deepEqual([seen[0], seen[3], seen[9]], [0, 0, 0], 'excluded rows are never drawn');
  // the other 7 rows share the draws uniformly: Binomial(14000, 1/7), mean 2000, sd 41
  [1, 2, 4, 5, 6, 7, 8].forEach((row) => assert.ok(Math.abs(seen[row] - 2000) < 5 * 41, `row ${row}: ${seen[row]}`));
  assert.throws(() => sampleSharedNoiseIndices(new Rng(1), 0, 10), /sampleSharedNoiseIndices: 'numNegatives' must be a positive integer, got 0/);
  assert.throws(() => sampleSharedNoiseIndices(new Rng(1), 3, 2, [0, 1]), /'exclude' must leave some of the 2 rows to draw/);
});

test('MemoryBank as a Checkpointable: its size as JSON, vectors [n, D] and ages [n] as tensors; another size is reported', () => {
  const bank = new MemoryBank({ size: 4, dim: 2, rng: new Rng(3) });
  const f = tf.tensor2d([[1, 0]]); // [1, 2]
  bank.write([1], f, 2);
  const saved = bank.saveCheckpoint();
  assert.deepEqual(saved.json, { size: 4, dim: 2 });
  assert.deepEqual(Object.entries(saved.tensors!).map(([name, t]) => `${name} ${t.dtype} [${t.shape}]`), ['vectors float32 [4,2]', 'ages int32 [4]']);
  const copy = new MemoryBank({ size: 4, dim: 2, rng: new Rng(4) });
  const { stored, problems } = storedPart(saved, 'the memory bank');
  copy.checkCheckpoint(stored);
  assert.deepEqual(problems, []);
  copy.restoreCheckpoint(stored);
  assert.deepEqual(copy.getState(), bank.getState());
  const larger = new MemoryBank({ size: 5, dim: 2, rng: new Rng(4) });
  const probe = storedPart(saved, 'the memory bank');
  larger.checkCheckpoint(probe.stored);
  assert.deepEqual(probe.problems, ['the memory bank is [4,2] in the checkpoint, [5,2] now', "the memory bank's ages tensor is [4] in the checkpoint, [5] now"]);
  [bank, copy, larger].forEach((b) => b.dispose());
  f.dispose();
});

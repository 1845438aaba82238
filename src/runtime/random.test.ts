import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng, hashSeed, rngFor, setSeed } from './random';
import { storedPart } from '../testing/stored-part';

test('the same seed gives the same stream; another seed another', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const drawsA = Array.from({ length: 20 }, () => a.next());
  const drawsB = Array.from({ length: 20 }, () => b.next());
  const drawsC = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(drawsA, drawsB);
  assert.notDeepEqual(drawsA, drawsC);
});

test('next() stays in [0, 1) and has mean ≈ 1/2', () => {
  const rng = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 20000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1, `draw ${x} out of [0,1)`);
    sum += x;
  }
  assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01, `mean ${sum / 20000}`);
});

test('int(n) covers 0..n-1 and nothing else', () => {
  const rng = new Rng(3);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
  assert.ok(counts.every((c) => c > 800 && c < 1200), `counts ${counts}`);
  assert.throws(() => rng.int(0), /'maxExclusive' must be a positive integer/);
});

test('normal() has mean ≈ 0 and std ≈ 1', () => {
  const values = new Rng(5).normalArray(20000);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(variance) - 1) < 0.03, `std ${Math.sqrt(variance)}`);
});

test('permutation is a permutation', () => {
  const p = Array.from(new Rng(9).permutation(100)).sort((x, y) => x - y);
  assert.deepEqual(p, Array.from({ length: 100 }, (_, i) => i));
});

test('fork gives a stream that does not depend on what the parent drew', () => {
  const parent1 = new Rng(11);
  const parent2 = new Rng(11);
  parent2.next();
  parent2.next();
  assert.deepEqual(parent1.fork('weights').uniformArray(5), parent2.fork('weights').uniformArray(5));
  assert.notDeepEqual(parent1.fork('weights').uniformArray(5), parent1.fork('noise').uniformArray(5));
  assert.notEqual(hashSeed(1, 'a'), hashSeed(2, 'a'));
});

test('getState/setState resumes the stream exactly, including a cached normal', () => {
  const rng = new Rng(13);
  rng.normal();
  const state = rng.getState();
  const expected = [rng.normal(), rng.next(), rng.int(1000)];
  const resumed = new Rng(0);
  resumed.setState(state);
  assert.deepEqual([resumed.normal(), resumed.next(), resumed.int(1000)], expected);
});

test('rngFor derives from the kit-wide seed', () => {
  setSeed(1);
  const first = rngFor('x').next();
  setSeed(2);
  const other = rngFor('x').next();
  setSeed(1);
  assert.equal(rngFor('x').next(), first);
  assert.notEqual(first, other);
});

test('non-integer seeds are rejected by name', () => {
  assert.throws(() => new Rng(1.5), /'seed' must be an integer/);
});

test('Rng as a Checkpointable: its seed and state as JSON (a cached normal kept, none as null), restored exactly', () => {
  const a = new Rng(5);
  a.uniformArray(3);
  a.normal(); // caches a second normal
  const saved = a.saveCheckpoint();
  assert.deepEqual(Object.keys(saved), ['json']);
  const json = saved.json as { seed: number; state: Array<number | null> };
  assert.equal(json.seed, 5);
  assert.equal(typeof json.state[json.state.length - 1], 'number');
  const b = new Rng(5);
  const { stored, problems } = storedPart(saved, "RNG 'data'");
  b.checkCheckpoint(stored);
  assert.deepEqual(problems, []);
  b.restoreCheckpoint(stored);
  assert.equal(b.normal(), a.normal());
  assert.deepEqual(b.uniformArray(4), a.uniformArray(4));
  const fresh = new Rng(5).saveCheckpoint().json as { state: Array<number | null> };
  assert.equal(fresh.state[fresh.state.length - 1], null, 'no cached normal: null (JSON has no NaN)');
});

test('Rng as a Checkpointable: a stream seeded differently is reported and not restored', () => {
  const { stored, problems } = storedPart(new Rng(5).saveCheckpoint(), "RNG 'data'");
  const other = new Rng(6);
  other.checkCheckpoint(stored);
  assert.deepEqual(problems, ["RNG 'data' was seeded 5 in the checkpoint, 6 now"]);
});

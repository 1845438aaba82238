import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { classBalancedBatches, instanceBatches, labelledPairBatches, neighbourPairBatches, nPairBatches, tupletBatches } from './batches';
import { Rng, setSeed } from '../runtime/random';

/** 10 classes × 60 examples, labels interleaved (index i has class (i·7) mod 10). */
const LABELS = Uint8Array.from({ length: 600 }, (_, i) => (i * 7) % 10);

/** 50 items on a ring: the neighbours of i are i − 1 and i + 1 (mod 50). */
const RING_NEIGHBOURS = Int32Array.from({ length: 100 }, (_, j) => (Math.floor(j / 2) + (j % 2 === 0 ? 49 : 1)) % 50);

function countOccurrences(values: Iterable<number>, size: number): Int32Array {
  const counts = new Int32Array(size);
  for (const v of values) counts[v]++;
  return counts;
}

test('labelledPairBatches: every index once as left, pairs labelled correctly, balanced per batch', () => {
  const batches = labelledPairBatches(LABELS, { batchSize: 64, rng: new Rng(1) });
  assert.equal(batches.length, Math.ceil(600 / 64));
  assert.equal(batches[batches.length - 1].left.length, 600 - 9 * 64);
  const lefts = countOccurrences(batches.flatMap((b) => Array.from(b.left)), 600);
  assert.ok(lefts.every((c) => c === 1), 'every index exactly once as left');
  for (const { left, right, similar } of batches) {
    let numSimilar = 0;
    for (let i = 0; i < left.length; i++) {
      const same = LABELS[left[i]] === LABELS[right[i]];
      assert.equal(similar[i] === 1, same, `pair ${left[i]},${right[i]} labelled ${similar[i]}`);
      assert.notEqual(left[i], right[i]);
      numSimilar += similar[i];
    }
    assert.equal(numSimilar, Math.round(left.length / 2));
  }
});

test('labelledPairBatches: configurable ratio, dropLast, and errors name the argument', () => {
  const batches = labelledPairBatches(LABELS, { batchSize: 50, similarFraction: 0.2, dropLast: true, rng: new Rng(2) });
  assert.equal(batches.length, 12);
  for (const b of batches) assert.equal(b.similar.reduce((s, v) => s + v, 0), 10);
  assert.throws(() => labelledPairBatches(LABELS, { batchSize: 8, similarFraction: 1.5 }), /labelledPairBatches: 'similarFraction' must be in \[0, 1\], got 1\.5/);
  assert.throws(() => labelledPairBatches(LABELS, { batchSize: 0 }), /labelledPairBatches: 'batchSize' must be a positive integer, got 0/);
  assert.throws(() => labelledPairBatches([0, 0, 1], { batchSize: 2 }), /class 1 has 1/);
  assert.throws(() => labelledPairBatches([2, 2], { batchSize: 2, similarFraction: 0.5 }), /dissimilar pairs need ≥ 2 classes/);
});

test('every builder: same seed and epoch → same batches; another epoch or seed → different', () => {
  const builders: Array<(rng: Rng, epoch: number) => unknown> = [
    (rng, epoch) => labelledPairBatches(LABELS, { batchSize: 32, rng, epoch }),
    (rng, epoch) => classBalancedBatches(LABELS, { classesPerBatch: 4, samplesPerClass: 5, rng, epoch }),
    (rng, epoch) => nPairBatches(LABELS, { numPairs: 8, rng, epoch }),
    (rng, epoch) => tupletBatches(LABELS, { batchSize: 32, numNegatives: 3, rng, epoch }),
    (rng, epoch) => instanceBatches(600, { batchSize: 32, rng, epoch }),
    (rng, epoch) => neighbourPairBatches(RING_NEIGHBOURS, { numNeighbours: 2, batchSize: 16, rng, epoch }),
  ];
  for (const build of builders) {
    assert.deepEqual(build(new Rng(5), 1), build(new Rng(5), 1));
    assert.notDeepEqual(build(new Rng(5), 1), build(new Rng(5), 2));
    assert.notDeepEqual(build(new Rng(5), 1), build(new Rng(6), 1));
  }
  // The default stream follows the kit-wide seed.
  setSeed(3);
  const first = instanceBatches(100, { batchSize: 10 });
  setSeed(3);
  assert.deepEqual(instanceBatches(100, { batchSize: 10 }), first);
  setSeed(42);
});

test('classBalancedBatches: P distinct classes × K each, every index exactly once when sizes divide', () => {
  // 10 classes × 60: 12 groups of K = 5 per class, 120 groups, P = 4 → 30 full batches.
  const batches = classBalancedBatches(LABELS, { classesPerBatch: 4, samplesPerClass: 5, rng: new Rng(7) });
  assert.equal(batches.length, 30);
  for (const { indices, labels } of batches) {
    assert.equal(indices.length, 20);
    const classes = new Set<number>();
    for (let slot = 0; slot < 4; slot++) {
      const label = labels[slot * 5];
      classes.add(label);
      for (let k = 0; k < 5; k++) {
        assert.equal(labels[slot * 5 + k], label);
        assert.equal(LABELS[indices[slot * 5 + k]], label, 'label matches the dataset');
      }
      assert.equal(new Set(indices.subarray(slot * 5, slot * 5 + 5)).size, 5, 'distinct examples within a class group');
    }
    assert.equal(classes.size, 4, 'classes distinct');
  }
  const counts = countOccurrences(batches.flatMap((b) => Array.from(b.indices)), 600);
  assert.ok(counts.every((c) => c === 1), 'every index exactly once');
});

test('classBalancedBatches: uneven classes still cover every index at least once, with little padding', () => {
  const labels = Uint8Array.from({ length: 347 }, (_, i) => (i < 100 ? 0 : i < 180 ? 1 : i < 260 ? 2 : 3));
  const batches = classBalancedBatches(labels, { classesPerBatch: 3, samplesPerClass: 4, rng: new Rng(8) });
  const counts = countOccurrences(batches.flatMap((b) => Array.from(b.indices)), 347);
  assert.ok(counts.every((c) => c >= 1), 'every index at least once');
  const total = batches.length * 12;
  assert.ok(total < 347 * 1.15, `${total} slots for 347 examples`);
  for (const b of batches) assert.equal(new Set(Array.from(b.labels)).size, 3);
  assert.throws(() => classBalancedBatches(labels, { classesPerBatch: 5, samplesPerClass: 2 }), /'classesPerBatch' is 5 but 'labels' has only 4 classes/);
  assert.throws(() => classBalancedBatches([0, 0, 1, 1, 1], { classesPerBatch: 2, samplesPerClass: 3 }), /class 0 has 2 examples, fewer than 'samplesPerClass' = 3/);
});

test('nPairBatches: N pairs of N distinct classes, anchor and positive distinct and of one class', () => {
  const batches = nPairBatches(LABELS, { numPairs: 10, rng: new Rng(9) });
  assert.equal(batches.length, 30); // 30 groups of 2 per class, 10 classes per batch
  const seen = new Int32Array(600);
  for (const { anchors, positives, labels } of batches) {
    assert.equal(anchors.length, 10);
    assert.equal(new Set(Array.from(labels)).size, 10, 'classes distinct');
    for (let i = 0; i < 10; i++) {
      assert.notEqual(anchors[i], positives[i]);
      assert.equal(LABELS[anchors[i]], labels[i]);
      assert.equal(LABELS[positives[i]], labels[i]);
      seen[anchors[i]]++;
      seen[positives[i]]++;
    }
  }
  assert.ok(seen.every((c) => c === 1), 'every index exactly once');
  assert.throws(() => nPairBatches(LABELS, { numPairs: 11 }), /nPairBatches: 'numPairs' is 11 but 'labels' has only 10 classes/);
});

test('tupletBatches: anchor once per epoch, positive of its class, negatives of distinct other classes', () => {
  const batches = tupletBatches(LABELS, { batchSize: 48, numNegatives: 4, rng: new Rng(10) });
  const anchors = countOccurrences(batches.flatMap((b) => Array.from(b.anchors)), 600);
  assert.ok(anchors.every((c) => c === 1));
  for (const b of batches) {
    assert.equal(b.negatives.length, b.anchors.length * 4);
    for (let i = 0; i < b.anchors.length; i++) {
      const label = LABELS[b.anchors[i]];
      assert.equal(b.labels[i], label);
      assert.equal(LABELS[b.positives[i]], label);
      assert.notEqual(b.positives[i], b.anchors[i]);
      const negativeClasses = Array.from(b.negatives.subarray(i * 4, i * 4 + 4), (n) => LABELS[n]);
      assert.equal(new Set(negativeClasses).size, 4, 'negative classes distinct');
      assert.ok(!negativeClasses.includes(label), 'no negative of the anchor class');
    }
  }
  assert.throws(() => tupletBatches(LABELS, { batchSize: 8, numNegatives: 10 }), /'numNegatives' is 10 but 'labels' has only 10 classes \(at most 9 negatives\)/);
});

test('instanceBatches: a permutation cut into batches; dropLast drops only the short tail', () => {
  const batches = instanceBatches(103, { batchSize: 10, rng: new Rng(11) });
  assert.equal(batches.length, 11);
  const all = batches.flatMap((b) => Array.from(b.indices)).sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 103 }, (_, i) => i));
  const dropped = instanceBatches(103, { batchSize: 10, rng: new Rng(11), dropLast: true });
  assert.equal(dropped.length, 10);
  assert.deepEqual(dropped, batches.slice(0, 10));
  assert.throws(() => instanceBatches(10, { batchSize: 4, epoch: -1 }), /instanceBatches: 'epoch' must be a non-negative integer, got -1/);
});

test('neighbourPairBatches: similar = one of the k neighbours, dissimilar = neither a neighbour nor itself', () => {
  const batches = neighbourPairBatches(RING_NEIGHBOURS, { numNeighbours: 2, batchSize: 16, similarFraction: 0.25, rng: new Rng(12) });
  const lefts = countOccurrences(batches.flatMap((b) => Array.from(b.left)), 50);
  assert.ok(lefts.every((c) => c === 1), 'every item once as left');
  for (const { left, right, similar } of batches) {
    assert.equal(similar.reduce((s, v) => s + v, 0), Math.round(left.length * 0.25));
    for (let i = 0; i < left.length; i++) {
      const distance = Math.min((left[i] - right[i] + 50) % 50, (right[i] - left[i] + 50) % 50);
      if (similar[i]) assert.equal(distance, 1, `similar pair ${left[i]},${right[i]}`);
      else assert.ok(distance > 1, `dissimilar pair ${left[i]},${right[i]}`);
    }
  }
  assert.throws(() => neighbourPairBatches(RING_NEIGHBOURS, { numNeighbours: 3, batchSize: 4 }), /'neighbours' must be \[count, 3\] row-major, got 100 values/);
  assert.throws(() => neighbourPairBatches([1, 2, 1, 0, 0, 1], { numNeighbours: 2, batchSize: 2 }), /'neighbours\[1, 0\]' is 1, expected another item's index in \[0, 3\)/);
  assert.throws(() => neighbourPairBatches([1, 2, 2, 0, 0, 1], { numNeighbours: 2, batchSize: 2 }), /dissimilar pairs need more than k \+ 1 = 3 items, got 3/);
});

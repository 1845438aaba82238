import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LeaderboardRow } from './leaderboard';
import { clearDifferences, describeLeaderboard, leaderboardSummaryTable, seedSpread, summarizeLeaderboard } from './leaderboard-summary';

/** A row with the given name, seed and kNN top-1 (the other metrics derived from it). */
const row = (name: string, seed: number, knnTop1: number, loaded = false): LeaderboardRow => ({
  name, seed, knnTop1, oneNNTop1: knnTop1 - 0.01, recallAt1: knnTop1, mapAtR: knnTop1 / 2, alignment: 0.5, uniformity: -2,
  steps: 100, epochs: 0.5, trainSeconds: 10 + seed, evalSeconds: 1, finalLoss: 0.1, losses: [1, 0.1], loaded, source: loaded ? 'shipped' : 'trained', trainedAt: loaded ? `2026-12-0${seed}T00:00:00.000Z` : null,
});

test('seedSpread: mean, sample standard deviation, range', () => {
  const spread = seedSpread([0.8, 0.82, 0.84]);
  assert.ok(Math.abs(spread.mean - 0.82) < 1e-12);
  assert.ok(Math.abs(spread.std - 0.02) < 1e-12, 'sample std of 0.80, 0.82, 0.84 is 0.02');
  assert.equal(spread.min, 0.8);
  assert.equal(spread.max, 0.84);
  assert.equal(seedSpread([0.5]).std, 0);
  assert.throws(() => seedSpread([]), /seedSpread: 'values' must be a non-empty array of finite numbers, got \[\]/);
  assert.throws(() => seedSpread([1, NaN]), /seedSpread: 'values' must be a non-empty array of finite numbers/);
});

test('summarizeLeaderboard groups by contender, sorts by mean kNN; clear differences are non-overlapping ranges', () => {
  const rows = [
    row('tied', 1, 0.8), row('tied', 2, 0.86), row('tied', 3, 0.83),
    row('best', 1, 0.85, true), row('best', 2, 0.87, true), row('best', 3, 0.86, true),
    row('worst', 1, 0.7), row('worst', 2, 0.72), row('worst', 3, 0.71),
  ];
  const summary = summarizeLeaderboard(rows);
  assert.deepEqual(summary.map((s) => s.name), ['best', 'tied', 'worst']);
  assert.deepEqual(summary[0].seeds, [1, 2, 3]);
  assert.equal(summary[0].loaded, true);
  assert.equal(summary[1].loaded, false);
  assert.equal(summary[0].trainedAt, '2026-12-01T00:00:00.000Z', 'the earliest of the loaded runs');
  assert.equal(summary[1].trainedAt, null);
  assert.ok(Math.abs(summary[2].knnTop1.mean - 0.71) < 1e-12);
  assert.ok(Math.abs(summary[1].trainSeconds.mean - 12) < 1e-12);
  const clear = clearDifferences(summary);
  // best (0.85–0.87) vs tied (0.80–0.86) overlap; both are above worst (0.70–0.72).
  assert.deepEqual(clear.map((d) => [d.better, d.worse]), [['best', 'worst'], ['tied', 'worst']]);
  assert.ok(Math.abs(clear[0].difference - 0.15) < 1e-12);
  const lines = describeLeaderboard(summary);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^- \*\*best\*\* beats \*\*worst\*\* by 15\.00 points/);
  assert.match(lines[2], /^- Tied with the leader \*\*best\*\* at this budget .*\*\*tied\*\* \(3\.00 points behind\)\.$/);
  const table = leaderboardSummaryTable(summary);
  assert.equal(table[0]['kNN top-1 (%)'], '86.00 ± 1.00');
  assert.equal(table[0]['kNN range (%)'], '85.00–87.00');
  assert.equal(table[0].trained, 'checkpoint');
  assert.equal(table[2].rank, 3);
});

test('one seed: no difference is called clear; a clear leader is said so', () => {
  assert.deepEqual(describeLeaderboard(summarizeLeaderboard([row('a', 1, 0.9), row('b', 1, 0.5)])), ['One seed per contender: no difference on this board can be told from seed noise.']);
  const lines = describeLeaderboard(summarizeLeaderboard([row('a', 1, 0.9), row('a', 2, 0.91), row('b', 1, 0.5), row('b', 2, 0.52)]));
  assert.match(lines[lines.length - 1], /\*\*a\*\* is ahead of every other contender beyond the seed spread/);
});

test('summarizeLeaderboard names bad input', () => {
  assert.throws(() => summarizeLeaderboard([]), /summarizeLeaderboard: 'rows' must be a non-empty array/);
  assert.throws(() => summarizeLeaderboard([row('a', 1, 0.5), row('a', 1, 0.6)]), /summarizeLeaderboard: 'a' has two rows with the same seed/);
});

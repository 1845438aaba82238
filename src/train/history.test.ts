import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { EpochTally, continueHistory } from './history';

test('EpochTally: mean loss, and each metric summed over its steps and divided by all of them', () => {
  const tally = new EpochTally();
  tally.add(1, { a: 2 });
  tally.add(2);
  tally.add(6, { a: 4, b: 3 });
  assert.equal(tally.steps, 3);
  const record = tally.record(4, false, 12.5);
  assert.deepEqual(record, { epoch: 4, steps: 3, complete: false, meanLoss: 3, seconds: 12.5, metrics: { a: 2, b: 1 } });
  assert.deepEqual(Object.keys(record), ['epoch', 'steps', 'complete', 'meanLoss', 'seconds', 'metrics'], 'the key order checkpoints store');
});

test('continueHistory copies a resumed history (the original is not appended to) or starts an empty one', () => {
  assert.deepEqual(continueHistory(), { steps: [], epochs: [], monitor: [] });
  const earlier = { steps: [{ step: 0, epoch: 0, loss: 1, learningRate: 0.1, seconds: 1 }], epochs: [], monitor: [] };
  const history = continueHistory(earlier);
  history.steps.push({ step: 1, epoch: 0, loss: 1, learningRate: 0.1, seconds: 2 });
  assert.equal(earlier.steps.length, 1);
  assert.equal(history.steps.length, 2);
});

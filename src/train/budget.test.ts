import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkBudget, stopReason } from './budget';

test('stopReason: each kind of limit, and null before it', () => {
  assert.equal(stopReason({ epochs: 2 }, { epoch: 1, step: 100, seconds: 100 }), null);
  assert.equal(stopReason({ epochs: 2 }, { epoch: 2, step: 0, seconds: 0 }), 'epochs');
  assert.equal(stopReason({ steps: 6 }, { epoch: 9, step: 5, seconds: 100 }), null);
  assert.equal(stopReason({ steps: 6 }, { epoch: 0, step: 6, seconds: 0 }), 'steps');
  assert.equal(stopReason({ seconds: 1.5 }, { epoch: 9, step: 99, seconds: 1.4 }), null);
  assert.equal(stopReason({ seconds: 1.5 }, { epoch: 0, step: 0, seconds: 1.5 }), 'seconds');
  assert.equal(stopReason({ epochs: 0 }, { epoch: 0, step: 0, seconds: 0 }), 'epochs', 'a zero budget stops at once');
});

test('stopReason: when several limits are reached, epochs before steps before seconds', () => {
  const all = { epochs: 1, steps: 1, seconds: 1 };
  assert.equal(stopReason(all, { epoch: 1, step: 1, seconds: 1 }), 'epochs');
  assert.equal(stopReason(all, { epoch: 0, step: 1, seconds: 1 }), 'steps');
  assert.equal(stopReason(all, { epoch: 0, step: 0, seconds: 1 }), 'seconds');
  assert.equal(stopReason(all, { epoch: 0, step: 0, seconds: 0.5 }), null);
});

test('checkBudget names the bad field', () => {
  assert.throws(() => checkBudget('train', null as never), /train: 'budget' must be an object like \{ epochs: 3 \}, got null/);
  assert.throws(() => checkBudget('train', {}), /train: 'budget' must set at least one of epochs, steps or seconds/);
  assert.throws(() => checkBudget('train', { epochs: 1.5 }), /train: 'budget.epochs' must be a non-negative integer, got 1.5/);
  assert.throws(() => checkBudget('train', { steps: -1 }), /train: 'budget.steps' must be a non-negative integer, got -1/);
  assert.throws(() => checkBudget('train', { seconds: 0 }), /train: 'budget.seconds' must be > 0, got 0/);
  checkBudget('train', { epochs: 0, steps: 3, seconds: 0.1 });
});

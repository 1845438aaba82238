import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { scheduleMonitor } from './monitor';

const history = { steps: [], epochs: [], monitor: [] };

test('scheduleMonitor: every n steps, every n epochs, every epoch by default', () => {
  const evaluate = () => ({});
  const bySteps = scheduleMonitor({ everySteps: 3, evaluate });
  assert.deepEqual([1, 2, 3, 4, 6].map((s) => bySteps.dueAfterStep(s)), [false, false, true, false, true]);
  assert.equal(bySteps.dueAtEpochEnd(0), false, 'no epoch period when only everySteps is given');
  const byEpochs = scheduleMonitor({ everyEpochs: 2, evaluate });
  assert.deepEqual([0, 1, 2, 3].map((e) => byEpochs.dueAtEpochEnd(e)), [false, true, false, true]);
  assert.equal(byEpochs.dueAfterStep(2), false);
  const byDefault = scheduleMonitor({ evaluate });
  assert.deepEqual([0, 1].map((e) => byDefault.dueAtEpochEnd(e)), [true, true]);
});

test('scheduleMonitor: evaluate gives a record with a copy of the values, timed after the evaluation', async () => {
  const values = { knnTop1: 0.5 };
  let clock = 1;
  const monitor = scheduleMonitor({ evaluate: async ({ step, endOfEpoch }) => { clock = 7; return endOfEpoch ? values : { step }; } });
  const record = await monitor.evaluate({ step: 4, epoch: 1, endOfEpoch: true, history }, () => clock);
  assert.deepEqual(record, { step: 4, epoch: 1, seconds: 7, values: { knnTop1: 0.5 } });
  assert.notEqual(record.values, values);
  assert.deepEqual(history.monitor, [], 'the caller records it');
});

test('scheduleMonitor names bad options and a bad evaluation', async () => {
  assert.throws(() => scheduleMonitor({} as never), /train: 'monitor.evaluate' must be a function/);
  assert.throws(() => scheduleMonitor({ everySteps: 0, evaluate: () => ({}) }), /train: 'monitor.everySteps' must be a positive integer, got 0/);
  assert.throws(() => scheduleMonitor({ everyEpochs: 1.5, evaluate: () => ({}) }), /train: 'monitor.everyEpochs' must be a positive integer, got 1.5/);
  const bad = scheduleMonitor({ evaluate: () => 0.5 as never });
  await assert.rejects(bad.evaluate({ step: 0, epoch: 0, endOfEpoch: true, history }, () => 0), /train: 'monitor.evaluate' must return an object of numbers, got 0.5/);
});

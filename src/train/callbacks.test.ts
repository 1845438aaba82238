import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TrainPosition, callbackList, shorthandCallbacks } from './callbacks';
import type { EpochRecord, StepRecord, TrainHistory } from './history';

const position: TrainPosition = { label: 'run', budget: { epochs: 1 }, firstStep: 0, step: 1, epoch: 0, seconds: 0.5 };
const stepRecord: StepRecord = { step: 0, epoch: 0, loss: 1, learningRate: 0.1, seconds: 0.5 };
const epochRecord = (complete: boolean): EpochRecord => ({ epoch: 0, steps: 1, complete, meanLoss: 1, seconds: 0.5, metrics: {} });
const history: TrainHistory = { steps: [stepRecord], epochs: [], monitor: [] };

test('callbackList calls each hook in the list order, waits for each async onEpochEnd, skips hooks a callback lacks', async () => {
  const calls: string[] = [];
  const slow = {
    onStepEnd: () => calls.push('slow step'),
    onEpochEnd: async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push('slow epoch');
    },
  };
  const quick = {
    onTrainBegin: (p: TrainPosition) => calls.push(`quick begin ${p.label}`),
    onStepEnd: (r: StepRecord) => calls.push(`quick step ${r.step}`),
    onEpochEnd: (r: EpochRecord) => { calls.push(`quick epoch ${r.epoch}`); },
  };
  const list = callbackList([slow, quick]);
  list.onTrainBegin(position);
  list.onStepEnd(stepRecord, position);
  list.onMonitor({ step: 1, epoch: 0, seconds: 1, values: {} }, position);
  await list.onEpochEnd(epochRecord(true), history, position);
  list.onTrainEnd({ history, steps: 1, epochs: 1, seconds: 1, stoppedBy: 'epochs' }, position);
  assert.deepEqual(calls, ['quick begin run', 'slow step', 'quick step 0', 'slow epoch', 'quick epoch 0']);
  assert.throws(() => callbackList([quick, 3 as never]), /train: callbacks must be objects of hooks like \{ onStepEnd\(record\) \{…\} \}, got 3 at 1/);
});

test('shorthandCallbacks: onStep gets every step record; onEpochEnd only complete epochs, with the history', async () => {
  const steps: StepRecord[] = [];
  const epochs: Array<[EpochRecord, TrainHistory]> = [];
  const callbacks = shorthandCallbacks({ onStep: (r) => steps.push(r), onEpochEnd: (r, h) => { epochs.push([r, h]); } });
  callbacks.onStepEnd?.(stepRecord, position);
  await callbacks.onEpochEnd?.(epochRecord(false), history, position);
  await callbacks.onEpochEnd?.(epochRecord(true), history, position);
  assert.deepEqual(steps, [stepRecord]);
  assert.deepEqual(epochs, [[epochRecord(true), history]]);
  assert.deepEqual(shorthandCallbacks({}), { onStepEnd: undefined, onEpochEnd: undefined });
});

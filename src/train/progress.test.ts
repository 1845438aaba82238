import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatMonitorValue, progressLine } from './progress';
import type { TrainPosition } from './callbacks';
import { captureLog } from '../testing/capture-log';

test('progressLine: a step line, the monitor values on later lines, a forced line at each epoch end, the summary at the end', () => {
  const at = (step: number, epoch: number, seconds: number): TrainPosition => ({ label: 'fit', budget: { epochs: 2, steps: 8, seconds: 60 }, firstStep: 2, step, epoch, seconds });
  const lines = captureLog(() => {
    const progress = progressLine({ logEverySeconds: 3600 });
    progress.onStepEnd!({ step: 2, epoch: 0, loss: 0.25, learningRate: 1e-3, seconds: 10 }, at(3, 0, 2));
    progress.onStepEnd!({ step: 3, epoch: 0, loss: 0.2, learningRate: 1e-3, seconds: 11 }, at(4, 0, 4)); // within logEverySeconds: not logged
    progress.onMonitor!({ step: 4, epoch: 0, seconds: 11, values: { knnTop1: 0.71, tiny: 1e-5 } }, at(4, 0, 4));
    progress.onEpochEnd!({ epoch: 0, steps: 2, complete: true, meanLoss: 0.225, seconds: 11, metrics: {} }, { steps: [], epochs: [], monitor: [] }, at(4, 0, 4.2));
    const history = { steps: [{ step: 3, epoch: 0, loss: 0.2, learningRate: 1e-3, seconds: 11 }], epochs: [], monitor: [] };
    progress.onTrainEnd!({ history, steps: 4, epochs: 1, seconds: 4.26, stoppedBy: 'epochs' }, at(4, 1, 4.3));
  });
  assert.deepEqual(lines, [
    'fit · epoch 1/2 · step 3/8 · loss 0.2500 · lr 1.00e-3 · 0.50 steps/s · 2 s/60',
    'fit · epoch 1/2 · step 4/8 · loss 0.2250 · lr 1.00e-3 · 0.48 steps/s · 4 s/60 · weighted kNN 71.00 % · tiny 1.00e-5',
    'fit done: 2 steps in 4.3 s (stopped by epochs), last loss 0.2000 · weighted kNN 71.00 % · tiny 1.00e-5',
  ]);
});

test('progressLine: no rate without one, no speed before the first step of the call, no budget marks without limits', () => {
  const lines = captureLog(() => {
    const progress = progressLine();
    const position: TrainPosition = { label: 'train', budget: { seconds: 5 }, firstStep: 0, step: 0, epoch: 0, seconds: 0 };
    progress.onEpochEnd!({ epoch: 0, steps: 1, complete: false, meanLoss: NaN, seconds: 0, metrics: {} }, { steps: [], epochs: [], monitor: [] }, position);
    progress.onTrainEnd!({ history: { steps: [], epochs: [], monitor: [] }, steps: 0, epochs: 0, seconds: 0, stoppedBy: 'seconds' }, position);
  });
  assert.deepEqual(lines, ['train · epoch 1 · step 0 · loss NaN · 0 s/5', 'train done: 0 steps in 0.0 s (stopped by seconds), last loss NaN']);
});

test('formatMonitorValue: accuracies in % under the tables\' names, other values as numbers', () => {
  assert.equal(formatMonitorValue('knnTop1', 0.766), 'weighted kNN 76.60 %');
  assert.equal(formatMonitorValue('oneNNTop1', 0.8058), '1-NN 80.58 %');
  assert.equal(formatMonitorValue('bankKnnTop1', 0.1), 'weighted kNN (bank) 10.00 %');
  assert.equal(formatMonitorValue('instanceAccuracy', 0.25), 'instanceAccuracy 25.00 %');
  assert.equal(formatMonitorValue('testSharedDirection', 0.01234), 'testSharedDirection 0.0123');
  assert.equal(formatMonitorValue('knnTop1', NaN), 'weighted kNN NaN');
  assert.equal(formatMonitorValue('distinctNearestBankRows', 127), 'distinctNearestBankRows 127', 'counts without decimals');
});

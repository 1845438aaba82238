import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteLossError, train } from './loop';
import { cosineSchedule } from './schedules';
import { createMlpEncoder } from '../models/encoders';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { captureLogAsync } from '../testing/capture-log';

/** y = 2x − 1 on 8 points, in 4 batches of 2. */
function* lineBatches(): Generator<{ x: tf.Tensor2D; y: tf.Tensor2D }> {
  const xs = [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5];
  for (let i = 0; i < xs.length; i += 2) {
    const x = xs.slice(i, i + 2);
    yield { x: tf.tensor2d(x, [2, 1]), y: tf.tensor2d(x.map((v) => 2 * v - 1), [2, 1]) };
  }
}

function linearModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [1], units: 1, kernelInitializer: 'zeros' }));
  return model;
}

test('train (loss mode): fits a line; records every step and epoch; epoch mean = mean of its steps', async () => {
  const model = linearModel();
  const result = await train({
    model,
    batches: () => lineBatches(),
    loss: (b) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar,
    optimizer: tf.train.sgd(0.2),
    budget: { epochs: 60 },
    progress: false,
  });
  assert.equal(result.stoppedBy, 'epochs');
  assert.equal(result.steps, 240);
  assert.equal(result.epochs, 60);
  assert.equal(result.history.steps.length, 240);
  const first = result.history.epochs[0];
  expectClose(first.meanLoss, result.history.steps.slice(0, 4).reduce((s, r) => s + r.loss, 0) / 4, { atol: 1e-7 });
  const [kernel, bias] = model.getWeights().map((w) => w.dataSync()[0]);
  expectClose([kernel, bias], [2, -1], { atol: 1e-3 }, 'fitted line');
  assert.ok(result.history.epochs[59].meanLoss < 1e-5);
  model.dispose();
});

test('train: a steps budget stops mid-epoch (epoch marked incomplete); a seconds budget stops too', async () => {
  const model = linearModel();
  const loss = (b: { x: tf.Tensor2D; y: tf.Tensor2D }) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar;
  const before = tf.memory().numTensors;
  const bySteps = await train({ model, batches: () => lineBatches(), loss, budget: { steps: 6, epochs: 10 }, progress: false });
  assert.equal(bySteps.stoppedBy, 'steps');
  assert.deepEqual(bySteps.history.epochs.map((e) => [e.steps, e.complete]), [[4, true], [2, false]]);
  assert.equal(bySteps.epochs, 1);
  const bySeconds = await train({
    model,
    batches: () => lineBatches(),
    loss: (b) => {
      const until = performance.now() + 3;
      while (performance.now() < until) { /* a slow step */ }
      return loss(b);
    },
    budget: { seconds: 0.001 },
    progress: false,
  });
  assert.equal(bySeconds.stoppedBy, 'seconds');
  assert.equal(bySeconds.steps, 1);
  assert.equal(tf.memory().numTensors, before, 'unused batches of a stopped epoch are disposed');
  model.dispose();
});

test('train: a NaN loss stops with an error naming the step, with the history so far', async () => {
  const model = linearModel();
  let calls = 0;
  await assert.rejects(
    train({
      model,
      batches: () => lineBatches(),
      loss: (b) => {
        calls += 1;
        const mse = tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar;
        return calls === 6 ? (tf.mul(mse, NaN) as tf.Scalar) : mse;
      },
      budget: { epochs: 3 },
      progress: false,
    }),
    (error: unknown) => {
      assert.ok(error instanceof NonFiniteLossError);
      assert.match(error.message, /train: the loss is NaN at step 5 \(epoch 1, batch 1 of the epoch\)/);
      assert.equal(error.history.steps.length, 6);
      return true;
    },
  );
  await assert.rejects(
    train({ model, batches: () => lineBatches(), step: () => Infinity, budget: { steps: 2 }, progress: false }),
    /the loss is Infinity at step 0/,
  );
  model.dispose();
});

test('train: the schedule sets the optimizer rate each step; the monitor runs every n steps and at epoch ends', async () => {
  const model = linearModel();
  const optimizer = tf.train.adam(1);
  const schedule = cosineSchedule({ learningRate: 0.1, totalSteps: 8 });
  const seen: number[] = [];
  const result = await train({
    model,
    optimizer,
    batches: () => lineBatches(),
    loss: (b, context) => {
      seen.push((optimizer as unknown as { learningRate: number }).learningRate);
      assert.equal(context.learningRate, schedule(context.step));
      return { loss: tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar, metrics: { meanPrediction: tf.mean(model.apply(b.x) as tf.Tensor) as tf.Scalar } };
    },
    learningRate: schedule,
    budget: { epochs: 2 },
    monitor: { everySteps: 3, everyEpochs: 1, evaluate: ({ step, endOfEpoch }) => ({ probe: step + (endOfEpoch ? 0.5 : 0) }) },
    progress: false,
  });
  expectClose(seen, [0, 1, 2, 3, 4, 5, 6, 7].map(schedule), { atol: 1e-12 });
  assert.deepEqual(result.history.monitor.map((m) => m.values.probe), [3, 4.5, 6, 8.5]);
  assert.equal(result.history.epochs[1].metrics.probe, 8.5);
  assert.ok(Number.isFinite(result.history.epochs[0].metrics.meanPrediction));
  assert.ok(result.history.steps.every((s) => typeof s.metrics?.meanPrediction === 'number'));
  optimizer.dispose();
  model.dispose();
});

test('train: resuming continues step and epoch numbers and appends to the history', async () => {
  const model = linearModel();
  const loss = (b: { x: tf.Tensor2D; y: tf.Tensor2D }) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar;
  const first = await train({ model, batches: () => lineBatches(), loss, budget: { epochs: 1 }, progress: false });
  const epochsSeen: number[] = [];
  const second = await train({
    model,
    batches: (epoch) => { epochsSeen.push(epoch); return lineBatches(); },
    loss,
    budget: { epochs: 3 },
    start: { step: first.steps, epoch: 1, history: first.history },
    progress: false,
  });
  assert.deepEqual(epochsSeen, [1, 2]);
  assert.equal(second.steps, 12);
  assert.deepEqual(second.history.steps.map((s) => s.step), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(first.history.steps.length, 4, 'the earlier history object is not mutated');
  model.dispose();
});

test('train: tensor count is flat over 1 000 steps (loss mode with metrics, and step mode)', async () => {
  const model = createMlpEncoder({ inputShape: [4], hiddenUnits: [8], outputDim: 2, rng: new Rng(1) });
  const rng = new Rng(2);
  function* batches() {
    for (let i = 0; i < 100; i++) yield { x: tf.tensor2d(rng.normalArray(16), [4, 4]) };
  }
  const optimizer = tf.train.adam(1e-3);
  // Warm up once so the optimizer's slots exist before counting.
  await train({ model, optimizer, batches, loss: (b) => tf.mean(tf.square(model.apply(b.x) as tf.Tensor)) as tf.Scalar, budget: { steps: 1 }, progress: false });
  const before = tf.memory().numTensors;
  const result = await train({
    model,
    optimizer,
    batches,
    loss: (b) => {
      const y = model.apply(b.x) as tf.Tensor;
      return { loss: tf.mean(tf.square(y)) as tf.Scalar, metrics: { norm: tf.norm(y) as tf.Scalar } };
    },
    budget: { steps: 1000 },
    progress: false,
  });
  assert.equal(result.steps, 1000);
  assert.equal(tf.memory().numTensors, before, 'loss mode leaks nothing');
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  await train({
    batches,
    step: (b) => {
      const cost = optimizer.minimize(() => tf.mean(tf.square(model.apply(b.x) as tf.Tensor)) as tf.Scalar, true, variables);
      return (cost as tf.Scalar).dataSync()[0]; // the loop's tidy disposes `cost`
    },
    budget: { steps: 1000 },
    progress: false,
  });
  assert.equal(tf.memory().numTensors, before, 'step mode leaks nothing');
  optimizer.dispose();
  model.dispose();
});

test('train: bad options are named', async () => {
  const model = linearModel();
  await assert.rejects(train({ model, batches: () => lineBatches(), loss: () => tf.scalar(0), budget: {} }), /train: 'budget' must set at least one of epochs, steps or seconds/);
  await assert.rejects(train({ model, batches: () => lineBatches(), budget: { epochs: 1 } }), /give exactly one of 'loss' \(loss mode\) or 'step'/);
  await assert.rejects(train({ model, batches: () => [], loss: () => tf.scalar(0), budget: { epochs: 1 }, progress: false }), /'batches\(0\)' gave no batches/);
  model.dispose();
});

test('train: progress prints sparse lines and a final summary outside a notebook', async () => {
  const model = linearModel();
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.join(' ')); };
  try {
    await train({ model, label: 'fit-line', batches: () => lineBatches(), loss: (b) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar, budget: { epochs: 2 }, logEverySeconds: 3600 });
  } finally {
    console.log = original;
  }
  assert.ok(lines.length <= 4, `sparse: ${lines.length} lines`);
  assert.match(lines[lines.length - 1], /^fit-line done: 8 steps in .* \(stopped by epochs\), last loss/);
  assert.ok(lines.some((l) => /fit-line · epoch 1\/2 · step \d+ · loss/.test(l)));
  model.dispose();
});

test('train: callbacks in order — begin, each step after its monitor, each epoch after the epoch-end monitor, end — with their arguments', async () => {
  const model = linearModel();
  const events: string[] = [];
  const result = await train({
    model,
    label: 'order',
    batches: () => lineBatches(),
    loss: (b) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar,
    budget: { epochs: 2 },
    monitor: { everySteps: 3, everyEpochs: 1, evaluate: ({ step }) => ({ probe: step }) },
    onStep: (record) => events.push(`onStep ${record.step}`),
    onEpochEnd: (record, history) => { events.push(`onEpochEnd ${record.epoch} (${history.epochs.length} in history)`); },
    progress: {
      onTrainBegin: (p) => events.push(`begin ${p.label} step ${p.step} epoch ${p.epoch}`),
      onStepEnd: (record, p) => {
        assert.equal(p.step, record.step + 1, 'the position counts the step as done');
        events.push(`step ${record.step}`);
      },
      onMonitor: (record, p) => events.push(`monitor ${record.values.probe} at step ${p.step}`),
      onEpochEnd: (record, history, p) => {
        assert.equal(history.epochs[history.epochs.length - 1], record);
        events.push(`epoch ${record.epoch} at step ${p.step}, complete ${record.complete}`);
      },
      onTrainEnd: (r, p) => events.push(`end ${r.stoppedBy} ${r.steps} steps from ${p.firstStep}`),
    },
  });
  assert.deepEqual(events, [
    'begin order step 0 epoch 0',
    'onStep 0', 'step 0', 'onStep 1', 'step 1', 'monitor 3 at step 3', 'onStep 2', 'step 2', 'onStep 3', 'step 3',
    'monitor 4 at step 4', 'onEpochEnd 0 (1 in history)', 'epoch 0 at step 4, complete true',
    'onStep 4', 'step 4', 'monitor 6 at step 6', 'onStep 5', 'step 5', 'onStep 6', 'step 6', 'onStep 7', 'step 7',
    'monitor 8 at step 8', 'onEpochEnd 1 (2 in history)', 'epoch 1 at step 8, complete true',
    'end epochs 8 steps from 0',
  ]);
  assert.equal(result.stoppedBy, 'epochs');
  model.dispose();
});

test('train: one stop reason for each budget kind, epochs first when limits meet; a spent budget stops before asking for batches', async () => {
  const model = linearModel();
  const loss = (b: { x: tf.Tensor2D; y: tf.Tensor2D }) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar;
  const run = async (budget: { epochs?: number; steps?: number; seconds?: number }, start?: { step: number; epoch: number }) => {
    let asked = 0;
    const epochEnds: boolean[] = [];
    const result = await train({ model, batches: () => { asked += 1; return lineBatches(); }, loss, budget, start, progress: { onEpochEnd: (r) => { epochEnds.push(r.complete); } } });
    return { stoppedBy: result.stoppedBy, steps: result.steps, asked, epochEnds };
  };
  assert.deepEqual(await run({ epochs: 1 }), { stoppedBy: 'epochs', steps: 4, asked: 1, epochEnds: [true] });
  assert.deepEqual(await run({ steps: 3 }), { stoppedBy: 'steps', steps: 3, asked: 1, epochEnds: [false] }, 'the incomplete epoch reaches callbacks');
  assert.deepEqual(await run({ epochs: 1, steps: 4 }), { stoppedBy: 'epochs', steps: 4, asked: 1, epochEnds: [true] });
  assert.deepEqual(await run({ steps: 4 }), { stoppedBy: 'steps', steps: 4, asked: 1, epochEnds: [true] });
  assert.deepEqual(await run({ epochs: 0 }), { stoppedBy: 'epochs', steps: 0, asked: 0, epochEnds: [] });
  assert.deepEqual(await run({ steps: 10 }, { step: 10, epoch: 3 }), { stoppedBy: 'steps', steps: 10, asked: 0, epochEnds: [] });
  const bySeconds = await run({ seconds: 1e-9 });
  assert.deepEqual(bySeconds, { stoppedBy: 'seconds', steps: 0, asked: 0, epochEnds: [] });
  model.dispose();
});

test('train: the schedule is read once per step (loss mode with the own Adam, and step mode)', async () => {
  const model = linearModel();
  const reads: number[] = [];
  const schedule = (step: number) => { reads.push(step); return 0.01; };
  const result = await train({ model, batches: () => lineBatches(), loss: (b) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar, learningRate: schedule, budget: { steps: 6 }, progress: false });
  assert.deepEqual(reads, [0, 1, 2, 3, 4, 5]);
  assert.ok(result.history.steps.every((s) => s.learningRate === 0.01));
  reads.length = 0;
  const optimizer = tf.train.sgd(1);
  await train({ batches: () => [1, 2, 3], step: (_b, c) => c.learningRate, optimizer, learningRate: schedule, budget: { epochs: 2 }, start: { step: 3, epoch: 1 }, progress: false });
  assert.deepEqual(reads, [3, 4, 5]);
  optimizer.dispose();
  model.dispose();
});

test('train: progress false prints nothing; your own progress callbacks replace the line; a bad one is named', async () => {
  const model = linearModel();
  const loss = (b: { x: tf.Tensor2D; y: tf.Tensor2D }) => tf.losses.meanSquaredError(b.y, model.apply(b.x) as tf.Tensor) as tf.Scalar;
  let ends = 0;
  const { lines } = await captureLogAsync(async () => {
    await train({ model, batches: () => lineBatches(), loss, budget: { epochs: 1 }, progress: false });
    await train({ model, batches: () => lineBatches(), loss, budget: { epochs: 1 }, progress: { onTrainEnd: () => { ends += 1; } } });
  });
  assert.deepEqual(lines, []);
  assert.equal(ends, 1);
  await assert.rejects(train({ model, batches: () => lineBatches(), loss, budget: { epochs: 1 }, progress: 'quiet' as never }), /train: 'progress' must be true, false or callbacks like/);
  model.dispose();
});

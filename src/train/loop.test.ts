import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteLossError, train } from './loop';
import { cosineSchedule } from './schedules';
import { createMlpEncoder } from '../models/encoders';
import { Rng } from '../data/random';
import { expectClose } from '../notebook/assertions';

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

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Float16Array } from '@petamoriken/float16';
import { formatSeconds, loadOrTrain, recordedTrainingSeconds } from './load-or-train';
import { CheckpointError } from '../train/checkpoint-file';
import {
  SHIP_CHECKPOINTS_VARIABLE, SHIP_COMMAND_VARIABLE, SHIP_COMMIT_VARIABLE, SHIP_NOTEBOOK_VARIABLE, readShippedIndex, verifyAllShippedCheckpoints,
} from '../train/shipped-checkpoints';
import { createMlpEncoder } from '../models/encoders';
import { Rng } from '../runtime/random';
import { adamStep, disposeTrainingState as disposeState, makeTrainingState as makeState } from '../testing/training-state';

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-load-or-train-test-'));
process.on('exit', () => fs.rmSync(tempRoot, { recursive: true, force: true }));
let counter = 0;
const fresh = () => {
  const dir = path.join(tempRoot, `case-${++counter}`);
  return { shipped: path.join(dir, 'checkpoints'), cache: path.join(dir, 'cache') };
};
const freshDir = () => path.join(tempRoot, `run-${++counter}`);

const encoder = (seed: number) => createMlpEncoder({ inputShape: [3], hiddenUnits: [4], outputDim: 2, rng: new Rng(seed) });
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
const input = () => tf.tensor2d([[1, 2, 3], [-1, 0, 2]]);
/** A stand-in "accuracy" that moves with every weight (so rounding can move it). */
const score = (model: tf.LayersModel) => tf.tidy(() => (model.predict(input()) as tf.Tensor).sum().dataSync()[0]);

async function withEnv<T>(values: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Trains `name` for shipping into `roots.shipped` (one "training": the weights of seed 7). */
async function ship(roots: { shipped: string; cache: string }, name: string, knn: (model: tf.LayersModel) => number, metrics: Record<string, number> = { finalLoss: 0.25 }) {
  const model = encoder(1);
  const result = await withEnv(
    { [SHIP_CHECKPOINTS_VARIABLE]: name, [SHIP_COMMAND_VARIABLE]: 'npm run checkpoints:train -- test', [SHIP_COMMIT_VARIABLE]: 'abc123', [SHIP_NOTEBOOK_VARIABLE]: '01-test', CONTRASTIVE_KIT_CHECKPOINTS: roots.cache, CONTRASTIVE_KIT_FAST: '0' },
    () => loadOrTrain({
      name, config: { epochs: 3 }, state: { models: { encoder: model } }, shippedRoot: roots.shipped, epochs: 3, verbose: false,
      train: () => {
        const trained = encoder(7);
        model.setWeights(trained.getWeights());
        trained.dispose();
        return metrics;
      },
      evaluate: () => ({ knnTop1: knn(model), oneNNTop1: 0.5 }),
    }),
  );
  return { model, result };
}

async function load(roots: { shipped: string; cache: string }, name: string, config: Record<string, unknown> = { epochs: 3 }, env: Record<string, string | undefined> = {}) {
  const model = encoder(2);
  let trainings = 0;
  const result = await withEnv({ CONTRASTIVE_KIT_CHECKPOINTS: roots.cache, CONTRASTIVE_KIT_FAST: '0', CONTRASTIVE_KIT_RETRAIN: undefined, ...env }, () =>
    loadOrTrain({ name, config, state: { models: { encoder: model } }, shippedRoot: roots.shipped, verbose: false, train: () => { trainings += 1; return { finalLoss: 1 }; } }),
  );
  return { model, result, trainings };
}

test('loadOrTrain: trains and saves the first time, loads the second, retrains on a config change', async () => {
  const dir = freshDir();
  let trainings = 0;
  const run = async (config: Record<string, unknown>, seed: number) => {
    const state = makeState(seed);
    const result = await loadOrTrain({
      dir,
      config,
      state,
      train: () => {
        trainings += 1;
        adamStep(state);
        return { finalLoss: 0.5 };
      },
      extra: () => ({ normalizer: 42 }),
      verbose: false,
    });
    const weights = weightsOf(state.models.encoder);
    disposeState(state);
    return { result, weights };
  };
  const first = await run({ epochs: 1 }, 1);
  assert.equal(first.result.loaded, false);
  assert.match(first.result.reason, /no checkpoint at .* yet/);
  assert.ok(!Number.isNaN(Date.parse(first.result.trainedAt)), `trainedAt is an ISO time, got ${first.result.trainedAt}`);
  const second = await run({ epochs: 1 }, 2);
  assert.equal(second.result.loaded, true);
  assert.equal(second.result.trainedAt, first.result.trainedAt, 'a loaded checkpoint reports when it was trained, not now');
  assert.deepEqual(second.result.metrics, { finalLoss: 0.5 });
  assert.deepEqual(second.result.extra, { normalizer: 42 });
  assert.deepEqual(second.weights, first.weights, 'the loaded model has the trained weights');
  assert.equal(trainings, 1);
  const third = await run({ epochs: 2 }, 1);
  assert.equal(third.result.loaded, false);
  assert.match(third.result.reason, /epochs: checkpoint 1, now 2/);
  assert.equal(trainings, 2);
});

test('loadOrTrain by name: fast and full runs keep separate folders, so neither replaces the other', async () => {
  const root = freshDir();
  const previousRoot = process.env.CONTRASTIVE_KIT_CHECKPOINTS;
  const previousFast = process.env.CONTRASTIVE_KIT_FAST;
  process.env.CONTRASTIVE_KIT_CHECKPOINTS = root;
  try {
    const run = async (fast: boolean) => {
      process.env.CONTRASTIVE_KIT_FAST = fast ? '1' : '0';
      const state = makeState(1);
      const result = await loadOrTrain({ name: 'mode-test', config: { epochs: 1 }, state, train: () => ({ fast }), verbose: false });
      disposeState(state);
      return result;
    };
    const full = await run(false);
    const fast = await run(true);
    assert.equal(path.basename(full.dir), 'mode-test');
    assert.equal(path.basename(fast.dir), 'mode-test-fast');
    const fullAgain = await run(false);
    assert.equal(fullAgain.loaded, true, 'the full checkpoint survived the fast run');
    assert.deepEqual(fullAgain.metrics, { fast: false });
  } finally {
    if (previousRoot === undefined) delete process.env.CONTRASTIVE_KIT_CHECKPOINTS;
    else process.env.CONTRASTIVE_KIT_CHECKPOINTS = previousRoot;
    if (previousFast === undefined) delete process.env.CONTRASTIVE_KIT_FAST;
    else process.env.CONTRASTIVE_KIT_FAST = previousFast;
  }
});

test('a run of checkpoints:train writes checkpoints/<name> and its manifest entry; float16 when kNN moves < 0.1 point', async () => {
  const roots = fresh();
  const { model, result } = await ship(roots, '01-ship', () => 0.9);
  assert.equal(result.source, 'trained');
  const entry = readShippedIndex(roots.shipped).checkpoints['01-ship'];
  assert.equal(entry.precision, 'float16');
  assert.deepEqual(entry.float16Check, { float32: 0.9, float16: 0.9 });
  assert.equal(entry.command, 'npm run checkpoints:train -- test');
  assert.equal(entry.commit, 'abc123');
  assert.equal(entry.notebook, '01-test');
  assert.equal(entry.epochs, 3);
  assert.deepEqual(entry.metrics, { knnTop1: 0.9, oneNNTop1: 0.5 });
  assert.equal(entry.config.epochs, 3);
  assert.equal(entry.config.fastMode, false);
  assert.ok(entry.machine.includes('cores'), entry.machine);
  assert.deepEqual(Object.keys(entry.files), ['manifest.json.gz', 'tensors.bin'], 'the training record is stored compressed');
  assert.ok(!fs.existsSync(roots.cache), 'shipping writes nothing into the learner cache');
  // What ships is the float16-rounded weights, and the model keeps exactly those.
  const trained = encoder(7);
  const rounded = weightsOf(trained).map((values) => Array.from(Float32Array.from(new Float16Array(values))));
  trained.dispose();
  assert.deepEqual(weightsOf(model), rounded);
  assert.deepEqual(verifyAllShippedCheckpoints(roots.shipped).length, 1);
  model.dispose();
});

test('float32 is shipped when float16 rounding moves the kNN accuracy by 0.1 point or more', async () => {
  const roots = fresh();
  // An "accuracy" that changes with the last bits of the weights.
  const { model } = await ship(roots, '01-ship32', (m) => score(m) * 1000);
  const entry = readShippedIndex(roots.shipped).checkpoints['01-ship32'];
  assert.equal(entry.precision, 'float32');
  assert.ok(Math.abs(entry.float16Check!.float16 - entry.float16Check!.float32) >= 0.001);
  const trained = encoder(7);
  assert.deepEqual(weightsOf(model), weightsOf(trained), 'the float32 weights are restored after the check');
  trained.dispose();
  model.dispose();
});

test('loadOrTrain loads a shipped checkpoint whose config matches, and says where it came from', async () => {
  const roots = fresh();
  const shipped = await ship(roots, '02-load', () => 0.8);
  const { model, result, trainings } = await load(roots, '02-load');
  assert.equal(trainings, 0);
  assert.equal(result.loaded, true);
  assert.equal(result.source, 'shipped');
  assert.deepEqual(result.metrics, { finalLoss: 0.25 });
  assert.equal(result.trainedAt, result.shipped!.trainedAt);
  assert.match(result.reason, /loaded the shipped 3-epoch checkpoint checkpoints\/02-load, trained in \d+ s .*retrain with 'npm run walkthrough -- --retrain'/);
  assert.deepEqual(weightsOf(model), weightsOf(shipped.model));
  model.dispose();
  shipped.model.dispose();
});

test('formatSeconds rounds to whole seconds once, then sets off the thousands', () => {
  assert.equal(formatSeconds(716.4), '716');
  assert.equal(formatSeconds(715.324), '715');
  assert.equal(formatSeconds(0.4), '0');
  assert.equal(formatSeconds(1000), '1 000');
  assert.equal(formatSeconds(7395.7), '7 396');
  assert.equal(formatSeconds(1999.6), '2 000'); // rounding the remainder alone gave '1 1000'
});

test("recordedTrainingSeconds prefers the run's own record, else the fallback", () => {
  assert.equal(recordedTrainingSeconds({ seconds: 715.3, history: {} }, 716.4), 715.3);
  assert.equal(recordedTrainingSeconds({ finalLoss: 1 }, 716.4), 716.4);
  assert.equal(recordedTrainingSeconds({ seconds: Number.NaN }, 5), 5);
  assert.equal(recordedTrainingSeconds(null, 5), 5);
});

test("a loaded shipped run's message gives the seconds of its training record, as the tables do", async () => {
  const roots = fresh();
  // The manifest's trainingSeconds is the wall time of this test's train callback (well under a
  // second); the record says 715.3 s, and the message must say what a table of run.seconds says.
  const shipped = await ship(roots, '05-seconds', () => 0.8, { finalLoss: 0.25, seconds: 715.3 });
  assert.ok(shipped.result.shipped!.trainingSeconds < 100);
  const { model, result } = await load(roots, '05-seconds');
  assert.deepEqual(result.metrics, { finalLoss: 0.25, seconds: 715.3 });
  assert.match(result.reason, /trained in 715 s on /);
  model.dispose();
  shipped.model.dispose();
});

test('a flipped byte in a shipped checkpoint is an error naming the file, and nothing is overwritten', async () => {
  const roots = fresh();
  (await ship(roots, '03-corrupt', () => 0.8)).model.dispose();
  const file = path.join(roots.shipped, '03-corrupt', 'tensors.bin');
  const bytes = fs.readFileSync(file);
  bytes[10] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const before = fs.readFileSync(file);
  const model = encoder(2);
  let trainings = 0;
  await assert.rejects(
    withEnv({ CONTRASTIVE_KIT_CHECKPOINTS: roots.cache, CONTRASTIVE_KIT_FAST: '0' }, () =>
      loadOrTrain({ name: '03-corrupt', config: { epochs: 3 }, state: { models: { encoder: model } }, shippedRoot: roots.shipped, verbose: false, train: () => { trainings += 1; return {}; } }),
    ),
    (error: Error) => error instanceof CheckpointError && error.message.includes(file) && /corrupt/.test(error.message) && /--retrain/.test(error.message),
  );
  assert.equal(trainings, 0);
  assert.ok(fs.readFileSync(file).equals(before), 'the corrupt file is left as it was');
  assert.ok(!fs.existsSync(roots.cache), 'no training ran and nothing was saved');
  assert.throws(() => verifyAllShippedCheckpoints(roots.shipped), (error: Error) => error.message.includes(file));
  // Retraining is the way out: it never touches the shipped folder.
  const retrained = await load(roots, '03-corrupt', { epochs: 3 }, { CONTRASTIVE_KIT_RETRAIN: '1' });
  assert.equal(retrained.trainings, 1);
  assert.equal(retrained.result.source, 'trained');
  assert.ok(fs.readFileSync(file).equals(before));
  model.dispose();
  retrained.model.dispose();
});

test('another config trains and saves into your own folder; the shipped checkpoint stays as it was', async () => {
  const roots = fresh();
  (await ship(roots, '04-mismatch', () => 0.8)).model.dispose();
  const indexBefore = fs.readFileSync(path.join(roots.shipped, 'manifest.json'));
  const { model, result, trainings } = await load(roots, '04-mismatch', { epochs: 5 });
  assert.equal(trainings, 1);
  assert.equal(result.source, 'trained');
  assert.match(result.reason, /the shipped checkpoints\/04-mismatch was trained with another config \(epochs: checkpoint 3, now 5\)/);
  assert.equal(path.dirname(result.dir), roots.cache);
  assert.ok(fs.readFileSync(path.join(roots.shipped, 'manifest.json')).equals(indexBefore));
  model.dispose();
  // Your own run of that config is found first next time.
  const again = await load(roots, '04-mismatch', { epochs: 5 });
  assert.equal(again.result.source, 'cache');
  again.model.dispose();
});

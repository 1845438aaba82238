import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { configDifferences, restoreTrainingState, saveTrainingState } from './checkpoint';
import { checkpointExists, readCheckpoint } from './checkpoint-file';
import { createMlpEncoder } from '../models/encoders';
import { MocoQueue } from '../models/queue';
import { Checkpointable, tensorFromStored, storedTensor, expectStoredShape } from '../runtime/checkpointable';
import { Rng } from '../runtime/random';
import { readShippedIndex, shippedCheckpointsRoot } from './shipped-checkpoints';
import { adamStep, disposeTrainingState as disposeState, makeTrainingState as makeState, weightsOf } from '../testing/training-state';

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-checkpoint-test-'));
process.on('exit', () => fs.rmSync(tempRoot, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => path.join(tempRoot, `run-${++counter}`);

test('checkpoint round trip: weights, Adam state, queue, memory bank, RNG, variables, config and metrics', async () => {
  const dir = freshDir();
  const a = makeState(1);
  for (let i = 0; i < 3; i++) adamStep(a);
  const keys = tf.tensor2d([[1, 0], [0, 1]]);
  a.queue.enqueue(keys, [3, 4]);
  a.memoryBank.momentumUpdate([2, 0], keys, 5);
  a.rngs.data.uniformArray(7);
  a.rngs.data.normal(); // leaves a cached second normal: part of the state
  await saveTrainingState(dir, a, { config: { lr: 0.01, epochs: 2 }, metrics: { loss: [3, 2, 1] }, progress: { step: 3, epoch: 0 }, extra: { normalizer: 123.5 } });

  const b = makeState(2);
  adamStep(b); // b's optimizer already has slots: restoring must replace them
  const tensorsBefore = tf.memory().numTensors;
  const restored = await restoreTrainingState(dir, b, { config: { epochs: 2, lr: 0.01 } });
  assert.equal(tf.memory().numTensors, tensorsBefore, 'restoring leaks nothing (old optimizer slots are freed)');
  assert.deepEqual(restored.metrics, { loss: [3, 2, 1] });
  assert.deepEqual(restored.progress, { step: 3, epoch: 0 });
  assert.deepEqual(restored.extra, { normalizer: 123.5 });
  assert.deepEqual(weightsOf(b.models.encoder), weightsOf(a.models.encoder));
  assert.deepEqual(b.queue.getState(), a.queue.getState());
  assert.deepEqual(b.memoryBank.getState(), a.memoryBank.getState());
  assert.equal(b.variables.temperature.dataSync()[0], a.variables.temperature.dataSync()[0]);
  assert.deepEqual(b.rngs.data.uniformArray(5), a.rngs.data.uniformArray(5));
  assert.equal(b.rngs.data.normal(), a.rngs.data.normal());
  // The optimizer state came back: one more identical step gives identical weights.
  adamStep(a);
  adamStep(b);
  assert.deepEqual(weightsOf(b.models.encoder), weightsOf(a.models.encoder));
  keys.dispose();
  disposeState(a);
  disposeState(b);
});

test('checkpoint format: the names of the stored tensors and JSON sections are those of the shipped checkpoints', async () => {
  const dir = freshDir();
  const a = makeState(1);
  adamStep(a);
  a.rngs.data.normal();
  await saveTrainingState(dir, a, { config: { k: 1 } });
  const { manifest } = readCheckpoint(dir);
  const json = manifest.json as { layout: Record<string, unknown>; rngs: Record<string, { seed: number; state: Array<number | null> }> };
  assert.deepEqual(Object.keys(manifest.json), ['config', 'metrics', 'progress', 'extra', 'layout', 'rngs']);
  assert.deepEqual(manifest.tensors.map((t) => `${t.name} ${t.dtype} [${t.shape}]`), [
    'model/encoder/0 float32 [3,4]', 'model/encoder/1 float32 [4]', 'model/encoder/2 float32 [4,2]', 'model/encoder/3 float32 [2]',
    'optimizer/0 int32 []', 'optimizer/1 float32 [3,4]', 'optimizer/2 float32 [4]', 'optimizer/3 float32 [4,2]', 'optimizer/4 float32 [2]',
    'optimizer/5 float32 [3,4]', 'optimizer/6 float32 [4]', 'optimizer/7 float32 [4,2]', 'optimizer/8 float32 [2]',
    'queue/keys float32 [4,2]', 'queue/sampleIndices int32 [4]',
    'memoryBank/vectors float32 [5,2]', 'memoryBank/ages int32 [5]',
    'variable/temperature float32 []',
  ]);
  assert.deepEqual(Object.keys(json.layout), ['model:encoder', 'optimizer', 'queue', 'memoryBank']);
  assert.deepEqual((json.layout['model:encoder'] as Array<{ shape: number[] }>).map((w) => w.shape), [[3, 4], [4], [4, 2], [2]]);
  assert.deepEqual(json.layout.optimizer, { className: 'Adam', count: 9 });
  assert.deepEqual(json.layout.queue, { queueSize: 4, dim: 2, pointer: 0, enqueued: 0 });
  assert.deepEqual(json.layout.memoryBank, { size: 5, dim: 2 });
  assert.deepEqual(Object.keys(json.rngs), ['data']);
  assert.equal(json.rngs.data.seed, 11);
  assert.equal(typeof json.rngs.data.state[json.rngs.data.state.length - 1], 'number', 'a cached second normal is stored');
  disposeState(a);
});

test("every shipped checkpoint restores through restoreTrainingState with its manifest entry's config", async () => {
  const root = shippedCheckpointsRoot();
  assert.ok(root !== null, 'the tests run inside the kit checkout');
  const entries = Object.entries(readShippedIndex(root).checkpoints);
  assert.ok(entries.length > 0);
  for (const [name, entry] of entries) {
    const dir = path.join(root, name);
    const { manifest, tensors } = readCheckpoint(dir);
    const layout = (manifest.json as { layout: Record<string, Array<{ name: string; shape: number[] }>> }).layout;
    // A stand-in for each stored model: the same weight names and shapes; it records what it is given.
    const received: Record<string, number[][]> = {};
    const models = Object.fromEntries(Object.entries(layout).filter(([key]) => key.startsWith('model:')).map(([key, weights]) => {
      const modelName = key.slice('model:'.length);
      const stub = {
        weights: weights.map((w) => ({ name: w.name, originalName: w.name, shape: w.shape })),
        setWeights: (values: tf.Tensor[]) => { received[modelName] = values.map((v) => Array.from(v.dataSync())); },
      };
      return [modelName, stub as unknown as tf.LayersModel];
    }));
    assert.ok(Object.keys(models).length > 0, `${name} stores a model`);
    const before = tf.memory().numTensors;
    const restored = await restoreTrainingState(dir, { models }, { config: entry.config });
    assert.equal(tf.memory().numTensors, before, `${name}: restoring leaks nothing`);
    assert.equal(restored.createdAt, entry.trainedAt, `${name}: the manifest's time is the entry's`);
    for (const modelName of Object.keys(models)) {
      const expected = layout[`model:${modelName}`].map((_, i) => Array.from(tensors.get(`model/${modelName}/${i}`)!.values));
      assert.deepEqual(received[modelName], expected, `${name}: model '${modelName}' got the stored weights`);
    }
  }
});

test('checkpoint: any Checkpointable in state.parts is saved and restored by name, with no change to checkpoint.ts', async () => {
  const dir = freshDir();
  /** A learned temperature with a step counter: the contract's example. */
  const makeTemperature = (value: number, steps: number) => {
    const variable = tf.variable(tf.scalar(value));
    const part: Checkpointable & { steps: number; variable: tf.Variable } = {
      steps,
      variable,
      saveCheckpoint: () => ({ json: { steps: part.steps }, tensors: { value: storedTensor(variable) } }),
      checkCheckpoint: (stored) => expectStoredShape(stored, stored.label, stored.tensor('value'), []),
      restoreCheckpoint: (stored) => {
        part.steps = (stored.json as { steps: number }).steps;
        const value = stored.tensor('value')!;
        tf.tidy(() => variable.assign(tensorFromStored(value) as tf.Scalar));
      },
    };
    return part;
  };
  const a = makeState(1);
  const saved = makeTemperature(0.07, 12);
  await saveTrainingState(dir, { ...a, parts: { temperature: saved } }, { config: { k: 1 } });
  const { manifest } = readCheckpoint(dir);
  assert.deepEqual((manifest.json as { layout: Record<string, unknown> }).layout['part:temperature'], { steps: 12 });
  assert.ok(manifest.tensors.some((t) => t.name === 'part/temperature/value'));
  const restored = makeTemperature(1, 0);
  await restoreTrainingState(dir, { parts: { temperature: restored } }, { config: { k: 1 } });
  assert.equal(restored.steps, 12);
  assert.ok(Math.abs(restored.variable.dataSync()[0] - 0.07) < 1e-7);
  // A part the checkpoint does not have is named; so is a part that is not a Checkpointable.
  const other = makeTemperature(1, 0);
  await assert.rejects(restoreTrainingState(dir, { parts: { scale: other } }, { config: { k: 1 } }), /does not fit this training state:\n  it has no part 'scale'/);
  await assert.rejects(saveTrainingState(dir, { parts: { scale: {} as Checkpointable } }, { config: { k: 1 } }), /saveTrainingState: 'state.parts.scale' must implement Checkpointable/);
  disposeState(a);
  tf.dispose([saved.variable, restored.variable, other.variable]);
});

test('checkpoint: every part is checked before any is restored, and every misfit is listed', async () => {
  const dir = freshDir();
  const a = makeState(1);
  await saveTrainingState(dir, a, { config: { k: 1 } });
  const b = makeState(2);
  const misfit = {
    ...b,
    queue: new MocoQueue({ queueSize: 8, dim: 2, rng: new Rng(2) }),
    rngs: { data: new Rng(12), augment: new Rng(1) },
  };
  const before = { weights: weightsOf(b.models.encoder), bank: b.memoryBank.getState(), temperature: b.variables.temperature.dataSync()[0] };
  await assert.rejects(restoreTrainingState(dir, misfit, { config: { k: 1 } }), (error: Error) => {
    assert.match(error.message, /does not fit this training state/);
    assert.match(error.message, /the queue is \[4,2\] in the checkpoint, \[8,2\] now/);
    assert.match(error.message, /RNG 'data' was seeded 11 in the checkpoint, 12 now/);
    assert.match(error.message, /it has no RNG state 'augment'/);
    return true;
  });
  assert.deepEqual(weightsOf(b.models.encoder), before.weights, 'the model was not restored');
  assert.deepEqual(b.memoryBank.getState(), before.bank, 'the memory bank was not restored');
  assert.equal(b.variables.temperature.dataSync()[0], before.temperature, 'the variable was not restored');
  await assert.rejects(restoreTrainingState(dir, { models: { query: b.models.encoder } }, { config: { k: 1 } }), /it has no model 'query' \(it has: encoder\)/);
  misfit.queue.dispose();
  disposeState(a);
  disposeState(b);
});

test('checkpoint: truncated, corrupt or edited files are detected with an explanation', async () => {
  const dir = freshDir();
  const a = makeState(1);
  await saveTrainingState(dir, a, { config: { k: 1 } });
  const data = path.join(dir, 'tensors.bin');
  const manifest = path.join(dir, 'manifest.json');
  const good = fs.readFileSync(data);
  const goodManifest = fs.readFileSync(manifest, 'utf8');

  fs.writeFileSync(data, good.subarray(0, good.length - 10));
  assert.throws(() => readCheckpoint(dir), /tensors.bin has \d+ bytes, the manifest says \d+ \(truncated\?\)/);
  const flipped = Buffer.from(good);
  flipped[17] ^= 0xff;
  fs.writeFileSync(data, flipped);
  assert.throws(() => readCheckpoint(dir), /tensors.bin checksum mismatch .*the file is corrupt/);
  fs.writeFileSync(data, good);
  fs.writeFileSync(manifest, goodManifest.slice(0, goodManifest.length / 2));
  assert.throws(() => readCheckpoint(dir), /manifest.json is not valid JSON \(truncated or corrupt\)/);
  fs.writeFileSync(manifest, goodManifest.replace('"k": 1', '"k": 2'));
  assert.throws(() => readCheckpoint(dir), /manifest.json checksum mismatch/);
  fs.writeFileSync(manifest, goodManifest);
  assert.doesNotThrow(() => readCheckpoint(dir));
  disposeState(a);
});

test('checkpoint: a config mismatch lists every differing key; a shape mismatch names the weight', async () => {
  const dir = freshDir();
  const a = makeState(1);
  await saveTrainingState(dir, a, { config: { learningRate: 0.01, queueSize: 4, augment: { crop: 0.2 } } });
  await assert.rejects(
    restoreTrainingState(dir, a, { config: { learningRate: 0.001, queueSize: 4, augment: { crop: 0.08 }, temperature: 0.2 } }),
    (error: Error) => {
      assert.match(error.message, /was made with another config \(3 differences\)/);
      assert.match(error.message, /augment\.crop: checkpoint 0\.2, now 0\.08/);
      assert.match(error.message, /learningRate: checkpoint 0\.01, now 0\.001/);
      assert.match(error.message, /temperature: checkpoint missing, now 0\.2/);
      return true;
    },
  );
  const wider = { ...makeState(1), models: { encoder: createMlpEncoder({ inputShape: [3], hiddenUnits: [5], outputDim: 2, rng: new Rng(1) }) } };
  const before = weightsOf(wider.models.encoder);
  await assert.rejects(restoreTrainingState(dir, wider, { config: { learningRate: 0.01, queueSize: 4, augment: { crop: 0.2 } } }), /model 'encoder' weight 0 \(.*kernel\) is \[3,4\] in the checkpoint, \[3,5\] now/);
  assert.deepEqual(weightsOf(wider.models.encoder), before, 'nothing is restored when validation fails');
  assert.deepEqual(configDifferences({ a: [1, 2] }, { a: [1, 2] }), []);
  disposeState(a);
  disposeState(wider);
});

test('checkpoint: an interrupted or failed save leaves the previous checkpoint usable', async () => {
  const dir = freshDir();
  const a = makeState(1);
  await saveTrainingState(dir, a, { config: { version: 1 } });
  // 1. A save that fails midway (a disposed model cannot be read) changes nothing.
  const broken = makeState(3);
  broken.models.encoder.dispose();
  await assert.rejects(saveTrainingState(dir, broken, { config: { version: 2 } }));
  assert.deepEqual((readCheckpoint(dir).manifest.json as { config: unknown }).config, { version: 1 });
  assert.deepEqual(fs.readdirSync(tempRoot).filter((n) => n.startsWith(path.basename(dir) + '.')), [], 'no temporary folder left behind');
  // 2. A crash after writing a new folder but before renaming it: only a .tmp folder with partial files.
  const partial = `${dir}.tmp-crashed`;
  fs.mkdirSync(partial);
  fs.writeFileSync(path.join(partial, 'tensors.bin'), 'partial');
  assert.deepEqual((readCheckpoint(dir).manifest.json as { config: unknown }).config, { version: 1 });
  // 3. A crash between moving the old checkpoint aside and renaming the new one into place.
  fs.renameSync(dir, `${dir}.old-999-1`);
  assert.ok(checkpointExists(dir));
  const recovered = readCheckpoint(dir);
  assert.equal(recovered.dir, `${dir}.old-999-1`);
  assert.deepEqual((recovered.manifest.json as { config: unknown }).config, { version: 1 });
  // The next successful save replaces it and cleans up what was left aside.
  await saveTrainingState(dir, a, { config: { version: 3 } });
  assert.deepEqual((readCheckpoint(dir).manifest.json as { config: unknown }).config, { version: 3 });
  assert.ok(!fs.existsSync(`${dir}.old-999-1`));
  disposeState(a);
  broken.optimizer.dispose();
  broken.queue.dispose();
  broken.memoryBank.dispose();
  broken.variables.temperature.dispose();
});

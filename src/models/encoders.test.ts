import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createCnnEncoder, createMlpEncoder } from './encoders';
import { Rng, setSeed, rngFor } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

function weightsOf(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

test('createMlpEncoder: default bench shape 784-512-256-128, ReLU between, linear output', () => {
  const model = createMlpEncoder({ rng: new Rng(1) });
  assert.deepEqual(model.getWeights().map((w) => w.shape), [[784, 512], [512], [512, 256], [256], [256, 128], [128]]);
  const dense = model.layers.map((l) => (l.getConfig() as { activation?: string }).activation);
  assert.deepEqual(dense, ['relu', 'relu', 'linear']);
  assert.ok(!model.layers.some((l) => l.getClassName() === 'BatchNormalization'), 'no BatchNorm by default');
  const out = tf.tidy(() => (model.predict(tf.ones([3, 784])) as tf.Tensor).shape);
  assert.deepEqual(out, [3, 128]);
  model.dispose();
});

test('createCnnEncoder: default bench shape conv32-pool-conv64-pool-fc128-fc128', () => {
  const model = createCnnEncoder({ rng: new Rng(1) });
  assert.deepEqual(model.getWeights().map((w) => w.shape), [[3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [1600, 128], [128], [128, 128], [128]]);
  assert.deepEqual(model.layers.map((l) => l.getClassName()), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense']);
  assert.equal((model.layers[0].getConfig() as { padding: string }).padding, 'valid');
  const out = tf.tidy(() => (model.predict(tf.ones([2, 28, 28, 1])) as tf.Tensor).shape);
  assert.deepEqual(out, [2, 128]);
  model.dispose();
});

test('encoders: the same seed gives identical initial weights, another seed different ones', () => {
  setSeed(7);
  const a = createMlpEncoder({ hiddenUnits: [16], outputDim: 4, inputShape: [10] });
  setSeed(7);
  const b = createMlpEncoder({ hiddenUnits: [16], outputDim: 4, inputShape: [10] });
  setSeed(8);
  const c = createMlpEncoder({ hiddenUnits: [16], outputDim: 4, inputShape: [10] });
  const wa = weightsOf(a);
  const wb = weightsOf(b);
  wa.forEach((w, i) => assert.deepEqual(w, wb[i]));
  assert.notDeepEqual(wa[0], weightsOf(c)[0]);
  const cnnA = createCnnEncoder({ inputShape: [8, 8, 1], filters: [2], denseUnits: [3], outputDim: 2, rng: rngFor('x') });
  const cnnB = createCnnEncoder({ inputShape: [8, 8, 1], filters: [2], denseUnits: [3], outputDim: 2, rng: rngFor('x') });
  weightsOf(cnnA).forEach((w, i) => assert.deepEqual(w, weightsOf(cnnB)[i]));
  tf.dispose([a, b, c, cnnA, cnnB].map((m) => m.dispose()) as never);
});

test('encoders: He uniform for ReLU kernels, Glorot uniform for the linear output, zero biases', () => {
  const model = createMlpEncoder({ inputShape: [300], hiddenUnits: [200], outputDim: 100, rng: new Rng(3) });
  const [k1, b1, k2, b2] = weightsOf(model);
  const he = Math.sqrt(6 / 300);
  const glorot = Math.sqrt(6 / 300);
  const max1 = k1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const max2 = k2.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(max1 <= he * (1 + 1e-6) && max1 > 0.95 * he, `He limit ${he}, max ${max1}`);
  assert.ok(max2 <= glorot * (1 + 1e-6) && max2 > 0.95 * glorot, `Glorot limit ${glorot}, max ${max2}`);
  // Uniform on [-l, l] has variance l²/3.
  const variance = k1.reduce((s, v) => s + v * v, 0) / k1.length;
  expectClose(variance, (he * he) / 3, { rtol: 0.03 }, 'He variance');
  assert.ok(b1.every((v) => v === 0) && b2.every((v) => v === 0));
  model.dispose();
});

test('encoders: an image-shaped MLP input is flattened; bad options name the argument', () => {
  const model = createMlpEncoder({ inputShape: [4, 4, 1], hiddenUnits: [], outputDim: 3, rng: new Rng(0) });
  assert.deepEqual(tf.tidy(() => (model.predict(tf.zeros([5, 4, 4, 1])) as tf.Tensor).shape), [5, 3]);
  model.dispose();
  assert.throws(() => createMlpEncoder({ outputDim: 0 }), /createMlpEncoder: 'outputDim' must be a positive integer, got 0/);
  assert.throws(() => createMlpEncoder({ hiddenUnits: [3, -1] }), /createMlpEncoder: 'hiddenUnits'/);
  assert.throws(() => createCnnEncoder({ inputShape: [28, 28] as never }), /createCnnEncoder: 'inputShape' must be \[height, width, channels\]/);
  assert.throws(() => createCnnEncoder({ inputShape: [6, 6, 1], filters: [2, 2] }), /too small/);
});

test('encoders: batchNorm: true inserts BatchNormalization before the ReLUs (and makes samples depend on their batch)', () => {
  const model = createMlpEncoder({ inputShape: [4], hiddenUnits: [8], outputDim: 2, batchNorm: true, rng: new Rng(2) });
  assert.deepEqual(model.layers.map((l) => l.getClassName()), ['Dense', 'BatchNormalization', 'Activation', 'Dense']);
  const [first, second] = tf.tidy(() => {
    const x = tf.tensor2d([[1, 2, 3, 4], [0, 1, 0, 1]]);
    const other = tf.tensor2d([[1, 2, 3, 4], [5, -1, 2, 0]]);
    // Same first sample, different batch mates → different embedding in training mode.
    const a = (model.apply(x, { training: true }) as tf.Tensor).slice([0, 0], [1, 2]).arraySync();
    const b = (model.apply(other, { training: true }) as tf.Tensor).slice([0, 0], [1, 2]).arraySync();
    return [a, b];
  });
  assert.notDeepEqual(first, second);
  model.dispose();
});

test('siamese usage: one encoder on two inputs shares weights; gradients of both branches add up', () => {
  const encoder = createMlpEncoder({ inputShape: [3], hiddenUnits: [5], outputDim: 2, rng: new Rng(4) });
  const x1 = tf.tensor2d([[1, 0, -1], [0.5, 2, 0]]);
  const x2 = tf.tensor2d([[0, 1, 1], [1, 1, 1]]);
  const variables = encoder.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const before = tf.memory().numTensors;
  const branch = (x: tf.Tensor) => () => tf.sum(encoder.apply(x) as tf.Tensor) as tf.Scalar;
  const both = () => tf.add(tf.sum(encoder.apply(x1) as tf.Tensor), tf.sum(tf.square(encoder.apply(x2) as tf.Tensor))) as tf.Scalar;
  const g = tf.variableGrads(both, variables);
  const g1 = tf.variableGrads(branch(x1), variables);
  const g2 = tf.variableGrads(() => tf.sum(tf.square(encoder.apply(x2) as tf.Tensor)) as tf.Scalar, variables);
  tf.tidy(() => {
    for (const name of Object.keys(g.grads)) {
      expectClose(g.grads[name], tf.add(g1.grads[name], g2.grads[name]), { atol: 1e-5 }, name);
    }
  });
  tf.dispose([g.value, g1.value, g2.value, ...Object.values(g.grads), ...Object.values(g1.grads), ...Object.values(g2.grads)]);
  assert.equal(tf.memory().numTensors, before, 'no leaked tensors');
  tf.dispose([x1, x2]);
  encoder.dispose();
});

test("encoders: init 'pytorch' draws kernels and biases from U(±1/√fanIn), as PyTorch's nn.Linear/nn.Conv2d", () => {
  const model = createCnnEncoder({ rng: new Rng(3), init: 'pytorch' });
  const shapes = model.getWeights().map((w) => w.shape);
  // conv 3·3·1 → 32, conv 3·3·32 → 64, dense 1600 → 128, dense 128 → 128: fan-ins 9, 288, 1600, 128.
  const fanIns = [9, 9, 288, 288, 1600, 1600, 128, 128];
  assert.deepEqual(shapes.length, fanIns.length);
  weightsOf(model).forEach((values, i) => {
    const limit = 1 / Math.sqrt(fanIns[i]);
    const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(max <= limit * (1 + 1e-6) && max > 0.8 * limit, `weight ${i} [${shapes[i]}]: max |w| ${max} vs limit ${limit}`);
  });
  // A third of He's scale per layer: the untrained outputs are much smaller.
  const he = createCnnEncoder({ rng: new Rng(3) });
  const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 5);
  const [small, large] = [model, he].map((m) => tf.tidy(() => tf.mean(tf.norm(m.predict(x) as tf.Tensor, 'euclidean', 1)).dataSync()[0]));
  assert.ok(small < large / 3, `mean output norm: pytorch ${small}, he ${large}`);
  assert.throws(() => createMlpEncoder({ init: 'xavier' as never }), /createMlpEncoder: 'init' must be 'he' or 'pytorch', got "xavier"/);
  tf.dispose([x]);
  model.dispose();
  he.dispose();
});

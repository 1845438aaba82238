import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomValues, runOn } from '../../testing/compare-backends';
import { patchWasmKernels } from '../wasm-patches';
import { ADAM_MIN_VALUES_TO_SPLIT, ADAM_UPDATE_KERNEL, adamCoefficients, adamUpdate } from './adam-update';

patchWasmKernels(); // registers the kernel for wasm and cpu

const ATTRS = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** One fused step on a [rows, columns] variable from seeded values, on `backendName`: [x′, m′, v′]. */
function fusedStep(backendName: 'cpu' | 'wasm', rows: number, columns: number): Promise<Float32Array[]> {
  const size = rows * columns;
  const [x, g, m] = [1, 2, 3].map((seed) => randomValues(seed, size));
  const v = randomValues(4, size).map((value) => value * value * 1e-4);
  return runOn(backendName, () => {
    const tensors = [x, g, m, v].map((values) => tf.tensor2d(values, [rows, columns]));
    return adamUpdate(tensors[0], tensors[1], tensors[2], tensors[3], tf.scalar(0.9 ** 4), tf.scalar(0.999 ** 4), ATTRS);
  });
}

test('ContrastiveKitAdamUpdate: wasm = cpu bit for bit, below and above the size split between threads', async () => {
  for (const [rows, columns] of [[3, 5], [257, 259]]) {
    const cpu = await fusedStep('cpu', rows, columns);
    const wasm = await fusedStep('wasm', rows, columns);
    cpu.forEach((expected, k) => assert.deepEqual(Array.from(wasm[k]), Array.from(expected), `output ${k} of [${rows}, ${columns}]`));
  }
  assert.ok(257 * 259 > ADAM_MIN_VALUES_TO_SPLIT, 'the large case is split between threads when there are several');
});

test('ContrastiveKitAdamUpdate by hand: one step from zero moments (x = 1, g = 2 → x′ = 1 − lr·2/(2 + ε))', async () => {
  for (const backendName of ['cpu', 'wasm'] as const) {
    const [x, m, v] = await runOn(backendName, () =>
      adamUpdate(tf.tensor1d([1, -1]), tf.tensor1d([2, -0.5]), tf.zeros([2]), tf.zeros([2]), tf.scalar(0.9), tf.scalar(0.999), { ...ATTRS, learningRate: 0.1 }),
    );
    // m′ = (1 − β₁)·g, v′ = (1 − β₂)·g², m̂/√v̂ = sign(g)·|g|/(|g| + ε).
    assert.ok(Math.abs(m[0] - 0.2) < 1e-7 && Math.abs(m[1] + 0.05) < 1e-8, `${backendName} m′ ${m}`);
    assert.ok(Math.abs(v[0] - 0.004) < 1e-9 && Math.abs(v[1] - 0.00025) < 1e-10, `${backendName} v′ ${v}`);
    assert.ok(Math.abs(x[0] - 0.9) < 1e-6 && Math.abs(x[1] + 0.9) < 1e-6, `${backendName} x′ ${x}`);
  }
});

test('ContrastiveKitAdamUpdate computes its coefficients like tfjs: 1 − β in float64, 1 − β^t of the float32 power', () => {
  const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, step] = adamCoefficients(ATTRS, 0.81, 0.998001);
  assert.deepEqual([beta1, oneMinusBeta1, beta2, oneMinusBeta2], [0.9, 1 - 0.9, 0.999, 1 - 0.999]);
  assert.equal(oneMinusAccBeta1, 1 - Math.fround(0.81));
  assert.equal(oneMinusAccBeta2, 1 - Math.fround(0.998001));
  assert.deepEqual([epsilon, step], [1e-7, -1e-3]);
  assert.throws(() => adamCoefficients({ ...ATTRS, beta1: undefined as unknown as number }, 1, 1), /ContrastiveKitAdamUpdate: attr 'beta1' must be a number, got undefined/);
});

test('ContrastiveKitAdamUpdate checks its inputs and names the one that is wrong', async () => {
  patchWasmKernels();
  for (const backendName of ['cpu', 'wasm']) {
    assert.ok(await tf.setBackend(backendName));
    tf.tidy(() => {
      const [x, a1, a2] = [tf.zeros([2, 3]), tf.scalar(0.9), tf.scalar(0.999)];
      assert.throws(() => adamUpdate(x, tf.zeros([3, 2]), x, x, a1, a2, ATTRS), /ContrastiveKitAdamUpdate: 'gradient' must have the shape of 'x' \[2,3\], got \[3,2\]/);
      assert.throws(() => adamUpdate(x, x, tf.zeros([2, 3], 'int32'), x, a1, a2, ATTRS), /'firstMoment' must be float32, got int32/);
      assert.throws(() => adamUpdate(x, x, x, x, tf.zeros([2]), a2, ATTRS), /'accBeta1' must be a float32 scalar, got float32 \[2\]/);
    });
  }
});

test(`${ADAM_UPDATE_KERNEL} of an empty variable gives empty outputs`, async () => {
  const outputs = await runOn('wasm', () => adamUpdate(tf.zeros([0, 4]), tf.zeros([0, 4]), tf.zeros([0, 4]), tf.zeros([0, 4]), tf.scalar(0.9), tf.scalar(0.999), ATTRS));
  assert.deepEqual(outputs.map((values) => values.length), [0, 0, 0]);
});

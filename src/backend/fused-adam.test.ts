import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createMlpEncoder } from '../models/encoders';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { setLearningRate } from '../train/schedules';
import { fusedAdamInstalled, installFusedAdam, uninstallFusedAdam } from './fused-adam';
import { ADAM_UPDATE_KERNEL } from './kernels/adam-update';
import { patchWasmKernels, unpatchWasmKernels } from './wasm-patches';

type Mode = 'stock' | 'fused';

/** Runs `body` on `backendName` with tfjs' own Adam ('stock') or the fused one. */
async function withAdam<T>(backendName: 'cpu' | 'wasm', mode: Mode, body: () => Promise<T>): Promise<T> {
  patchWasmKernels();
  assert.ok(await tf.setBackend(backendName));
  if (mode === 'stock') uninstallFusedAdam();
  try {
    return await body();
  } finally {
    installFusedAdam();
  }
}

/** Bit patterns of a tensor's values. */
const bits = (tensor: tf.Tensor) => Array.from(new Uint32Array(Float32Array.from(tensor.dataSync() as Float32Array).buffer));

/** What a training run leaves: the model's weights and the optimizer's weights, as bits. */
interface RunResult {
  weights: number[][];
  optimizerWeights: Array<{ name: string; bits: number[] }>;
}

/**
 * 50 Adam steps of a small MLP (20-64-32-8) on a fixed batch, with hyper-parameters other than
 * the defaults, the learning rate changed by a schedule at step 20 and β₁ changed at step 35 (the
 * optimizer's fields are read at every step).
 */
async function trainSmallModel(): Promise<RunResult> {
  const before = tf.memory().numTensors;
  const model = createMlpEncoder({ inputShape: [20], hiddenUnits: [64, 32], outputDim: 8, rng: new Rng(3) });
  const input = tf.tensor2d(Float32Array.from({ length: 32 * 20 }, (_, i) => Math.sin(i * 1.7)), [32, 20]);
  const optimizer = tf.train.adam(0.01, 0.8, 0.99, 1e-6);
  const counts: number[] = [];
  for (let step = 0; step < 50; step++) {
    if (step === 20) setLearningRate(optimizer, 0.003);
    if (step === 35) (optimizer as unknown as { beta1: number }).beta1 = 0.85;
    optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply(input) as tf.Tensor, 0.5))) as tf.Scalar);
    if (step === 5 || step === 49) counts.push(tf.memory().numTensors);
  }
  assert.equal(counts[1], counts[0], `tensors after step 6 vs 50: ${counts}`);
  const weights = model.getWeights().map(bits);
  const named = await optimizer.getWeights(); // ['iter' (a new scalar), the slot variables…]
  const optimizerWeights = named.map((entry) => ({ name: entry.name, bits: bits(entry.tensor) }));
  named[0].tensor.dispose();
  optimizer.dispose();
  model.dispose();
  input.dispose();
  assert.equal(tf.memory().numTensors, before, 'everything is disposed at the end');
  return { weights, optimizerWeights };
}

test('fused Adam = tfjs’ Adam bit for bit over 50 steps on cpu and on wasm (schedule, custom β and ε), weights and optimizer state', async () => {
  const results: Record<string, RunResult> = {};
  for (const backendName of ['cpu', 'wasm'] as const) {
    for (const mode of ['stock', 'fused'] as const) results[`${mode} ${backendName}`] = await withAdam(backendName, mode, trainSmallModel);
  }
  for (const backendName of ['cpu', 'wasm']) {
    const stock = results[`stock ${backendName}`], fused = results[`fused ${backendName}`];
    assert.deepEqual(fused.weights, stock.weights, `model weights on ${backendName}`);
    // Slot names: 'iter', then '<variable>/m' for each variable, then '<variable>/v' (layer numbers differ between runs).
    const names = (run: RunResult) => run.optimizerWeights.map((w) => w.name.replace(/\d+/g, '#'));
    assert.deepEqual(names(fused), names(stock), 'slot names');
    assert.deepEqual(fused.optimizerWeights.map((w) => w.bits), stock.optimizerWeights.map((w) => w.bits), `optimizer weights on ${backendName}`);
  }
  // Across backends only the forward and backward passes differ (float32 sums in another order).
  const asFloats = (rows: number[][]) => rows.map((row) => new Float32Array(Uint32Array.from(row).buffer));
  asFloats(results['fused wasm'].weights).forEach((values, k) => expectClose(values, asFloats(results['stock cpu'].weights)[k], { atol: 1e-5, rtol: 1e-4 }, `weights ${k}, fused wasm vs stock cpu`));
  const fusedNames = results['fused cpu'].optimizerWeights.map((w) => w.name);
  assert.equal(fusedNames.length, 1 + 2 * 6, 'iter, and m and v of 3 kernels and 3 biases');
  assert.equal(fusedNames[0], 'iter');
  assert.match(fusedNames[1], /kernel\/m$/);
  assert.match(fusedNames[7], /kernel\/v$/);
});

/** Switches `tf.train.adam` optimizers (existing ones too) to `mode`. */
function useAdam(mode: Mode): void {
  if (mode === 'fused') installFusedAdam();
  else uninstallFusedAdam();
}

/**
 * A checkpoint resumed: 10 Adam steps with `saveMode`, the optimizer's weights saved (as a
 * checkpoint does, through getWeights), then a new optimizer given them (setWeights) trains 10
 * more steps with `resumeMode`. Returns the model's weights at the end.
 */
async function resumeFromSavedState(saveMode: Mode, resumeMode: Mode): Promise<number[][]> {
  const model = createMlpEncoder({ inputShape: [6], hiddenUnits: [5], outputDim: 3, rng: new Rng(5) });
  const input = tf.tensor2d(Float32Array.from({ length: 4 * 6 }, (_, i) => Math.cos(i)), [4, 6]);
  const loss = () => tf.mean(tf.square(tf.sub(model.apply(input) as tf.Tensor, 1))) as tf.Scalar;
  useAdam(saveMode);
  const first = tf.train.adam(0.05);
  for (let step = 0; step < 10; step++) first.minimize(loss);
  const named = await first.getWeights(); // ['iter' (a new scalar), the slot variables…]
  const saved = named.map((entry) => ({ name: entry.name, tensor: entry.tensor.clone() }));
  named[0].tensor.dispose();
  first.dispose();
  useAdam(resumeMode);
  const second = tf.train.adam(0.05);
  await second.setWeights(saved);
  for (let step = 0; step < 10; step++) second.minimize(loss);
  const weights = model.getWeights().map(bits);
  tf.dispose([...saved.map((entry) => entry.tensor), input]);
  second.dispose();
  model.dispose();
  useAdam('fused');
  return weights;
}

test('fused Adam: optimizer state saved by either Adam resumes in either, bit for bit like stock → stock', async () => {
  for (const backendName of ['cpu', 'wasm'] as const) {
    await withAdam(backendName, 'fused', async () => {
      const reference = await resumeFromSavedState('stock', 'stock');
      for (const [saveMode, resumeMode] of [['stock', 'fused'], ['fused', 'stock'], ['fused', 'fused']] as const) {
        assert.deepEqual(await resumeFromSavedState(saveMode, resumeMode), reference, `${backendName}: saved by ${saveMode}, resumed by ${resumeMode}`);
      }
    });
  }
});

test('tf.train.adam runs one fused kernel per variable instead of tfjs’ element-wise ops (tf.profile)', async () => {
  for (const backendName of ['cpu', 'wasm'] as const) {
    for (const mode of ['stock', 'fused'] as const) {
      const kernels = await withAdam(backendName, mode, async () => {
        const variables = [tf.variable(tf.ones([3, 4])), tf.variable(tf.ones([4]))];
        const optimizer = tf.train.adam(0.1);
        const gradients = variables.map((variable) => ({ name: variable.name, tensor: tf.onesLike(variable) }));
        const info = await tf.profile(() => optimizer.applyGradients(gradients));
        tf.dispose([...variables, ...gradients.map((entry) => entry.tensor)]);
        optimizer.dispose();
        return info.kernels.map((kernel) => kernel.name);
      });
      const count = (name: string) => kernels.filter((kernel) => kernel === name).length;
      if (mode === 'fused') {
        assert.equal(count(ADAM_UPDATE_KERNEL), 2, `${backendName}: one fused update per variable (${kernels})`);
        assert.equal(count('Sqrt') + count('RealDiv') + count('Square'), 0, `${backendName}: no element-wise Adam ops (${kernels})`);
        assert.ok(kernels.length <= 8, `${backendName}: 2 updates, slot zeros, the β-power products: ${kernels}`);
      } else {
        assert.equal(count(ADAM_UPDATE_KERNEL), 0);
        assert.equal(count('Sqrt'), 2, `${backendName}: tfjs' Adam takes a square root per variable`);
      }
    }
  }
});

test('fused Adam falls back to tfjs’ Adam for gradients it cannot take, and skips variables without a gradient', async () => {
  await withAdam('wasm', 'fused', async () => {
    const run = (): number[][] => {
      const a = tf.variable(tf.tensor1d([1, 2, 3]), true, `fallback-a-${fusedAdamInstalled()}`);
      const b = tf.variable(tf.tensor1d([4, 5]), true, `fallback-b-${fusedAdamInstalled()}`);
      const optimizer = tf.train.adam(0.1);
      // A broadcast gradient (shape [1] for a [3] variable): tfjs broadcasts; the kernel cannot.
      const broadcast = tf.tensor1d([0.5]);
      type Gradients = Parameters<typeof optimizer.applyGradients>[0];
      optimizer.applyGradients({ [a.name]: broadcast, [b.name]: tf.tensor1d([1, -1]) } as unknown as Gradients);
      // No gradient for `a` this time (its slots exist; it keeps its value).
      const gradient = tf.tensor1d([2, 2]);
      optimizer.applyGradients({ [a.name]: null, [b.name]: gradient } as unknown as Gradients);
      const out = [bits(a), bits(b)];
      tf.dispose([a, b, broadcast, gradient]);
      optimizer.dispose();
      return out;
    };
    const fused = run();
    uninstallFusedAdam();
    const stock = run();
    installFusedAdam();
    assert.deepEqual(fused, stock);
  });
});

test('installFusedAdam / uninstallFusedAdam are idempotent and go with the wasm patches', () => {
  patchWasmKernels();
  assert.ok(fusedAdamInstalled());
  installFusedAdam();
  assert.ok(fusedAdamInstalled());
  assert.notEqual(tf.getKernel(ADAM_UPDATE_KERNEL, 'cpu'), undefined);
  unpatchWasmKernels();
  try {
    assert.equal(fusedAdamInstalled(), false);
    assert.equal(tf.getKernel(ADAM_UPDATE_KERNEL, 'cpu'), undefined);
    assert.equal(tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm'), undefined);
    uninstallFusedAdam();
    assert.equal(fusedAdamInstalled(), false);
  } finally {
    patchWasmKernels();
  }
  assert.ok(fusedAdamInstalled());
  assert.notEqual(tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm'), undefined);
});

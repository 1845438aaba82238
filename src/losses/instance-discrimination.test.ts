import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { expectClose } from '../runtime/assertions';
import { lossFixtures } from '../testing/loss-fixtures';
import { gradCheck } from './grad-check';
import { estimateNormalizer, nceLoss, nonParametricSoftmaxLoss } from './instance-discrimination';
import { Rng } from '../runtime/random';

const t2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'float32');
const i1 = (values: number[]) => tf.tensor1d(values, 'int32');
const i2 = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

test('nonParametricSoftmaxLoss: equal logits give ln n; a perfect bank ~0', () => {
  tf.tidy(() => {
    const features = t2([[1, 0, 0], [1, 0, 0]]);
    const orthogonal = t2([[0, 1, 0], [0, 0, 1], [0, -1, 0], [0, 0, -1]]);
    expectClose(nonParametricSoftmaxLoss(features, orthogonal, i1([0, 3])), Math.log(4), { atol: 1e-6 }, 'ln n');
    // own row equal to the feature, the others orthogonal: −1/τ + ln(e^{1/τ} + n − 1)
    const bank = t2([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expectClose(nonParametricSoftmaxLoss(t2([[1, 0, 0]]), bank, i1([0]), { temperature: 0.1 }), Math.log(Math.exp(10) + 2) - 10, { atol: 1e-6 }, 'perfect');
  });
});

test('nceLoss and estimateNormalizer: hand-derived values with equal logits', () => {
  tf.tidy(() => {
    // all logits 0 ⇒ Z = n·mean e⁰ = n, P = 1/n, q = K/n:
    // L = −[ln(1/(1+K)) + K·ln(K/(1+K))]
    const n = 5;
    const K = 3;
    const features = t2([[1, 0], [1, 0]]);
    const memory = t2([[0, 1], [0, -1], [0, 2], [0, 0.5], [0, 3]]);
    const noise = i2([[1, 2, 4], [0, 0, 3]]);
    const z = estimateNormalizer(features, memory, noise);
    assert.ok(Math.abs(z - n) < 1e-5, `Z = ${z}, expected ${n}`);
    const expected = Math.log(1 + K) - K * Math.log(K / (1 + K));
    expectClose(nceLoss(features, memory, i1([0, 1]), noise, { normalizer: z }), expected, { atol: 1e-6 }, 'equal logits');
    // logits all c = 1/τ·(f·m) = 2 with τ = 0.5 and m = (1, ·): Z = n·e²
    const ones = t2([[1, 0], [1, 1], [1, -1], [1, 2], [1, 5]]);
    expectClose(estimateNormalizer(features, ones, noise, { temperature: 0.5 }), n * Math.exp(2), { rtol: 1e-5 }, 'Z = n·e^c');
  });
});

test('nceLoss counts a repeated noise draw twice (sampling with replacement)', () => {
  tf.tidy(() => {
    const features = t2([[0.6, 0.8]]);
    const memory = t2([[1, 0], [0, 1], [-1, 0], [0.8, 0.6], [0, -1]]);
    const options = { temperature: 0.5, normalizer: 3 };
    const once = nceLoss(features, memory, i1([0]), i2([[3, 1]]), options);
    const twice = nceLoss(features, memory, i1([0]), i2([[3, 3]]), options);
    const reference = nceLoss(features, memory, i1([0]), i2([[1, 1]]), options);
    // q changes with K, so compare the noise parts through the explicit formula instead
    const q = 2 / 5;
    const logP = (j: number) => (0.6 * memory.arraySync()[j][0] + 0.8 * memory.arraySync()[j][1]) / 0.5 - Math.log(3);
    const sp = (x: number) => Math.log1p(Math.exp(x));
    const data = sp(Math.log(q) - logP(0));
    expectClose(once, data + sp(logP(3) - Math.log(q)) + sp(logP(1) - Math.log(q)), { atol: 1e-5 }, 'distinct draws');
    expectClose(twice, data + 2 * sp(logP(3) - Math.log(q)), { atol: 1e-5 }, 'repeated draw');
    expectClose(reference, data + 2 * sp(logP(1) - Math.log(q)), { atol: 1e-5 }, 'repeated draw (other row)');
  });
});

/**
 * The dense route NCE used to take for every input: score the features against all n rows with one
 * [batch, n] product, then pick each sample's K noise columns. Kept here as the reference the O(K)
 * routes must reproduce. noise: [batch, K] row-major.
 */
function denseNce(features: tf.Tensor2D, memory: tf.Tensor2D, indices: number[], noise: Int32Array, temperature: number, normalizer: number): tf.Scalar {
  return tf.tidy(() => {
    const [batch] = features.shape;
    const n = memory.shape[0];
    const k = noise.length / batch;
    const logits = tf.matMul(tf.div(features, temperature) as tf.Tensor2D, memory, false, true); // [batch, n]
    const flat = tf.reshape(logits, [-1]);
    const pick = (columns: ArrayLike<number>, perRow: number) =>
      tf.gather(flat, tf.tensor1d(Int32Array.from(columns, (c, i) => Math.floor(i / perRow) * n + c), 'int32'));
    const logQ = Math.log(k / n) + Math.log(normalizer);
    const data = tf.sum(tf.softplus(tf.sub(logQ, pick(indices, 1))));
    const noiseTerm = tf.sum(tf.softplus(tf.sub(pick(noise, k), logQ)));
    return tf.div(tf.add(data, noiseTerm), batch) as tf.Scalar;
  });
}

/** Z = n · mean exp over the same [batch, K] pairs, computed from the dense logits. */
function denseNormalizer(features: tf.Tensor2D, memory: tf.Tensor2D, noise: Int32Array, temperature: number): number {
  return tf.tidy(() => {
    const [batch] = features.shape;
    const n = memory.shape[0];
    const k = noise.length / batch;
    const logits = tf.reshape(tf.matMul(tf.div(features, temperature) as tf.Tensor2D, memory, false, true), [-1]);
    const picked = tf.gather(logits, tf.tensor1d(Int32Array.from(noise, (c, i) => Math.floor(i / k) * n + c), 'int32'));
    return n * tf.mean(tf.exp(picked)).dataSync()[0];
  });
}

function randomProblem(seed: number, batch: number, n: number, dim: number) {
  const rng = new Rng(seed);
  const unit = (rows: number) => tf.tidy(() => {
    const x = tf.tensor2d(rng.normalArray(rows * dim), [rows, dim]);
    return tf.div(x, tf.norm(x, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  const memory = unit(n);
  const indices = Array.from(rng.intArray(batch, n));
  // features near their own rows, so the positive and noise logits differ as after some training
  const features = tf.tidy(() => {
    const f = tf.add(tf.gather(memory, tf.tensor1d(indices, 'int32')), tf.mul(unit(batch), 0.7));
    return tf.div(f, tf.norm(f, 'euclidean', 1, true)) as tf.Tensor2D;
  });
  return { rng, memory, indices, features };
}

test('shared noise [K]: value, ∂/∂features and Z equal the dense route with the draws repeated for every sample', () => {
  tf.tidy(() => {
    const batch = 6, n = 50, k = 10, temperature = 0.2;
    const { rng, memory, indices, features } = randomProblem(11, batch, n, 8);
    const shared = rng.intArray(k, n); // [K]
    const tiled = new Int32Array(batch * k).map((_, i) => shared[i % k]); // [batch, K], every row the same draws
    const z = estimateNormalizer(features, memory, tf.tensor1d(shared, 'int32'), { temperature });
    expectClose(z, denseNormalizer(features, memory, tiled, temperature), { rtol: 1e-5 }, 'Z');
    const fast = (x: tf.Tensor) => nceLoss(x as tf.Tensor2D, memory, i1(indices), tf.tensor1d(shared, 'int32'), { temperature, normalizer: z });
    const dense = (x: tf.Tensor) => denseNce(x as tf.Tensor2D, memory, indices, tiled, temperature, z);
    expectClose(fast(features), dense(features).dataSync()[0], { rtol: 1e-5, atol: 1e-6 }, 'loss');
    expectClose(tf.grad(fast)(features), tf.grad(dense)(features).arraySync() as number[][], { rtol: 1e-4, atol: 1e-6 }, '∂/∂features');
  });
});

test('per-sample noise [batch, K]: the gather route (batch·K < n/2) and the dense route (batch·K ≥ n/2) equal the dense reference', () => {
  for (const [batch, k] of [[3, 4], [6, 10]]) {
    tf.tidy(() => {
      const n = 50, temperature = 0.2;
      const { rng, memory, indices, features } = randomProblem(12 + k, batch, n, 8);
      const noise = rng.intArray(batch * k, n);
      const noiseTensor = tf.tensor2d(noise, [batch, k], 'int32');
      const z = estimateNormalizer(features, memory, noiseTensor, { temperature });
      expectClose(z, denseNormalizer(features, memory, noise, temperature), { rtol: 1e-5 }, `Z, batch·K = ${batch * k}`);
      const fast = (x: tf.Tensor) => nceLoss(x as tf.Tensor2D, memory, i1(indices), noiseTensor, { temperature, normalizer: z });
      const dense = (x: tf.Tensor) => denseNce(x as tf.Tensor2D, memory, indices, noise, temperature, z);
      expectClose(fast(features), dense(features).dataSync()[0], { rtol: 1e-5, atol: 1e-6 }, `loss, batch·K = ${batch * k}`);
      expectClose(tf.grad(fast)(features), tf.grad(dense)(features).arraySync() as number[][], { rtol: 1e-4, atol: 1e-6 }, `∂/∂features, batch·K = ${batch * k}`);
    });
  }
});

test('nceLoss with a normalizer function: it receives the batch estimate of estimateNormalizer and its Z is used', () => {
  tf.tidy(() => {
    const { rng, memory, indices, features } = randomProblem(21, 4, 30, 6);
    const noise = tf.tensor1d(rng.intArray(7, 30), 'int32');
    const expected = estimateNormalizer(features, memory, noise, { temperature: 0.3 });
    let received = NaN;
    const viaFunction = nceLoss(features, memory, i1(indices), noise, { temperature: 0.3, normalizer: (estimate) => { received = estimate; return 2 * estimate; } });
    expectClose(received, expected, { rtol: 1e-6 }, 'estimate passed to the function');
    expectClose(viaFunction, nceLoss(features, memory, i1(indices), noise, { temperature: 0.3, normalizer: 2 * expected }).dataSync()[0], { rtol: 1e-6 }, 'loss with the returned Z');
    assert.throws(() => nceLoss(features, memory, i1(indices), noise, { normalizer: () => -1 }), /nceLoss: the 'normalizer' function must return a finite Z > 0, got -1/);
  });
});

test('match the PyTorch float64 reference: values and gradients (features and memory)', () => {
  for (const c of lossFixtures('nonParametricSoftmax')) {
    tf.tidy(() => {
      const f = (x: tf.Tensor, m: tf.Tensor) => nonParametricSoftmaxLoss(x as tf.Tensor2D, m as tf.Tensor2D, i1(c.indices), { temperature: c.temperature });
      const inputs = [t2(c.features), t2(c.memory)];
      expectClose(f(inputs[0], inputs[1]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `softmax loss, seed ${c.seed}`);
      const grads = tf.grads(f)(inputs);
      expectClose(grads[0], c.grads.features, { atol: 1e-4, rtol: 1e-3 }, `softmax ∂/∂features, seed ${c.seed}`);
      expectClose(grads[1], c.grads.memory, { atol: 1e-4, rtol: 1e-3 }, `softmax ∂/∂memory, seed ${c.seed}`);
    });
  }
  for (const c of lossFixtures('nce')) {
    tf.tidy(() => {
      const z = estimateNormalizer(t2(c.features), t2(c.memory), i2(c.noiseIndices), { temperature: c.temperature });
      expectClose(z, c.normalizer, { rtol: 1e-5 }, `Z, seed ${c.seed}`);
      const options = { temperature: c.temperature, normalizer: c.normalizer };
      const f = (x: tf.Tensor, m: tf.Tensor) => nceLoss(x as tf.Tensor2D, m as tf.Tensor2D, i1(c.indices), i2(c.noiseIndices), options);
      const inputs = [t2(c.features), t2(c.memory)];
      expectClose(f(inputs[0], inputs[1]), c.loss, { atol: 1e-5, rtol: 1e-5 }, `NCE loss, seed ${c.seed}`);
      const grads = tf.grads(f)(inputs);
      expectClose(grads[0], c.grads.features, { atol: 1e-4, rtol: 1e-3 }, `NCE ∂/∂features, seed ${c.seed}`);
      expectClose(grads[1], c.grads.memory, { atol: 1e-4, rtol: 1e-3 }, `NCE ∂/∂memory, seed ${c.seed}`);
    });
  }
});

test('finite differences agree with tf.grads', () => {
  const s = lossFixtures('nonParametricSoftmax')[2];
  const c = lossFixtures('nce')[1];
  tf.tidy(() => {
    const r1 = gradCheck((x, m) => nonParametricSoftmaxLoss(x as tf.Tensor2D, m as tf.Tensor2D, i1(s.indices), { temperature: s.temperature }), [t2(s.features), t2(s.memory)]);
    assert.ok(r1.passed, r1.report);
    const options = { temperature: c.temperature, normalizer: c.normalizer };
    const r2 = gradCheck((x) => nceLoss(x as tf.Tensor2D, t2(c.memory), i1(c.indices), i2(c.noiseIndices), options), [t2(c.features)]);
    assert.ok(r2.passed, r2.report);
  });
});

test('leave only the returned scalar (and estimateNormalizer nothing)', () => {
  const features = t2([[1, 0], [0, 1]]);
  const memory = t2([[1, 0], [0, 1], [1, 1], [0.5, 0]]);
  const indices = i1([0, 1]);
  const noise = i2([[2, 3], [3, 3]]);
  const before = tf.memory().numTensors;
  const z = estimateNormalizer(features, memory, noise);
  assert.equal(tf.memory().numTensors, before);
  const l1 = nonParametricSoftmaxLoss(features, memory, indices);
  const l2 = nceLoss(features, memory, indices, noise, { normalizer: z });
  const shared = tf.tensor1d([2, 3, 0], 'int32');
  const l3 = nceLoss(features, memory, indices, shared, { normalizer: (estimate) => estimate });
  assert.equal(estimateNormalizer(features, memory, shared) > 0, true);
  assert.equal(tf.memory().numTensors, before + 4);
  tf.dispose([l1, l2, l3, shared, features, memory, indices, noise]);
});

test('bad input throws an error naming the function and the argument', () => {
  tf.tidy(() => {
    const features = t2([[1, 0], [0, 1]]);
    const memory = t2([[1, 0], [0, 1], [1, 1], [0.5, 0]]);
    const noise = i2([[2, 3], [3, 3]]);
    assert.throws(() => nonParametricSoftmaxLoss(features, memory, i1([0, 4])), /nonParametricSoftmaxLoss: 'indices' must hold indices in \[0, 4\) \(the rows of memory\), got 4/);
    assert.throws(() => nonParametricSoftmaxLoss(features, memory, i1([0, -1])), /got -1/);
    assert.throws(() => nonParametricSoftmaxLoss(features, memory, tf.tensor1d([0, 1])), /'indices' must be int32, got float32/);
    assert.throws(() => nonParametricSoftmaxLoss(features, memory, i1([0])), /'indices' must be \[batch\] with batch = 2/);
    assert.throws(() => nonParametricSoftmaxLoss(features, t2([[1, 2, 3]]), i1([0, 0])), /'memory' must be \[numInstances, dim\] with dim = 2 like 'features', got \[1,3\]/);
    assert.throws(() => nonParametricSoftmaxLoss(features, memory, i1([0, 1]), { temperature: 0 }), /'temperature' must be a finite number > 0/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), noise, {}), /nceLoss: 'normalizer' \(Z\) is required/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), noise, { normalizer: 0 }), /nceLoss: 'normalizer' must be a finite number > 0, got 0/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), noise, { normalizer: 1, temperature: -1 }), /nceLoss: 'temperature'/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), i2([[0, 1, 2, 3], [0, 1, 2, 3]]), { normalizer: 1 }), /nceLoss: 'noiseIndices' must draw numNegatives K < numInstances n .* got K = 4, n = 4/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), i2([[0, 9], [1, 1]]), { normalizer: 1 }), /nceLoss: 'noiseIndices' must hold indices in \[0, 4\)/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), i2([[0, 1]]), { normalizer: 1 }), /nceLoss: 'noiseIndices' must be \[batch, numNegatives\] with batch = 2/);
    assert.throws(() => estimateNormalizer(features, memory, tf.tensor3d([[[0]]], undefined, 'int32') as unknown as tf.Tensor2D), /estimateNormalizer: 'noiseIndices' must be \[numNegatives\] \(shared by the batch\) or \[batch, numNegatives\] \(per sample\), got \[1,1,1\]/);
    assert.throws(() => nceLoss(features, memory, i1([0, 1]), i1([0, 1, 2, 3]), { normalizer: 1 }), /nceLoss: 'noiseIndices' must draw numNegatives K < numInstances n .* got K = 4, n = 4/);
  });
});

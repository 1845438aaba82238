// Every loss and miner gives the same values and gradients on the wasm backend as on cpu — on the
// wasm backend as shipped (tfjs 4.22, no kit kernel patches), which lacks e.g. UnsortedSegmentSum.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';
import { contrastiveLoss } from './contrastive';
import { estimateNormalizer, nceLoss, nonParametricSoftmaxLoss } from './instance-discrimination';
import { infoNCELoss } from './info-nce';
import { batchTripletLoss } from './batch-triplet';
import { mineSemiHard } from './miners';
import { countTripletKinds } from './triplet-kinds';
import { nPairLoss, tupletLoss } from './n-pair';
import { ntXentLoss, supConLoss } from './simclr-supcon';
import { tripletLoss } from './triplet';

type Case = { name: string; inputs: () => tf.Tensor[]; loss: (...x: tf.Tensor[]) => tf.Scalar };

const rng = new Rng(21);
const data = (shape: number[]) => {
  const values = rng.normalArray(shape.reduce((a, b) => a * b, 1));
  return () => tf.tensor(values, shape, 'float32');
};
const ints = (values: number[]) => () => tf.tensor1d(values, 'int32');
const [a, p, n] = [data([8, 5]), data([8, 5]), data([8, 5])];
const negatives = data([8, 3, 5]);
const memory = data([20, 5]);
const indices = ints([0, 3, 5, 7, 9, 11, 13, 19]);
const noise = Int32Array.from(rng.intArray(8 * 6, 20));
const labels = ints([0, 1, 2, 0, 1, 2, 0, 1]);
const similar = ints([1, 0, 1, 0, 1, 0, 1, 0]);

const cases: Case[] = [
  { name: 'contrastiveLoss', inputs: () => [a(), p()], loss: (x, y) => contrastiveLoss(x as tf.Tensor2D, y as tf.Tensor2D, similar() as tf.Tensor1D, { margin: 3 }) },
  { name: 'tripletLoss', inputs: () => [a(), p(), n()], loss: (x, y, z) => tripletLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, { margin: 1, squared: false }) },
  { name: 'tupletLoss', inputs: () => [a(), p(), negatives()], loss: (x, y, z) => tupletLoss(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor3D) },
  { name: 'nPairLoss', inputs: () => [a(), p()], loss: (x, y) => nPairLoss(x as tf.Tensor2D, y as tf.Tensor2D, { l2Reg: 0.01 }) },
  { name: 'nonParametricSoftmaxLoss', inputs: () => [a(), memory()], loss: (x, m) => nonParametricSoftmaxLoss(x as tf.Tensor2D, m as tf.Tensor2D, indices() as tf.Tensor1D, { temperature: 0.5 }) },
  { name: 'nceLoss', inputs: () => [a(), memory()], loss: (x, m) => nceLoss(x as tf.Tensor2D, m as tf.Tensor2D, indices() as tf.Tensor1D, tf.tensor2d(noise, [8, 6], 'int32'), { temperature: 0.5, normalizer: 40 }) },
  { name: 'infoNCELoss', inputs: () => [a(), p(), memory()], loss: (q, k, queue) => infoNCELoss(q as tf.Tensor2D, k as tf.Tensor2D, queue as tf.Tensor2D, { temperature: 0.5 }) },
  { name: 'ntXentLoss', inputs: () => [a(), p()], loss: (x, y) => ntXentLoss(x as tf.Tensor2D, y as tf.Tensor2D) },
  { name: 'supConLoss', inputs: () => [a()], loss: (x) => supConLoss(x as tf.Tensor2D, labels() as tf.Tensor1D) },
  ...(['hard', 'semi-hard', 'all'] as const).map((strategy) => ({
    name: `batchTripletLoss ${strategy}`,
    inputs: () => [a()],
    loss: (x: tf.Tensor) => batchTripletLoss(x as tf.Tensor2D, labels() as tf.Tensor1D, { strategy, margin: 1 }),
  })),
];

function run(backend: string): Array<{ value: number; grads: Float32Array[] }> {
  assert.ok(tf.setBackend(backend) !== undefined);
  return cases.map((c) =>
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads(c.loss)(c.inputs());
      return { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
    }),
  );
}

test('losses and gradients agree on cpu and wasm (as shipped)', async () => {
  await tf.setBackend('cpu');
  const onCpu = run('cpu');
  const ok = await tf.setBackend('wasm');
  assert.ok(ok, 'the wasm backend starts');
  const onWasm = run('wasm');
  cases.forEach((c, i) => {
    expectClose(onWasm[i].value, onCpu[i].value, { atol: 1e-5, rtol: 1e-4 }, `${c.name} value`);
    onCpu[i].grads.forEach((g, k) => expectClose(onWasm[i].grads[k], g, { atol: 1e-4, rtol: 1e-3 }, `${c.name} gradient ${k}`));
  });
  // miners and the normaliser read values only
  const valueOnly = () => {
    const [x, y, m, noiseTensor] = [a() as tf.Tensor2D, labels() as tf.Tensor1D, memory() as tf.Tensor2D, tf.tensor2d(noise, [8, 6], 'int32')];
    const result = {
      semiHard: Array.from(mineSemiHard(x, y, { margin: 1 }).negatives),
      counts: countTripletKinds(x, y, { margin: 1 }),
      z: estimateNormalizer(x, m, noiseTensor),
    };
    tf.dispose([x, y, m, noiseTensor]);
    return result;
  };
  const wasm = valueOnly();
  await tf.setBackend('cpu');
  const cpu = valueOnly();
  assert.deepEqual(wasm.semiHard, cpu.semiHard);
  assert.deepEqual([wasm.counts.easy, wasm.counts.semiHard, wasm.counts.hard], [cpu.counts.easy, cpu.counts.semiHard, cpu.counts.hard]);
  expectClose([wasm.counts.meanPositiveDistance, wasm.counts.meanNegativeDistance], [cpu.counts.meanPositiveDistance, cpu.counts.meanNegativeDistance], { rtol: 1e-5 }, 'mean distances');
  expectClose(wasm.z, cpu.z, { rtol: 1e-5 }, 'Z');
});

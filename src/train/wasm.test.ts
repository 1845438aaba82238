import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expectWasmMatchesCpu, randomValues } from '../testing/compare-backends';
import { createCnnEncoder } from '../models/encoders';
import { createMocoTrainer } from './moco';
import { createInstDiscTrainer } from './instdisc';
import { Rng } from '../runtime/random';

// The trainers rely on tf.tensorScatterUpdate, gather and conv gradients (the kit's wasm patch):
// two SGD steps on the patched wasm backend must match the cpu backend (SGD, not Adam: Adam turns
// float32 rounding of near-zero gradients into full-size steps).

test('MoCo steps (tiny CNN): wasm matches cpu (loss, query and key weights, queue)', async () => {
  await expectWasmMatchesCpu('moco', () => {
    const encoder = createCnnEncoder({ inputShape: [8, 8, 1], filters: [2], denseUnits: [4], outputDim: 3, rng: new Rng(1) });
    const trainer = createMocoTrainer({ encoder, batchSize: 2, queueSize: 4, momentum: 0.9, temperature: 0.5, optimizer: tf.train.sgd(0.1), rng: new Rng(2) });
    const xq = tf.tensor4d(randomValues(3, 128), [2, 8, 8, 1]);
    const xk = tf.tensor4d(randomValues(4, 128), [2, 8, 8, 1]);
    const losses = [trainer.step({ query: xq, key: xk }).loss, trainer.step({ query: xk, key: xq }).loss];
    const out = [tf.tensor1d(losses), trainer.queue.negatives.clone(), ...encoder.getWeights().map((w) => w.clone()), ...trainer.momentumEncoder.key.getWeights().map((w) => w.clone())];
    trainer.dispose();
    (trainer.optimizer as tf.Optimizer).dispose();
    encoder.dispose();
    return out;
  }, { atol: 2e-4, rtol: 1e-3 });
});

test('InstDisc steps (tiny CNN, NCE): wasm matches cpu (loss, weights, memory bank)', async () => {
  await expectWasmMatchesCpu('instdisc', () => {
    const encoder = createCnnEncoder({ inputShape: [8, 8, 1], filters: [2], denseUnits: [4], outputDim: 3, rng: new Rng(1) });
    const trainer = createInstDiscTrainer({ encoder, datasetSize: 10, numNegatives: 5, temperature: 0.5, rng: new Rng(5), bankRng: new Rng(6), optimizer: tf.train.sgd(0.1) });
    const x = tf.tensor4d(randomValues(7, 192), [3, 8, 8, 1]);
    const losses = [trainer.step({ images: x, indices: [1, 4, 9] }).loss, trainer.step({ images: x, indices: [0, 4, 2] }).loss];
    const out = [tf.tensor1d(losses), trainer.memoryBank.vectors.clone(), ...encoder.getWeights().map((w) => w.clone())];
    trainer.dispose();
    (trainer.optimizer as tf.Optimizer).dispose();
    encoder.dispose();
    return out;
  }, { atol: 2e-4, rtol: 1e-3 });
});

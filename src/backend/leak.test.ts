import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { createCnnEncoder } from '../models/encoders';
import { l2Normalize } from '../models/normalize';
import { nPairLoss } from '../losses/n-pair';
import { fusedAdamInstalled } from './fused-adam';
import { patchWasmKernels } from './wasm-patches';

const STEPS = 1000;

/** The wasm heap size in bytes (grows when buffers or XNNPACK operators pile up; never shrinks). */
function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return backend.wasm?.HEAPU8.length ?? 0;
}

/**
 * 1 000 training steps of a tiny conv net (conv → ReLU → maxpool → dense) with Adam and an
 * in-batch InfoNCE whose pairs are picked with tf.gather, so every patched kernel runs each step
 * (Conv2DBackpropFilter/Input, MaxPoolGrad, BatchMatMul with transposes, Sum, Identity, Cast,
 * UnsortedSegmentSum), and Adam's update is the fused ContrastiveKitAdamUpdate (on cpu too).
 */
async function trainTinyModel(backendName: 'cpu' | 'wasm'): Promise<{ counts: number[]; heap: number[] }> {
  patchWasmKernels(); // the wasm kernel patches, and the fused Adam update on wasm and cpu
  assert.ok(await tf.setBackend(backendName));
  const model = createCnnEncoder({ inputShape: [6, 6, 1], filters: [2], kernelSize: 3, denseUnits: [4], outputDim: 3, rng: new Rng(3) });
  assert.ok(fusedAdamInstalled(), 'tf.train.adam uses the fused update');
  const optimizer = tf.train.adam(1e-3);
  const rng = new Rng(4);
  const images = tf.tensor4d(Float32Array.from({ length: 8 * 36 }, () => rng.normal()), [8, 6, 6, 1]);
  const queryRows = tf.tensor1d([0, 1, 2, 3], 'int32');
  const keyRows = tf.tensor1d([4, 5, 6, 7], 'int32');
  const counts: number[] = [];
  const heap: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const cost = optimizer.minimize(() => {
      const embeddings = l2Normalize(model.apply(images, { training: true }) as tf.Tensor2D); // [8, 3]
      return nPairLoss(tf.gather(embeddings, queryRows).div(0.1), tf.gather(embeddings, keyRows));
    }, true);
    assert.ok(Number.isFinite(cost!.dataSync()[0]));
    cost!.dispose();
    if (step === 9 || step === 199 || step === STEPS - 1) {
      counts.push(tf.memory().numTensors);
      heap.push(wasmHeapBytes());
    }
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([images, queryRows, keyRows]);
  return { counts, heap };
}

for (const backendName of ['cpu', 'wasm'] as const) {
  test(`no tensor leak over ${STEPS} training steps on ${backendName}`, async () => {
    const before = tf.memory().numTensors;
    const { counts, heap } = await trainTinyModel(backendName);
    assert.equal(counts[1], counts[0], `tensors after step 10 vs 200: ${counts}`);
    assert.equal(counts[2], counts[0], `tensors after step 10 vs ${STEPS}: ${counts}`);
    if (backendName === 'wasm') assert.equal(heap[2], heap[1], `wasm heap bytes after step 200 vs ${STEPS}: ${heap}`);
    assert.equal(tf.memory().numTensors, before, 'everything is disposed at the end');
  });
}

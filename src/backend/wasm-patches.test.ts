import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { patchWasmKernels, unpatchWasmKernels, WASM_KERNEL_PATCHES, wasmKernelsPatched } from './wasm-patches';
import { selectBackend } from './select';

test('selectBackend(wasm) registers every patch and says so in its reason', async () => {
  const choice = await selectBackend({ force: 'wasm' });
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(wasmKernelsPatched());
  for (const patch of WASM_KERNEL_PATCHES) assert.ok(choice.reason.includes(patch.kernelName), `reason names ${patch.kernelName}: ${choice.reason}`);
});

test('unpatchWasmKernels restores the shipped kernels (no Conv2DBackpropFilter) and patching again works', async () => {
  await selectBackend({ force: 'wasm' });
  const x = tf.ones([1, 4, 4, 1]);
  const dy = tf.ones([1, 2, 2, 1]);
  const attrs = { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] };
  unpatchWasmKernels();
  try {
    assert.equal(wasmKernelsPatched(), false);
    assert.throws(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs), /not registered/);
    assert.deepEqual(Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true).dataSync()), [11]);
  } finally {
    patchWasmKernels();
  }
  assert.ok(wasmKernelsPatched());
  const gradient = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
  assert.deepEqual(Array.from(gradient.dataSync()), [4, 4, 4, 4, 4, 4, 4, 4, 4]);
  tf.dispose([x, dy, gradient]);
});

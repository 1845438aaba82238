/**
 * Test support for the wasm kernel patches (`src/backend/kernels/*.test.ts`, `src/train/wasm.test.ts`):
 * run the same computation on the cpu backend (the reference) and on the patched wasm backend in
 * one process, and compare with `expectClose`.
 *
 * Test support lives in `src/testing/`, the top of the import graph: it may import any layer of
 * the kit (here the backend, the PRNG and the tolerance helper), and only `*.test.ts` files import
 * it. It is not exported from the package index and left out of the published files.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';
import { expectClose, Tolerance } from '../runtime/assertions';
import { patchWasmKernels } from '../backend/wasm-patches';

/** Random float32 values from a seeded generator: `count` normals. */
export function randomValues(seed: number, count: number): Float32Array {
  const rng = new Rng(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = rng.normal();
  return values;
}

/** Runs `compute` (which builds its own tensors) on `backendName` and returns its outputs' values. */
export async function runOn(backendName: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (backendName === 'wasm') patchWasmKernels();
  const ok = await tf.setBackend(backendName);
  if (!ok) throw new Error(`runOn: tf.setBackend('${backendName}') failed`);
  const before = tf.memory().numTensors;
  const outputs = tf.tidy(() => {
    const result = compute();
    return Array.isArray(result) ? result : [result];
  });
  const values = outputs.map((output) => Float32Array.from(output.dataSync()));
  tf.dispose(outputs);
  if (tf.memory().numTensors !== before) {
    throw new Error(`runOn(${backendName}): ${tf.memory().numTensors - before} tensors leaked`);
  }
  return values;
}

/**
 * Throws unless `compute` gives the same outputs on the patched wasm backend as on cpu.
 *
 * @param label names the check in errors.
 * @param compute builds its inputs (from fixed values) and returns one or more output tensors.
 * @param tolerance the `expectClose` tolerance (float32 sums of hundreds of terms need ~1e-4).
 */
export async function expectWasmMatchesCpu(label: string, compute: () => tf.Tensor | tf.Tensor[], tolerance: Tolerance = { atol: 1e-4, rtol: 1e-4 }): Promise<void> {
  const reference = await runOn('cpu', compute);
  const patched = await runOn('wasm', compute);
  if (reference.length !== patched.length) throw new Error(`${label}: ${reference.length} cpu outputs vs ${patched.length} wasm outputs`);
  reference.forEach((expected, index) => expectClose(patched[index], expected, tolerance, `${label} output ${index}`));
}

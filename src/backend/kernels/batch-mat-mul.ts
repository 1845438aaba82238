/**
 * Fast path for transposed matrix products on the wasm backend (`BatchMatMul`, `_FusedMatMul`).
 *
 * tfjs' wasm backend runs `a·b` through XNNPACK, but `a·bᵀ` (transposeB) and `aᵀ·b` (transposeA)
 * through a slow generic loop — 6–9× slower at dense-layer sizes. Every dense layer's backward
 * pass uses both forms (dx = dy·Wᵀ, dW = xᵀ·dy), and so do similarity matrices (q·kᵀ), so a
 * training step spent ~90 % of its time there. The patch transposes the operand explicitly (a
 * cheap copy, O(size)) and then calls the shipped kernel with no transpose flags. Batched
 * products (batch > 1) never reach XNNPACK in the shipped kernel, so they are passed through.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediate, runWasmKernel, swapLastTwoAxes, WasmBackendLike } from './wasm-kernel-utils';

type MatMulArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/**
 * Runs the shipped wasm kernel `kernelName` (BatchMatMul or _FusedMatMul) with `a` and `b`
 * transposed up front, so that the kernel sees transposeA = transposeB = false.
 */
function untransposedMatMul(kernelName: string, args: MatMulArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs ?? {};
  const a = args.inputs.a as tf.TensorInfo;
  const b = args.inputs.b as tf.TensorInfo;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  if (!transposeA && !transposeB) {
    return runWasmKernel(kernelName, args.inputs, backend, attrs);
  }
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new Error(`${kernelName} (contrastive-kit wasm patch): 'a' and 'b' must have rank ≥ 2, got ${a.shape.length} and ${b.shape.length}`);
  }
  // Only a single product (batch 1) reaches XNNPACK; batched products (batch > 1) take the
  // shipped generic loop either way, and it handles the transposes itself without a copy.
  const batchOf = (shape: number[]) => shape.slice(0, -2).reduce((product, size) => product * size, 1);
  if (batchOf(a.shape) > 1 || batchOf(b.shape) > 1) {
    return runWasmKernel(kernelName, args.inputs, backend, attrs);
  }
  const aPlain = transposeA ? swapLastTwoAxes(backend, a) : a;
  const bPlain = transposeB ? swapLastTwoAxes(backend, b) : b;
  try {
    return runWasmKernel(kernelName, { ...args.inputs, a: aPlain, b: bPlain }, backend, {
      ...attrs,
      transposeA: false,
      transposeB: false,
    });
  } finally {
    if (transposeA) disposeIntermediate(backend, aPlain);
    if (transposeB) disposeIntermediate(backend, bPlain);
  }
}

/** The patched wasm `BatchMatMul`: transposed operands go through the fast XNNPACK path. */
export const batchMatMulPatch: tf.KernelFunc = (args) => untransposedMatMul('BatchMatMul', args);

/** The patched wasm `_FusedMatMul` (matmul + bias + activation): same fast path as BatchMatMul. */
export const fusedMatMulPatch: tf.KernelFunc = (args) => untransposedMatMul('_FusedMatMul', args);

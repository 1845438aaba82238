/**
 * The kit's kernel patches for tfjs' wasm backend, registered with `tf.registerKernel`.
 *
 * As shipped (tfjs 4.22) the wasm backend cannot train a conv net (no `Conv2DBackpropFilter`),
 * cannot back-propagate through `tf.gather` (no `UnsortedSegmentSum`), and runs transposed matrix
 * products — every dense layer's backward pass — through a slow loop. The patches below fix that
 * by re-expressing each op with the backend's fast XNNPACK kernels (see each kernel's file).
 * They only touch the wasm backend; cpu and tfjs-node are unchanged, except that the fused Adam
 * update (`ContrastiveKitAdamUpdate`, see fused-adam.ts) also runs on cpu, with the same results
 * bit for bit as tfjs' own Adam.
 *
 * The package registers them when it loads, and again (idempotently) when
 * {@link selectBackend} activates wasm.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { fusedAdamInstalled, installFusedAdam, uninstallFusedAdam } from './fused-adam';
import { ADAM_UPDATE_KERNEL, adamUpdateWasm } from './kernels/adam-update';
import { batchMatMulPatch, fusedMatMulPatch } from './kernels/batch-mat-mul';
import { conv2DBackpropFilterPatch } from './kernels/conv2d-backprop-filter';
import { conv2DBackpropInputPatch } from './kernels/conv2d-backprop-input';
import { gatherV2Patch } from './kernels/gather-v2';
import { castPatch, identityPatch } from './kernels/identity';
import { maxPoolGradPatch } from './kernels/max-pool-grad';
import { slicePatch, splitVPatch } from './kernels/slice';
import { sumPatch } from './kernels/sum';
import { tilePatch } from './kernels/tile';
import { topKPatch } from './kernels/top-k';
import { unsortedSegmentSumPatch } from './kernels/unsorted-segment-sum';
import { originalKernel, rememberOriginalKernel } from './kernels/wasm-kernel-utils';

/** One patched (or added) wasm kernel. */
export interface WasmKernelPatch {
  /** tfjs' kernel name, e.g. `Conv2DBackpropFilter`. */
  kernelName: string;
  /** `added` when the wasm backend has no such kernel, `replaced` when the patch is faster. */
  kind: 'added' | 'replaced';
  /** What the patch does, for reports. */
  description: string;
  /** The kernel function. */
  kernelFunc: tf.KernelFunc;
}

/** The kit's wasm kernel patches. */
export const WASM_KERNEL_PATCHES: readonly WasmKernelPatch[] = [
  {
    kernelName: 'Conv2DBackpropFilter',
    kind: 'added',
    description: 'conv filter gradient: direct sums in a wasm SIMD kernel (output channels a multiple of 8), else im2col and one XNNPACK matmul; threaded',
    kernelFunc: conv2DBackpropFilterPatch,
  },
  {
    kernelName: 'Conv2DBackpropInput',
    kind: 'replaced',
    description: 'conv input gradient (stride 1) as an XNNPACK Conv2D with the rotated filter',
    kernelFunc: conv2DBackpropInputPatch,
  },
  {
    kernelName: 'BatchMatMul',
    kind: 'replaced',
    description: 'transposed operands are transposed up front, then the XNNPACK matmul runs',
    kernelFunc: batchMatMulPatch,
  },
  {
    kernelName: '_FusedMatMul',
    kind: 'replaced',
    description: 'same transposed-operand fast path as BatchMatMul',
    kernelFunc: fusedMatMulPatch,
  },
  {
    kernelName: 'MaxPoolGrad',
    kind: 'replaced',
    description: 'max-pool gradient in one pass over the windows, in a wasm SIMD kernel (the shipped kernel re-scans them per pixel); threaded',
    kernelFunc: maxPoolGradPatch,
  },
  {
    kernelName: 'Sum',
    kind: 'replaced',
    description: 'sums over leading axes (bias gradients) in one float64 pass (wasm SIMD), without the slow transpose; threaded',
    kernelFunc: sumPatch,
  },
  {
    kernelName: 'Tile',
    kind: 'replaced',
    description: 'tiles by block copies (BatchNorm gradients tile per-channel vectors to whole activations)',
    kernelFunc: tilePatch,
  },
  {
    kernelName: 'Identity',
    kind: 'replaced',
    description: 'shares the buffer (one more reference) instead of copying it',
    kernelFunc: identityPatch,
  },
  {
    kernelName: 'Cast',
    kind: 'replaced',
    description: 'a cast to the same dtype shares the buffer instead of copying it; casts to bool give 0/1',
    kernelFunc: castPatch,
  },
  {
    kernelName: 'TopK',
    kind: 'replaced',
    description: 'float32 rows: a sampled threshold keeps a few hundred candidates, which are sorted; rows split between the threads',
    kernelFunc: topKPatch,
  },
  {
    kernelName: 'Slice',
    kind: 'replaced',
    description: 'copies the slice straight from the heap in contiguous runs (the shipped kernel first copies the whole input out)',
    kernelFunc: slicePatch,
  },
  {
    kernelName: 'SplitV',
    kind: 'replaced',
    description: 'one heap slice per part (the gradient of a concat, e.g. MoCo\'s positive and negative logits)',
    kernelFunc: splitVPatch,
  },
  {
    kernelName: 'GatherV2',
    kind: 'replaced',
    description: 'gathers whole rows by block copies (memory-bank and embedding rows), indices checked',
    kernelFunc: gatherV2Patch,
  },
  {
    kernelName: 'UnsortedSegmentSum',
    kind: 'added',
    description: 'segment sums (the gradient of tf.gather)',
    kernelFunc: unsortedSegmentSumPatch,
  },
  {
    kernelName: ADAM_UPDATE_KERNEL,
    kind: 'added',
    description: "Adam's update in one pass per variable (tf.train.adam uses it instead of ~12 element-wise kernels); large variables split between the threads",
    kernelFunc: adamUpdateWasm,
  },
];

/** Marks kernel functions installed by the kit, so that patching twice is a no-op. */
const PATCH_MARK = Symbol.for('contrastive-kit.wasmKernelPatch');

function isPatched(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && (config.kernelFunc as unknown as Record<symbol, unknown>)[PATCH_MARK] === true;
}

/**
 * Registers the kit's wasm kernel patches (loading `@tensorflow/tfjs-backend-wasm` first, so that
 * its own kernels are registered and can be replaced) and installs the fused Adam update
 * ({@link installFusedAdam}). Safe to call any number of times.
 *
 * @returns the names of the patched kernels, or an empty list when the wasm backend is not installed.
 */
export function patchWasmKernels(): string[] {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch {
    return [];
  }
  for (const patch of WASM_KERNEL_PATCHES) {
    const existing = tf.getKernel(patch.kernelName, 'wasm');
    if (isPatched(existing)) continue;
    if (existing !== undefined) {
      rememberOriginalKernel(patch.kernelName, existing);
      tf.unregisterKernel(patch.kernelName, 'wasm');
    }
    const kernelFunc: tf.KernelFunc = (args) => patch.kernelFunc(args);
    (kernelFunc as unknown as Record<symbol, unknown>)[PATCH_MARK] = true;
    // The shipped kernel's setup (binding its wasm function) must still run when the backend starts.
    tf.registerKernel({ kernelName: patch.kernelName, backendName: 'wasm', kernelFunc, setupFunc: existing?.setupFunc });
  }
  installFusedAdam();
  return WASM_KERNEL_PATCHES.map((patch) => patch.kernelName);
}

/**
 * Puts tfjs' own wasm kernels back (and removes the kernels the kit added, and the fused Adam
 * update), e.g. to measure the backend as shipped (`npm run bench -- --unpatched`).
 * {@link patchWasmKernels} re-applies them.
 */
export function unpatchWasmKernels(): void {
  uninstallFusedAdam();
  for (const patch of WASM_KERNEL_PATCHES) {
    const current = tf.getKernel(patch.kernelName, 'wasm');
    if (!isPatched(current)) continue;
    tf.unregisterKernel(patch.kernelName, 'wasm');
    const original = originalKernel(patch.kernelName);
    if (original !== null && !isPatched(original)) tf.registerKernel(original);
  }
}

/** Whether the kit's patches are the kernels currently registered for wasm (and Adam is fused). */
export function wasmKernelsPatched(): boolean {
  return fusedAdamInstalled() && WASM_KERNEL_PATCHES.every((patch) => isPatched(tf.getKernel(patch.kernelName, 'wasm')));
}

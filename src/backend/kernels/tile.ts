/**
 * Fast `Tile` for the wasm backend. BatchNorm's backward pass tiles its per-channel vectors to
 * the whole activation (e.g. [1, 1, 1, 32] → [128, 26, 26, 32]); the shipped kernel computes the
 * source of every output value with divisions and modulos, ~80 ns a value, so one conv layer's
 * BatchNorm gradient took ~280 ms of a 700 ms training step (measured with `tf.profile`). Here
 * the output is built by block copies instead: the input goes to the first tile, then, from the
 * innermost axis out, each filled block is copied `reps[axis] − 1` times (`copyWithin`, a
 * memmove). The values are copied, never computed, so the result is exactly the shipped kernel's.
 *
 * @see notebooks/04-instance-discrimination.ipynb (the BatchNorm encoder)
 */
import * as tf from '@tensorflow/tfjs';
import { forEachOffset, runWasmKernel, stridesOf, WasmBackendLike } from './wasm-kernel-utils';

/**
 * Tiles `source` (shape `shape`) `reps` times into `target` (shape shape[i]·reps[i]); exported
 * for the tests. Both arrays are row-major and of the same element type.
 */
export function tileInto(source: Float32Array | Int32Array | Uint8Array, shape: readonly number[], reps: readonly number[], target: Float32Array | Int32Array | Uint8Array): void {
  const rank = shape.length;
  const outShape = shape.map((size, axis) => size * reps[axis]);
  const outStrides = stridesOf(outShape);
  if (rank === 0) {
    target[0] = source[0];
    return;
  }
  // 1. The input into the first tile, one innermost row at a time.
  const rowLength = shape[rank - 1];
  let read = 0;
  forEachOffset(shape.slice(0, -1), outStrides.slice(0, -1), (offset) => {
    target.set(source.subarray(read, read + rowLength), offset);
    read += rowLength;
  });
  // 2. From the innermost axis out: the block of axis `axis` (coordinates < shape[axis], inner
  //    axes already complete) is contiguous; copy it reps[axis] − 1 times after itself.
  for (let axis = rank - 1; axis >= 0; axis--) {
    if (reps[axis] === 1) continue;
    const block = shape[axis] * outStrides[axis];
    forEachOffset(shape.slice(0, axis), outStrides.slice(0, axis), (offset) => {
      for (let copy = 1; copy < reps[axis]; copy++) target.copyWithin(offset + copy * block, offset, offset + block);
    });
  }
}

/** The kernel: inputs {x}, attrs {reps}. float32, int32 and bool use block copies; others the shipped kernel. */
export const tilePatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const reps = (args.attrs?.reps ?? []) as number[];
  if (!['float32', 'int32', 'bool'].includes(x.dtype) || reps.length !== x.shape.length) {
    return runWasmKernel('Tile', args.inputs, backend, args.attrs ?? {});
  }
  const outShape = x.shape.map((size, axis) => size * reps[axis]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (outShape.every((size) => size > 0)) {
    // Views are taken after makeOutput: allocating may grow (and move) the heap.
    tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
  }
  return out;
};

/**
 * Fast `Slice` and `SplitV` for the wasm backend. The shipped kernels first copy the whole input
 * out of the wasm heap (`readSync`) and only then pick the slice; on the threaded build's shared
 * heap that copy is slow: splitting MoCo's logits gradient [256, 4 097] into [256, 1] and
 * [256, 4 096] (the gradient of the concat of positive and negative logits) took ~28 ms a step.
 * Here the slice is copied straight from the heap, one contiguous run at a time (the innermost
 * axes that the slice keeps whole are merged into one run). float32, int32 and bool; strings keep
 * the shipped kernels. The values are copied, never computed: the results are the shipped ones.
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { forEachOffset, runWasmKernel, stridesOf, WasmBackendLike } from './wasm-kernel-utils';

/** Copies x[begin : begin + size] into a new heap buffer (x float32, int32 or bool). */
function sliceFromHeap(backend: WasmBackendLike, x: tf.TensorInfo, begin: readonly number[], size: readonly number[]): tf.TensorInfo {
  const out = backend.makeOutput(size.slice(), x.dtype);
  const rank = x.shape.length;
  if (size.some((extent) => extent === 0)) return out;
  // Views are taken after makeOutput: allocating may grow (and move) the heap.
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  if (rank === 0) {
    target[0] = source[0];
    return out;
  }
  const strides = stridesOf(x.shape);
  // The run: the innermost axes the slice keeps whole, plus the next one (partly).
  let first = rank - 1;
  while (first > 0 && begin[first] === 0 && size[first] === x.shape[first]) first -= 1;
  const run = size.slice(first).reduce((product, extent) => product * extent, 1);
  const start = begin.reduce((offset, at, axis) => offset + at * strides[axis], 0);
  let write = 0;
  forEachOffset(size.slice(0, first), strides.slice(0, first), (offset) => {
    const from = start + offset;
    if (run >= 16) target.set(source.subarray(from, from + run), write);
    else for (let k = 0; k < run; k++) target[write + k] = source[from + k];
    write += run;
  });
  return out;
}

const sliceable = (x: tf.TensorInfo) => x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool';

/** The `Slice` kernel: inputs {x}, attrs {begin, size}. */
export const slicePatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  if (!sliceable(x)) return runWasmKernel('Slice', args.inputs, backend, args.attrs ?? {});
  const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs?.begin as number[], args.attrs?.size as number[]);
  tf.slice_util.assertParamsValid(x, begin, size);
  return sliceFromHeap(backend, x, begin, size);
};

/** The `SplitV` kernel: inputs {x}, attrs {numOrSizeSplits, axis}; one slice per part. */
export const splitVPatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const attrs = args.attrs ?? {};
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((extent) => {
    const size = x.shape.slice();
    size[axis] = extent;
    const part = sliceable(x) ? sliceFromHeap(backend, x, begin, size) : runWasmKernel('Slice', { x }, backend, { begin: begin.slice(), size });
    begin[axis] += extent;
    return part;
  });
};

/**
 * Fast `GatherV2` for the wasm backend. The shipped kernel computes every output value's source
 * through a generic strided index; gathering rows of a large matrix — InstDisc's 4 096 noise rows
 * of the [60 000, 128] memory bank every step, embedding rows picked by mining — took ~26 ms for
 * 2 MB of rows on the bench machine. Here each gathered slice (a row, or whatever lies after the
 * gathered axis) is one block copy on the heap. Any axis and `batchDims`, float32 / int32 / bool,
 * like the shipped kernel; an index outside [0, size of the axis) throws the shipped kernel's error.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { shapeText, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'GatherV2 (contrastive-kit wasm patch)';

/** Below this many values per slice, a plain loop beats `TypedArray.set` on subarrays. */
const BLOCK_COPY_FROM = 16;

/** The kernel: inputs {x, indices}, attrs {axis, batchDims}. */
export const gatherV2Patch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs ?? {};
  const x = args.inputs.x as tf.TensorInfo;
  const indices = args.inputs.indices as tf.TensorInfo;
  if (indices.dtype !== 'int32') throw new Error(`${NAME}: 'indices' must be int32, got ${indices.dtype}`);
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new Error(`${NAME}: 'x' must be float32, int32 or bool, got ${x.dtype} (shape ${shapeText(x.shape)})`);
  }
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const batchDims = (attrs.batchDims as number | undefined) ?? 0;
  const axisSize = x.shape[axis];
  const indexValues = backend.typedArrayFromHeap(indices);
  for (let i = 0; i < indexValues.length; i++) {
    const index = indexValues[i];
    if (!(index >= 0 && index <= axisSize - 1)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
  }
  // [batch, outer, axis, slice] → [batch, outer, indices per batch, slice] (TensorFlow's layout).
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as unknown as tf.Tensor, indices as unknown as tf.Tensor, axis, batchDims);
  const { batchSize, outerSize, dimSize, sliceSize, outputShape } = info;
  const perBatch = tf.util.sizeFromShape(indices.shape) / batchSize;
  const out = backend.makeOutput(outputShape, x.dtype);
  // Views are taken after the last allocation (heap growth would detach them).
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  const ids = backend.typedArrayFromHeap(indices);
  let to = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let o = 0; o < outerSize; o++) {
      const block = (b * outerSize + o) * dimSize;
      for (let i = 0; i < perBatch; i++, to += sliceSize) {
        const from = (block + ids[b * perBatch + i]) * sliceSize;
        if (sliceSize >= BLOCK_COPY_FROM) target.set(source.subarray(from, from + sliceSize), to);
        else for (let k = 0; k < sliceSize; k++) target[to + k] = source[from + k];
      }
    }
  }
  return out;
};

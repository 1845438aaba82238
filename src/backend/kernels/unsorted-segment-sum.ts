/**
 * `UnsortedSegmentSum` for the wasm backend, which ships without it. tfjs needs it for the gradient
 * of `tf.gather` (picking rows of an embedding matrix, e.g. triplets chosen by mining, or memory
 * bank rows), so without it any loss that gathers rows cannot train on wasm.
 *
 * out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped,
 * like TensorFlow and tfjs' cpu backend. A direct loop over the wasm heap: O(size of x).
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { shapeText, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'UnsortedSegmentSum (contrastive-kit wasm patch)';

/** The kernel: inputs {x, segmentIds}, attrs {numSegments}. */
export const unsortedSegmentSumPatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo; // [n, ...rest] (leading axes = segmentIds' shape)
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo; // [n] (any rank ≤ x's)
  const numSegments = (args.attrs ?? {}).numSegments as number;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`${NAME}: 'numSegments' must be an integer ≥ 0, got ${String(numSegments)}`);
  }
  if (segmentIds.dtype !== 'int32') throw new Error(`${NAME}: 'segmentIds' must be int32, got ${segmentIds.dtype}`);
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`${NAME}: 'x' must be float32 or int32, got ${x.dtype}`);
  const idsRank = segmentIds.shape.length;
  if (idsRank > x.shape.length || segmentIds.shape.some((size, axis) => size !== x.shape[axis])) {
    throw new Error(`${NAME}: 'segmentIds' ${shapeText(segmentIds.shape)} must match the leading axes of 'x' ${shapeText(x.shape)}`);
  }
  const rowShape = x.shape.slice(idsRank);
  const rowSize = rowShape.reduce((product, size) => product * size, 1);
  const numRows = segmentIds.shape.reduce((product, size) => product * size, 1);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  // Views are taken after the last allocation (heap growth would detach them).
  const outValues = backend.typedArrayFromHeap(out);
  const xValues = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  outValues.fill(0);
  for (let row = 0; row < numRows; row++) {
    const segment = ids[row];
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) outValues[to + k] += xValues[from + k];
  }
  return out;
};

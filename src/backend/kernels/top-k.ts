/**
 * Faster `TopK` for the wasm backend: the exact k nearest neighbours of the kit's kNN search
 * (`knnSearch`: k = 200 of 60 000 similarities per query) spent about 40 % of their time in the
 * shipped kernel, which sorts on one thread. This one keeps, per row, only the values above a
 * threshold taken from a strided sample of the row (a few hundred candidates), sorts those, and
 * splits the rows between the threads ({@link HeapPool}); see the `topKRows` heap loop.
 *
 * Same result as the cpu backend: larger values first, equal values by the lower index (NaN last).
 * float32 input with at least one row; anything else keeps the shipped kernel.
 *
 * @see notebooks/01-contrastive-loss.ipynb (the first kNN evaluation)
 */
import * as tf from '@tensorflow/tfjs';
import { heapFloatOffset, runHeapLoop, runWasmKernelOutputs, WasmBackendLike } from './wasm-kernel-utils';

/** The kernel: inputs {x}, attrs {k, sorted}; outputs [values, indices]. */
export const topKPatch: tf.KernelFunc = ({ inputs, backend: anyBackend, attrs = {} }) => {
  const backend = anyBackend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo;
  const k = attrs.k as number;
  const columns = x.shape[x.shape.length - 1] ?? 0;
  const rows = columns > 0 ? x.shape.slice(0, -1).reduce((product, size) => product * size, 1) : 0;
  if (x.dtype !== 'float32' || x.shape.length === 0 || rows === 0 || !Number.isInteger(k) || k < 1 || k > columns) {
    return runWasmKernelOutputs('TopK', inputs, backend, attrs);
  }
  const outShape = x.shape.slice();
  outShape[outShape.length - 1] = k;
  const values = backend.makeOutput(outShape, 'float32');
  const indices = backend.makeOutput(outShape, 'int32');
  const params = [heapFloatOffset(backend, x), heapFloatOffset(backend, values), heapFloatOffset(backend, indices), columns, k];
  runHeapLoop(backend, 'topKRows', params, rows);
  return [values, indices];
};

/**
 * Fast `Sum` over leading axes for the wasm backend. Summing out the leading axes and keeping
 * the last ones — every bias gradient, e.g. a conv bias: dy [256, 26, 26, 32] summed over
 * batch, height and width — made the shipped kernel transpose the whole tensor first (the wasm
 * Transpose is slow, ~10 ns per element). Here out[c] = Σ_n x[n, c] is summed in float64 in
 * chunks of rows, which the threaded backend splits between its threads ({@link HeapPool}); the
 * chunks' totals are added in order, so the result is the same for any number of threads.
 * Every other reduction keeps the shipped kernel.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { SUM_CHUNK_ROWS } from './heap-pool';
import { heapFloatOffset, runHeapLoop, runWasmKernel, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'Sum (contrastive-kit wasm patch)';

/** Whether `axes` (sorted, unique) are exactly 0 … r−1 for some r < rank. */
function isLeadingPrefix(axes: number[], rank: number): boolean {
  if (axes.length === 0 || axes.length >= rank) return false;
  return axes.every((axis, index) => axis === index);
}

/** The kernel: inputs {x}, attrs {axis, keepDims}. */
export const sumPatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs ?? {};
  const x = args.inputs.x as tf.TensorInfo;
  const rank = x.shape.length;
  const axes = Array.from(new Set(tf.util.parseAxisParam(attrs.axis as number | number[], x.shape))).sort((a, b) => a - b);
  if (x.dtype !== 'float32' || !isLeadingPrefix(axes, rank)) {
    return runWasmKernel('Sum', args.inputs, backend, attrs);
  }
  const keptShape = x.shape.slice(axes.length);
  const inner = keptShape.reduce((product, size) => product * size, 1);
  const outer = x.shape.slice(0, axes.length).reduce((product, size) => product * size, 1);
  const outShape = attrs.keepDims === true ? [...axes.map(() => 1), ...keptShape] : keptShape;
  const out = backend.makeOutput(outShape, 'float32');
  // Chunks of rows summed in float64 (split between the threads on the threaded backend), then
  // the chunks' totals added in order: the same result for any number of threads.
  const chunks = Math.max(1, Math.ceil(outer / SUM_CHUNK_ROWS));
  const partials = backend.makeOutput([2 * chunks * inner], 'float32'); // float64 [chunks, inner]
  try {
    const partialsAt = heapFloatOffset(backend, partials);
    if (partialsAt % 2 !== 0) throw new Error(`${NAME}: the partial sums are not 8-byte aligned on the heap`);
    const params = [heapFloatOffset(backend, x), inner, outer, partialsAt];
    runHeapLoop(backend, 'columnSums', params, chunks);
    const table = new Float64Array((backend.typedArrayFromHeap(partials) as Float32Array).buffer, partialsAt * 4, chunks * inner);
    const totals = new Float64Array(inner);
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (let c = 0; c < inner; c++) totals[c] += table[chunk * inner + c];
    }
    (backend.typedArrayFromHeap(out) as Float32Array).set(totals);
  } finally {
    backend.disposeData(partials.dataId);
  }
  return out;
};

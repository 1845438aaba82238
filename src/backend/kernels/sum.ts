/**
 * Fast `Sum` over leading axes for the wasm backend. Summing out the leading axes and keeping
 * the last ones — every bias gradient, e.g. a conv bias: dy [256, 26, 26, 32] summed over
 * batch, height and width — made the shipped kernel transpose the whole tensor first (the wasm
 * Transpose is slow, ~10 ns per element). Here it is one sequential pass: out[c] = Σ_n x[n, c].
 * Every other reduction keeps the shipped kernel.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { runWasmKernel, WasmBackendLike } from './wasm-kernel-utils';

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
  const values = backend.typedArrayFromHeap(x) as Float32Array;
  const result = backend.typedArrayFromHeap(out) as Float32Array;
  const totals = new Float64Array(inner);
  for (let n = 0, offset = 0; n < outer; n++, offset += inner) {
    for (let c = 0; c < inner; c++) totals[c] += values[offset + c];
  }
  result.set(totals);
  return out;
};

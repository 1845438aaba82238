/**
 * Zero-copy `Identity` and same-dtype `Cast` for the wasm backend. The shipped kernels copy the
 * whole buffer; gradients call them a lot (every ReLU gradient casts a float32 mask to float32,
 * `tf.clone`, pass-through gradients), up to 50 full-size copies per CNN training step. Buffers
 * on the wasm backend are never written after they are made, so — like tfjs' cpu backend — the
 * output can share the input's buffer with one more reference.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { runWasmKernel, WasmBackendLike } from './wasm-kernel-utils';

/** The wasm backend's reference counting (see `BackendWasm.incRef`). */
interface RefCounting extends WasmBackendLike {
  incRef(dataId: object): void;
}

function share(backend: RefCounting, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

/** The patched `Identity`: inputs {x}. */
export const identityPatch: tf.KernelFunc = (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype === 'string') return runWasmKernel('Identity', args.inputs, args.backend as WasmBackendLike, args.attrs);
  return share(args.backend as RefCounting, x);
};

/**
 * The patched `Cast`: inputs {x}, attrs {dtype}. A cast to the same dtype shares the buffer; a
 * cast to bool gives 1 for every non-zero value (the shipped kernel copied the raw numbers, so
 * `tf.cast([0, 2], 'bool')` held a 2); other casts keep the shipped kernel.
 */
export const castPatch: tf.KernelFunc = (args) => {
  const backend = args.backend as RefCounting;
  const x = args.inputs.x as tf.TensorInfo;
  const dtype = (args.attrs ?? {}).dtype;
  if (x.dtype === 'string') return runWasmKernel('Cast', args.inputs, backend, args.attrs);
  if (dtype === x.dtype) return share(backend, x);
  if (dtype === 'bool') {
    const out = backend.makeOutput(x.shape.slice(), 'bool');
    const values = backend.typedArrayFromHeap(x);
    const flags = backend.typedArrayFromHeap(out);
    for (let i = 0; i < values.length; i++) flags[i] = values[i] !== 0 ? 1 : 0;
    return out;
  }
  return runWasmKernel('Cast', args.inputs, backend, args.attrs);
};

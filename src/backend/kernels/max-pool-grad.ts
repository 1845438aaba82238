/**
 * Fast `MaxPoolGrad` for the wasm backend. The shipped kernel re-scans every pooling window for
 * every input pixel; at the bench CNN's first pool ([256, 26, 26, 32]) it took longer than the
 * convolutions. This one makes one pass over the windows: find each window's maximum (the first
 * one in row-major order, like tfjs' cpu backend and TensorFlow) and add dy there. On the threaded
 * backend the images are split between the threads ({@link HeapPool}).
 *
 * Supports NHWC, any window, stride and 'valid' / 'same' / explicit padding, float32.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { heapFloatOffset, runHeapLoop, shapeText, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'MaxPoolGrad (contrastive-kit wasm patch)';

/** The kernel: inputs {dy, input, output}, attrs {filterSize, strides, pad, dimRoundingMode}. */
export const maxPoolGradPatch: tf.KernelFunc = (args) => {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs ?? {};
  const dy = args.inputs.dy as tf.TensorInfo; // [batch, outH, outW, channels]
  const input = args.inputs.input as tf.TensorInfo; // [batch, H, W, channels]
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error(`${NAME}: 'input' and 'dy' must be float32, got ${input.dtype} and ${dy.dtype}`);
  if (input.shape.length !== 4) throw new Error(`${NAME}: 'input' must be [batch, height, width, channels], got ${shapeText(input.shape)}`);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  if (dy.shape[0] !== batchSize || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== channels) {
    throw new Error(`${NAME}: 'dy' must be ${shapeText(info.outShape)}, got ${shapeText(dy.shape)}`);
  }
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = backend.makeOutput(input.shape.slice(), 'float32');
  const params = [
    heapFloatOffset(backend, input), heapFloatOffset(backend, dy), heapFloatOffset(backend, out),
    inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft,
  ];
  // The images are split between the threads (the kit's JS pool on the shared heap), else one loop.
  runHeapLoop(backend, 'maxPoolGradient', params, batchSize);
  return out;
};

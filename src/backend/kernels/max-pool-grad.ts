/**
 * Fast `MaxPoolGrad` for the wasm backend. The shipped kernel re-scans every pooling window for
 * every input pixel; at the bench CNN's first pool ([256, 26, 26, 32]) it took longer than the
 * convolutions. This one makes one pass over the windows: find each window's maximum (the first
 * one in row-major order, like tfjs' cpu backend and TensorFlow) and add dy there.
 *
 * Supports NHWC, any window, stride and 'valid' / 'same' / explicit padding, float32.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { shapeText, WasmBackendLike } from './wasm-kernel-utils';

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
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const rowStride = inWidth * channels;
  const imageStride = inHeight * rowStride;
  let dyOffset = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageOffset = b * imageStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = oh * strideHeight - padTop;
      const hFrom = Math.max(0, hStart);
      const hTo = Math.min(inHeight, hStart + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = ow * strideWidth - padLeft;
        const wFrom = Math.max(0, wStart);
        const wTo = Math.min(inWidth, wStart + filterWidth);
        if (hTo - hFrom === 2 && wTo - wFrom === 2) {
          // The common 2×2 window, unrolled (same order and tie rule as the general loop below).
          const p00 = imageOffset + hFrom * rowStride + wFrom * channels;
          const p01 = p00 + channels;
          const p10 = p00 + rowStride;
          const p11 = p10 + channels;
          for (let c = 0; c < channels; c++) {
            let best = -Infinity;
            let bestAt = -1;
            if (x[p00 + c] > best) { best = x[p00 + c]; bestAt = p00 + c; }
            if (x[p01 + c] > best) { best = x[p01 + c]; bestAt = p01 + c; }
            if (x[p10 + c] > best) { best = x[p10 + c]; bestAt = p10 + c; }
            if (x[p11 + c] > best) { best = x[p11 + c]; bestAt = p11 + c; }
            if (bestAt >= 0) dx[bestAt] += g[dyOffset + c];
          }
          dyOffset += channels;
          continue;
        }
        for (let c = 0; c < channels; c++) {
          // Row-major scan of the window: the first maximum wins (strict >), as in tfjs' cpu backend.
          let best = -Infinity;
          let bestAt = -1;
          for (let h = hFrom; h < hTo; h++) {
            const rowOffset = imageOffset + h * rowStride + c;
            for (let w = wFrom; w < wTo; w++) {
              const at = rowOffset + w * channels;
              const value = x[at];
              if (value > best) {
                best = value;
                bestAt = at;
              }
            }
          }
          if (bestAt >= 0) dx[bestAt] += g[dyOffset + c];
        }
        dyOffset += channels;
      }
    }
  }
  return out;
};

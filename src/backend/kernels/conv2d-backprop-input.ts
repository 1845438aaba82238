/**
 * Fast `Conv2DBackpropInput` for the wasm backend (stride 1, the case of the kit's conv nets).
 *
 * The shipped wasm kernel is a plain scalar loop. For stride 1 the input gradient is a forward
 * "full" convolution of dy with the filter rotated by 180° and its channel axes swapped,
 *
 *   dx[b, h, w, c] = Σ_{i, j, o} dy[b, h + padTop − i, w + padLeft − j, o] · W[i, j, c, o],
 *
 * i.e. `Conv2D(dy, W'[kH−1−i, kW−1−j, o, c])` with padding (kH−1−padTop, kH−1−padBottom) and
 * (kW−1−padLeft, kW−1−padRight), which runs on XNNPACK. Strides > 1 (and the rare padding larger
 * than the filter) keep the shipped kernel, which is correct, only slower.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediate, runWasmKernel, shapeText, transposeInfo, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'Conv2DBackpropInput (contrastive-kit wasm patch)';

/** The patched kernel: inputs {dy, filter}, attrs {strides, pad, dataFormat, dimRoundingMode, inputShape}. */
export const conv2DBackpropInputPatch: tf.KernelFunc = (args) => {
  const { inputs, attrs = {} } = args;
  const backend = args.backend as WasmBackendLike;
  const dy = inputs.dy as tf.TensorInfo; // [batch, outH, outW, outC]
  const filter = inputs.filter as tf.TensorInfo; // [kH, kW, inC, outC]
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  const inputShape = attrs.inputShape as [number, number, number, number];
  const shipped = () => runWasmKernel('Conv2DBackpropInput', inputs, backend, attrs);
  if ((dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return shipped();
  }
  if (dy.shape.length !== 4 || filter.shape.length !== 4 || inputShape === undefined || inputShape.length !== 4) {
    throw new Error(`${NAME}: 'dy', 'filter' and 'inputShape' must be rank 4, got ${shapeText(dy.shape)}, ${shapeText(filter.shape)} and ${String(inputShape)}`);
  }
  const convInfo = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = convInfo;
  const top = filterHeight - 1 - padInfo.top;
  const bottom = filterHeight - 1 - padInfo.bottom;
  const left = filterWidth - 1 - padInfo.left;
  const right = filterWidth - 1 - padInfo.right;
  if (strideHeight !== 1 || strideWidth !== 1 || Math.min(top, bottom, left, right) < 0) return shipped();
  if (dy.shape[1] !== convInfo.outHeight || dy.shape[2] !== convInfo.outWidth || dy.shape[3] !== convInfo.outChannels) {
    throw new Error(`${NAME}: 'dy' must be ${shapeText(convInfo.outShape)}, got ${shapeText(dy.shape)}`);
  }

  const temporaries: tf.TensorInfo[] = [];
  try {
    const rotated = runWasmKernel('Reverse', { x: filter }, backend, { dims: [0, 1] }); // [kH, kW, inC, outC]
    temporaries.push(rotated);
    const backwardFilter = transposeInfo(backend, rotated, [0, 1, 3, 2]); // [kH, kW, outC, inC]
    temporaries.push(backwardFilter);
    return runWasmKernel('Conv2D', { x: dy, filter: backwardFilter }, backend, {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
    }); // [batch, H, W, inC]
  } finally {
    for (const info of temporaries) disposeIntermediate(backend, info);
  }
};

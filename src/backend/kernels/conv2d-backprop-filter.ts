/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (so no conv net can train
 * on wasm as shipped: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 *
 * The filter gradient of a convolution is itself a convolution, so it runs on the fast XNNPACK
 * forward `Conv2D`: with x [batch, H, W, inC] and dy [batch, outH, outW, outC],
 *
 *   dW[i, j, c, o] = Σ_{b, p, q} x[b, p·s + i − padTop, q·s + j − padLeft, c] · dy[b, p, q, o]
 *
 * is a convolution of x viewed as [inC, H, W, batch] (the batch becomes the channel axis) with
 * dy viewed as a filter [outH, outW, batch, outC], stride 1, dilation s (the forward stride), the
 * forward padding on top/left and whatever padding (or cropping) on bottom/right makes the result
 * exactly [inC, kH, kW, outC]; one last transpose gives [kH, kW, inC, outC].
 *
 * Supported: NHWC, any stride, 'valid' / 'same' / explicit padding, float32. Anything else throws.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { disposeIntermediate, runWasmKernel, shapeText, transposeInfo, WasmBackendLike } from './wasm-kernel-utils';

const NAME = 'Conv2DBackpropFilter (contrastive-kit wasm patch)';

/** Throws a clear error for attributes the patch does not support. */
function checkAttributes(x: tf.TensorInfo, dy: tf.TensorInfo, attrs: tf.NamedAttrMap): void {
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${NAME}: 'dataFormat' must be 'NHWC' (channels last), got '${String(dataFormat)}'`);
  }
  const dilations = attrs.dilations as number | number[] | undefined;
  if (dilations !== undefined && (Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1)) {
    throw new Error(`${NAME}: dilations other than 1 are not supported, got ${JSON.stringify(dilations)}`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`${NAME}: 'x' and 'dy' must be float32, got ${x.dtype} and ${dy.dtype}`);
  }
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new Error(`${NAME}: 'x' and 'dy' must be rank 4 [batch, height, width, channels], got ${shapeText(x.shape)} and ${shapeText(dy.shape)}`);
  }
}

/** The patched kernel: inputs {x, dy}, attrs {strides, pad, dataFormat, dimRoundingMode, filterShape}. */
export const conv2DBackpropFilterPatch: tf.KernelFunc = ({ inputs, backend: anyBackend, attrs = {} }) => {
  const backend = anyBackend as WasmBackendLike;
  const x = inputs.x as tf.TensorInfo; // [batch, H, W, inC]
  const dy = inputs.dy as tf.TensorInfo; // [batch, outH, outW, outC]
  checkAttributes(x, dy, attrs);
  const filterShape = attrs.filterShape as [number, number, number, number];
  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
  const [batch, height, width, inChannels] = x.shape;
  const { filterHeight, filterWidth, outHeight, outWidth, strideHeight, strideWidth, outChannels } = convInfo;
  if (dy.shape[0] !== batch || dy.shape[1] !== outHeight || dy.shape[2] !== outWidth || dy.shape[3] !== outChannels) {
    throw new Error(`${NAME}: 'dy' must be ${shapeText(convInfo.outShape)} for x ${shapeText(x.shape)} and filter ${shapeText(filterShape)}, got ${shapeText(dy.shape)}`);
  }
  const padTop = convInfo.padInfo.top;
  const padLeft = convInfo.padInfo.left;
  // Bottom/right padding that makes the output exactly kH × kW; negative means the forward pass
  // never read the last rows/columns, so they are cropped instead.
  const padBottom = filterHeight + (outHeight - 1) * strideHeight - height - padTop;
  const padRight = filterWidth + (outWidth - 1) * strideWidth - width - padLeft;

  const temporaries: tf.TensorInfo[] = [];
  try {
    let input = x;
    if (padBottom < 0 || padRight < 0) {
      input = runWasmKernel('Slice', { x }, backend, {
        begin: [0, 0, 0, 0],
        size: [batch, height + Math.min(padBottom, 0), width + Math.min(padRight, 0), inChannels],
      });
      temporaries.push(input);
    }
    const xByChannel = transposeInfo(backend, input, [3, 1, 2, 0]); // [inC, H, W, batch]
    temporaries.push(xByChannel);
    const dyAsFilter = transposeInfo(backend, dy, [1, 2, 0, 3]); // [outH, outW, batch, outC]
    temporaries.push(dyAsFilter);
    const gradient = runWasmKernel('Conv2D', { x: xByChannel, filter: dyAsFilter }, backend, {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [[0, 0], [padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)], [0, 0]],
      dataFormat: 'NHWC',
    }); // [inC, kH, kW, outC]
    temporaries.push(gradient);
    return transposeInfo(backend, gradient, [1, 2, 0, 3]); // [kH, kW, inC, outC]
  } finally {
    for (const info of temporaries) disposeIntermediate(backend, info);
  }
};

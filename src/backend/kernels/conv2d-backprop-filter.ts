/**
 * `Conv2DBackpropFilter` for the wasm backend, which ships without it (so no conv net can train
 * on wasm as shipped: "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 *
 * The filter gradient of a convolution is one matrix product, so it runs on the fast XNNPACK
 * matmul (threaded with the pool): with x [batch, H, W, inC] and dy [batch, outH, outW, outC],
 *
 *   dW[i, j, c, o] = Σ_{b, p, q} x[b, p·s + i − padTop, q·s + j − padLeft, c] · dy[b, p, q, o]
 *
 * When outC is a multiple of 8 and the kit's wasm SIMD kernels run (every conv net in the course),
 * the sums are computed directly from x and dy by the `filterGradient` kernel (simd-kernels.wat):
 * chunks of {@link FILTER_GRADIENT_CHUNK_IMAGES} images split between the threads, each summed
 * into its own partial gradient, the partials then added in chunk order by the kit's `Sum` (in
 * float64), so the result does not depend on the number of threads. Measured on the bench CNN
 * (batch 256, 2 threads, a busy machine): first layer 36 → 3.7 ms, second 62 → 18–28 ms against
 * the matrix-product path below, which copies the im2col matrix and makes XNNPACK pack an operand
 * of batch·outH·outW rows (serially) every call.
 *
 * Otherwise the gradient is patches · dy, where patches [kH·kW·inC, batch·outH·outW] is the
 * im2col matrix, transposed (row (i, j, c) lists every input value filter tap (i, j, c)
 * multiplies), and dy is viewed as [batch·outH·outW, outC]. The patches are copied in one pass
 * from x transposed to [inC, batch, H, W] (padded or cropped first so that the windows read
 * exactly its rows and columns).
 *
 * Supported: NHWC, any stride, 'valid' / 'same' / explicit padding, float32. Anything else throws.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { FILTER_GRADIENT_CHUNK_IMAGES } from './heap-pool';
import { sumPatch } from './sum';
import { disposeIntermediate, heapFloatOffset, heapHasSimdKernels, runHeapLoop, runWasmKernel, shapeText, transposeInfo, WasmBackendLike } from './wasm-kernel-utils';

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

/** The sizes the im2col loops need (the `windowsByRow` / `windowsByPixel` heap loops). */
interface WindowGeometry {
  inChannels: number;
  batch: number;
  /** Rows and columns of the (padded or cropped) input: exactly what the windows read. */
  height: number;
  width: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
}

/** The loop parameters for an im2col loop from `source` to `target` (heap float offsets). */
function windowParams(source: number, target: number, g: WindowGeometry): number[] {
  return [source, target, g.inChannels, g.batch, g.height, g.width, g.filterHeight, g.filterWidth, g.outHeight, g.outWidth, g.strideHeight, g.strideWidth];
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
  const keep = (info: tf.TensorInfo): tf.TensorInfo => {
    temporaries.push(info);
    return info;
  };
  try {
    // x padded (or cropped) to exactly the rows and columns the windows read.
    let input = x;
    if (padBottom < 0 || padRight < 0) {
      input = keep(runWasmKernel('Slice', { x }, backend, {
        begin: [0, 0, 0, 0],
        size: [batch, height + Math.min(padBottom, 0), width + Math.min(padRight, 0), inChannels],
      }));
    }
    if (padTop > 0 || padLeft > 0 || padBottom > 0 || padRight > 0) {
      input = keep(runWasmKernel('PadV2', { x: input }, backend, {
        paddings: [[0, 0], [padTop, Math.max(padBottom, 0)], [padLeft, Math.max(padRight, 0)], [0, 0]],
        constantValue: 0,
      }));
    }
    const rows = filterHeight * filterWidth * inChannels;
    const pixels = batch * outHeight * outWidth;
    if (outChannels % 8 === 0 && pixels > 0 && heapHasSimdKernels(backend)) {
      // Direct sums with the SIMD kernel: per-chunk partials, added in chunk order.
      const chunks = Math.ceil(batch / FILTER_GRADIENT_CHUNK_IMAGES);
      const partials = keep(backend.makeOutput([chunks, rows * outChannels], 'float32')); // [chunks, taps·outC]
      runHeapLoop(backend, 'filterGradient', [
        heapFloatOffset(backend, input), heapFloatOffset(backend, dy), heapFloatOffset(backend, partials), batch,
        input.shape[1], input.shape[2], inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
        strideHeight, strideWidth, FILTER_GRADIENT_CHUNK_IMAGES,
      ], chunks);
      const total = keep(sumPatch({ inputs: { x: partials }, backend, attrs: { axis: 0, keepDims: false } }) as tf.TensorInfo); // [taps·outC]
      return runWasmKernel('Reshape', { x: total }, backend, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
    }
    const geometry = (image: tf.TensorInfo, planeFirst: boolean): WindowGeometry => ({
      inChannels, batch, filterHeight, filterWidth, outHeight, outWidth, strideHeight, strideWidth,
      height: image.shape[planeFirst ? 2 : 1],
      width: image.shape[planeFirst ? 3 : 2],
    });
    // XNNPACK packs the right operand of every product anew (serially, for fresh data): make it
    // the smaller one. Few taps (a first layer): dyᵀ · patches; else patchesᵀ · dy.
    if (rows < outChannels) {
      const patches = keep(backend.makeOutput([1, pixels, rows], 'float32')); // [1, P, kH·kW·inC]
      const dyByChannel = keep(backend.makeOutput([1, outChannels, pixels], 'float32')); // [1, outC, P]
      runHeapLoop(backend, 'windowsByPixel', windowParams(heapFloatOffset(backend, input), heapFloatOffset(backend, patches), geometry(input, false)), pixels);
      runHeapLoop(backend, 'transposeRowBlocks', [heapFloatOffset(backend, dy), heapFloatOffset(backend, dyByChannel), pixels, outChannels], Math.ceil(pixels / 64));
      const gradientByChannel = keep(runWasmKernel('BatchMatMul', { a: dyByChannel, b: patches }, backend, { transposeA: false, transposeB: false })); // [1, outC, taps]
      const gradient = keep(transposeInfo(backend, gradientByChannel, [0, 2, 1])); // [1, taps, outC]
      return runWasmKernel('Reshape', { x: gradient }, backend, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
    }
    const xByChannel = keep(transposeInfo(backend, input, [3, 0, 1, 2])); // [inC, batch, usedH, usedW]
    const patches = keep(backend.makeOutput([1, rows, pixels], 'float32')); // [1, kH·kW·inC, P]
    runHeapLoop(backend, 'windowsByRow', windowParams(heapFloatOffset(backend, xByChannel), heapFloatOffset(backend, patches), geometry(xByChannel, true)), rows);
    const dy3d = keep(runWasmKernel('Reshape', { x: dy }, backend, { shape: [1, pixels, outChannels] })); // [1, P, outC]
    const gradient = keep(runWasmKernel('BatchMatMul', { a: patches, b: dy3d }, backend, { transposeA: false, transposeB: false }));
    return runWasmKernel('Reshape', { x: gradient }, backend, { shape: [filterHeight, filterWidth, inChannels, outChannels] });
  } finally {
    for (const info of temporaries) disposeIntermediate(backend, info);
  }
};

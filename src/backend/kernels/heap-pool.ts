/**
 * A pool of JavaScript worker threads that run the kit's JS kernel loops on the threaded wasm
 * backend's shared heap, so that the loops the patches write in JavaScript (max-pool gradient,
 * bias sums, im2col, blocked transposes) use every core like XNNPACK's kernels do.
 *
 * The threaded build's memory is a shared `WebAssembly.Memory`: each worker gets it once and
 * views `memory.buffer` afresh for every task (so heap growth is seen). A task is one of the
 * {@link HEAP_LOOPS} — self-contained functions whose source is evaluated in each worker, so main
 * thread and workers run the same code — over a range of items: the main thread takes the first
 * share, each worker one of the others, and the main thread waits (`Atomics.wait`) until all are
 * done. Without a shared heap (one thread) the main thread runs the whole range itself.
 *
 * A loop may hand its work to the kit's wasm SIMD kernels ({@link SimdKernels}): each thread
 * gets them instantiated on the same memory (the workers from the module compiled once here).
 *
 * Workers never keep Node alive (`unref`), and a loop that throws in a worker is rethrown on the
 * main thread.
 *
 * @see notebooks/00-setup.ipynb
 */
import { Worker } from 'node:worker_threads';
import { SimdKernels, simdKernelsFor, simdKernelsModule } from './simd-kernels';

/** A `WebAssembly.Memory` (the part the pool uses; the repo compiles without the DOM types). */
export interface WasmMemoryLike {
  /** The memory's current buffer (a new, longer one after the memory grows). */
  readonly buffer: ArrayBufferLike;
}

/** Arguments of a heap loop: byte offsets, sizes and strides, all whole numbers. */
export type LoopParams = readonly number[];

/**
 * One heap loop: processes items [start, end) of its task, reading and writing the heap through
 * `heap` (a Float32Array over the whole wasm memory); `p` holds the task's numbers; `simd` is the
 * kit's wasm SIMD kernels instantiated on the same memory ({@link SimdKernels}), or null where
 * there are none (the loop then runs its JavaScript). It must not use anything outside its own
 * body and arguments: its source runs in the workers.
 */
export type HeapLoop = (heap: Float32Array, p: Float64Array, start: number, end: number, simd: SimdKernels | null) => void;

/**
 * The loops the pool runs. Offsets in `p` are in floats (byte offset / 4) into `heap`.
 */
export const HEAP_LOOPS = {
  /**
   * Max-pool gradient, any window: items are images. p = [x, dy, dx, height, width, channels,
   * outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft].
   * Each image of dx is zeroed, then the first maximum of each window (row-major, strict >) gets dy.
   * With channels a multiple of 4 the wasm SIMD kernel of that name does the work (four channels
   * at a time, bit for bit the same); the JavaScript below is the reference and fallback.
   */
  maxPoolGradient(heap: Float32Array, p: Float64Array, start: number, end: number, simd: SimdKernels | null): void {
    // Whole numbers below 2³¹ (heap offsets in floats, sizes): int32 arithmetic for the indexing.
    const x = p[0] | 0, dy = p[1] | 0, dx = p[2] | 0, height = p[3] | 0, width = p[4] | 0, channels = p[5] | 0;
    const outHeight = p[6] | 0, outWidth = p[7] | 0, filterHeight = p[8] | 0, filterWidth = p[9] | 0;
    const strideHeight = p[10] | 0, strideWidth = p[11] | 0, padTop = p[12] | 0, padLeft = p[13] | 0;
    const rowStride = width * channels;
    const imageStride = height * rowStride;
    if (simd !== null && channels % 4 === 0) {
      const dyImage = outHeight * outWidth * channels;
      simd.maxPoolGradient(
        (x + start * imageStride) * 4, (dy + start * dyImage) * 4, (dx + start * imageStride) * 4, end - start, height, width, channels,
        outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft,
      );
      return;
    }
    for (let b = start; b < end; b++) {
      const image = b * imageStride;
      heap.fill(0, dx + image, dx + image + imageStride);
      let dyOffset = dy + b * outHeight * outWidth * channels;
      for (let oh = 0; oh < outHeight; oh++) {
        const hStart = oh * strideHeight - padTop;
        const hFrom = Math.max(0, hStart);
        const hTo = Math.min(height, hStart + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const wStart = ow * strideWidth - padLeft;
          const wFrom = Math.max(0, wStart);
          const wTo = Math.min(width, wStart + filterWidth);
          if (hTo - hFrom === 2 && wTo - wFrom === 2) {
            const p00 = image + hFrom * rowStride + wFrom * channels;
            const p01 = p00 + channels;
            const p10 = p00 + rowStride;
            const p11 = p10 + channels;
            for (let c = 0; c < channels; c++) {
              let best = -Infinity;
              let bestAt = -1;
              if (heap[x + p00 + c] > best) { best = heap[x + p00 + c]; bestAt = p00 + c; }
              if (heap[x + p01 + c] > best) { best = heap[x + p01 + c]; bestAt = p01 + c; }
              if (heap[x + p10 + c] > best) { best = heap[x + p10 + c]; bestAt = p10 + c; }
              if (heap[x + p11 + c] > best) { bestAt = p11 + c; }
              if (bestAt >= 0) heap[dx + bestAt] += heap[dyOffset + c];
            }
            dyOffset += channels;
            continue;
          }
          for (let c = 0; c < channels; c++) {
            let best = -Infinity;
            let bestAt = -1;
            for (let h = hFrom; h < hTo; h++) {
              const rowOffset = image + h * rowStride + c;
              for (let w = wFrom; w < wTo; w++) {
                const at = rowOffset + w * channels;
                const value = heap[x + at];
                if (value > best) {
                  best = value;
                  bestAt = at;
                }
              }
            }
            if (bestAt >= 0) heap[dx + bestAt] += heap[dyOffset + c];
          }
          dyOffset += channels;
        }
      }
    }
  },

  /**
   * Column sums of a [rows, columns] block in chunks of {@link SUM_CHUNK_ROWS} rows: items are
   * chunks; chunk k adds its rows in float64 and writes the totals to row k of `partials`, a
   * float64 [chunks, columns] table (p = [x, columns, rows, partials], partials' float offset
   * 8-byte aligned). The caller adds the chunks' rows in order, so the result does not depend on
   * how many threads shared the chunks. With columns a multiple of 4 the wasm SIMD kernel of that
   * name adds them (bit for bit the same); the JavaScript below is the reference and fallback.
   */
  columnSums(heap: Float32Array, p: Float64Array, start: number, end: number, simd: SimdKernels | null): void {
    const x = p[0] | 0, columns = p[1] | 0, rows = p[2] | 0, partials = p[3] | 0;
    const chunkRows = 1024; // SUM_CHUNK_ROWS (the loop's source runs in workers: no outside names)
    if (simd !== null && columns % 4 === 0) {
      // The wasm SIMD kernel of that name: the same float64 sums, four columns at a time.
      for (let chunk = start; chunk < end; chunk++) {
        const first = chunk * chunkRows;
        simd.columnSums((x + first * columns) * 4, columns, Math.min(rows, first + chunkRows) - first, (partials + 2 * chunk * columns) * 4);
      }
      return;
    }
    const table = new Float64Array(heap.buffer, partials * 4, end * columns);
    const totals = new Float64Array(columns);
    for (let chunk = start; chunk < end; chunk++) {
      totals.fill(0);
      const last = Math.min(rows, (chunk + 1) * chunkRows);
      for (let r = chunk * chunkRows, offset = x + r * columns; r < last; r++, offset += columns) {
        for (let c = 0; c < columns; c++) totals[c] += heap[offset + c];
      }
      table.set(totals, chunk * columns);
    }
  },

  /**
   * The transposed im2col matrix [kH·kW·inC, batch·outH·outW] of a convolution's input given as
   * [inC, batch, H, W]: items are the matrix's rows (taps (i, j, c)); row (i, j, c) lists, for
   * every output pixel (b, p, q), the value x[b, p·s + i, q·s + j, c]. p = [source, target,
   * inChannels, batch, height, width, filterHeight, filterWidth, outHeight, outWidth, strideHeight,
   * strideWidth].
   */
  windowsByRow(heap: Float32Array, p: Float64Array, start: number, end: number): void {
    const source = p[0] | 0, target = p[1] | 0, inChannels = p[2] | 0, batch = p[3] | 0, height = p[4] | 0, width = p[5] | 0;
    const filterWidth = p[7] | 0, outHeight = p[8] | 0, outWidth = p[9] | 0, strideHeight = p[10] | 0, strideWidth = p[11] | 0;
    const plane = height * width;
    const pixels = batch * outHeight * outWidth;
    for (let row = start; row < end; row++) {
      const c = row % inChannels;
      const tap = (row - c) / inChannels;
      const j = tap % filterWidth;
      const i = (tap - j) / filterWidth;
      let at = target + row * pixels;
      for (let b = 0; b < batch; b++) {
        const image = source + (c * batch + b) * plane;
        for (let q0 = 0; q0 < outHeight; q0++) {
          let from = image + (q0 * strideHeight + i) * width + j;
          for (let q = 0; q < outWidth; q++) {
            heap[at++] = heap[from];
            from += strideWidth;
          }
        }
      }
    }
  },

  /**
   * The im2col matrix [batch·outH·outW, kH·kW·inC] of a convolution's input [batch, H, W, inC]:
   * items are output pixels (b, p, q); each row holds the window the pixel reads, taps in (i, j, c)
   * order (runs of inC contiguous values). p as for `windowsByRow`.
   */
  windowsByPixel(heap: Float32Array, p: Float64Array, start: number, end: number): void {
    const source = p[0] | 0, target = p[1] | 0, inChannels = p[2] | 0, height = p[4] | 0, width = p[5] | 0;
    const filterHeight = p[6] | 0, filterWidth = p[7] | 0, outHeight = p[8] | 0, outWidth = p[9] | 0;
    const strideHeight = p[10] | 0, strideWidth = p[11] | 0;
    const rowStride = width * inChannels;
    const rowLength = filterHeight * filterWidth * inChannels;
    for (let pixel = start; pixel < end; pixel++) {
      const q = pixel % outWidth;
      const rest = (pixel - q) / outWidth;
      const p0 = rest % outHeight;
      const b = (rest - p0) / outHeight;
      let at = target + pixel * rowLength;
      for (let i = 0; i < filterHeight; i++) {
        let from = source + (b * height + p0 * strideHeight + i) * rowStride + q * strideWidth * inChannels;
        for (let j = 0; j < filterWidth; j++) {
          for (let c = 0; c < inChannels; c++) heap[at++] = heap[from + c];
          from += inChannels;
        }
      }
    }
  },

  /**
   * Transposes a stack of [rows, columns] matrices into [columns, rows] ones, 64 rows at a time so
   * that the reads stay in cache (3.6× faster than the plain double loop for [173 056, 32]): items
   * are blocks of 64 rows, matrix after matrix. p = [source, target, rows, columns].
   */
  transposeRowBlocks(heap: Float32Array, p: Float64Array, start: number, end: number): void {
    const source = p[0] | 0, target = p[1] | 0, rows = p[2] | 0, columns = p[3] | 0;
    const blocksPerMatrix = Math.ceil(rows / 64);
    const matrixSize = rows * columns;
    for (let item = start; item < end; item++) {
      const block = item % blocksPerMatrix;
      const matrix = (item - block) / blocksPerMatrix;
      const from0 = source + matrix * matrixSize;
      const to0 = target + matrix * matrixSize;
      const rowStart = block * 64;
      const rowEnd = Math.min(rows, rowStart + 64);
      for (let c = 0; c < columns; c++) {
        let to = to0 + c * rows + rowStart;
        let from = from0 + rowStart * columns + c;
        for (let r = rowStart; r < rowEnd; r++) {
          heap[to++] = heap[from];
          from += columns;
        }
      }
    }
  },

  /**
   * One Adam step for one variable, in one pass: items are the variable's values. p = [x,
   * gradient, firstMoment, secondMoment, newX, newFirstMoment, newSecondMoment, beta1,
   * 1 − beta1, beta2, 1 − beta2, 1 − beta1ᵗ, 1 − beta2ᵗ, epsilon, −learningRate] (the last eight
   * are rounded to float32, as tfjs does when it makes them scalar tensors). Every operation is
   * rounded to float32 in the order of tfjs' AdamOptimizer (one op after the other), so the
   * result is bit for bit that of the stock optimizer's ~12 element-wise kernels:
   *   m′ = m·β₁ + g·(1−β₁)          v′ = v·β₂ + g²·(1−β₂)
   *   x′ = (m′/(1−β₁ᵗ)) / (√(v′/(1−β₂ᵗ)) + ε) · (−lr) + x
   * The wasm SIMD kernel computes exactly this where there is one; the JavaScript below is the
   * fallback and the reference (~4–10 ns a value against ~1–2 for the SIMD kernel).
   */
  adamUpdate(heap: Float32Array, p: Float64Array, start: number, end: number, simd: SimdKernels | null): void {
    const x = p[0] | 0, gradient = p[1] | 0, firstMoment = p[2] | 0, secondMoment = p[3] | 0;
    const newX = p[4] | 0, newFirstMoment = p[5] | 0, newSecondMoment = p[6] | 0;
    if (simd !== null) {
      const bytes = (offset: number) => (offset + start) * 4;
      simd.adamUpdate(
        bytes(x), bytes(gradient), bytes(firstMoment), bytes(secondMoment), bytes(newX), bytes(newFirstMoment), bytes(newSecondMoment), end - start,
        p[7], p[8], p[9], p[10], p[11], p[12], p[13], p[14],
      );
      return;
    }
    const round = Math.fround;
    const beta1 = round(p[7]), oneMinusBeta1 = round(p[8]), beta2 = round(p[9]), oneMinusBeta2 = round(p[10]);
    const oneMinusAccBeta1 = round(p[11]), oneMinusAccBeta2 = round(p[12]), epsilon = round(p[13]), step = round(p[14]);
    for (let i = start; i < end; i++) {
      const g = heap[gradient + i];
      const m = round(round(heap[firstMoment + i] * beta1) + round(g * oneMinusBeta1));
      const v = round(round(heap[secondMoment + i] * beta2) + round(round(g * g) * oneMinusBeta2));
      const mHat = round(m / oneMinusAccBeta1);
      const vHat = round(v / oneMinusAccBeta2);
      const ratio = round(mHat / round(round(Math.sqrt(vHat)) + epsilon));
      heap[newFirstMoment + i] = m;
      heap[newSecondMoment + i] = v;
      heap[newX + i] = round(round(ratio * step) + heap[x + i]);
    }
  },

  /**
   * A convolution's filter gradient in chunks of images: items are chunks. p = [x, dy, partials,
   * batch, height, width, channels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
   * strideHeight, strideWidth, imagesPerChunk]: x [batch, height, width, channels] (padded or
   * cropped so that the windows read exactly its rows and columns), dy [batch, outHeight,
   * outWidth, outChannels]; chunk k's images [k·imagesPerChunk, …) are summed into partials
   * [k, filterHeight, filterWidth, channels, outChannels] (zeroed first), to be added up in chunk
   * order: the chunks are fixed, so the result is the same for any number of threads. The wasm
   * SIMD kernel does the work (outChannels a multiple of 8); the JavaScript below is the
   * reference and fallback, with the same float32 sums per image.
   */
  filterGradient(heap: Float32Array, p: Float64Array, start: number, end: number, simd: SimdKernels | null): void {
    const x = p[0] | 0, dy = p[1] | 0, partials = p[2] | 0, batch = p[3] | 0, height = p[4] | 0, width = p[5] | 0;
    const channels = p[6] | 0, outHeight = p[7] | 0, outWidth = p[8] | 0, outChannels = p[9] | 0;
    const filterHeight = p[10] | 0, filterWidth = p[11] | 0, strideHeight = p[12] | 0, strideWidth = p[13] | 0;
    const imagesPerChunk = p[14] | 0;
    const taps = filterHeight * filterWidth * channels;
    const imageSize = height * width * channels;
    const dyImageSize = outHeight * outWidth * outChannels;
    for (let chunk = start; chunk < end; chunk++) {
      const first = chunk * imagesPerChunk;
      const images = Math.min(imagesPerChunk, batch - first);
      const dst = partials + chunk * taps * outChannels;
      heap.fill(0, dst, dst + taps * outChannels);
      if (simd !== null && outChannels % 8 === 0) {
        simd.filterGradient(
          (x + first * imageSize) * 4, (dy + first * dyImageSize) * 4, dst * 4, images, height, width, channels,
          outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth,
        );
        continue;
      }
      const round = Math.fround;
      for (let image = first; image < first + images; image++) {
        for (let tap = 0; tap < taps; tap++) {
          const i = (tap / (filterWidth * channels)) | 0;
          const jc = tap % (filterWidth * channels);
          for (let o = 0; o < outChannels; o++) {
            let sum = 0;
            for (let row = 0; row < outHeight; row++) {
              const xRow = x + image * imageSize + ((row * strideHeight + i) * width) * channels + jc;
              const dyRow = dy + image * dyImageSize + row * outWidth * outChannels + o;
              for (let column = 0; column < outWidth; column++) {
                sum = round(sum + round(heap[xRow + column * strideWidth * channels] * heap[dyRow + column * outChannels]));
              }
            }
            heap[dst + tap * outChannels + o] = round(heap[dst + tap * outChannels + o] + sum);
          }
        }
      }
    }
  },

  /**
   * The k largest values of each row of a [rows, columns] float block, sorted (larger first,
   * equal values by the lower column, NaN last): items are rows. p = [x, values, indices, columns,
   * k]; `indices` is an int32 output. A threshold from a strided sample of the row (its m-th
   * largest, m chosen so that about 2·k values of the row pass) keeps only a few hundred
   * candidates, which are sorted by one numeric key each; if fewer than k pass, the row is scanned
   * again with a lower sample threshold, then with none.
   */
  topKRows(heap: Float32Array, p: Float64Array, start: number, end: number): void {
    const x = p[0] | 0, valuesOut = p[1] | 0, indicesOut = p[2] | 0, columns = p[3] | 0, k = p[4] | 0;
    const ints = new Int32Array(heap.buffer);
    const bits = new Uint32Array(heap.buffer);
    const stride = columns >= 32 * k ? 16 : 1;
    const samples = Math.floor(columns / stride);
    // The m-th largest sample lets about 2·k values of the row pass; the 2m-th is the fallback.
    const m = Math.min(samples, Math.ceil((2 * k) / stride) + 4);
    const kept = Math.min(samples, 2 * m);
    const best = new Float32Array(kept); // ascending: best[0] is the kept-th largest sample so far
    // Sort keys: order-preserving bits of −value (32 bits) above the column (21 bits), < 2⁵³.
    const columnBits = 2097152; // 2^21
    const keys = new Float64Array(columns);
    const byComparator = columns > columnBits;
    for (let row = start; row < end; row++) {
      const offset = x + row * columns;
      const thresholds = [-Infinity, -Infinity];
      if (stride > 1) {
        let filled = 0;
        for (let s = 0; s < samples; s++) {
          const value = heap[offset + s * stride];
          if (!(value === value)) continue; // NaN
          if (filled < kept) {
            let i = filled++;
            while (i > 0 && best[i - 1] > value) { best[i] = best[i - 1]; i--; }
            best[i] = value;
          } else if (value > best[0]) {
            let i = 0;
            while (i + 1 < kept && best[i + 1] < value) { best[i] = best[i + 1]; i++; }
            best[i] = value;
          }
        }
        if (filled === kept) {
          thresholds[0] = best[kept - m];
          thresholds[1] = best[0];
        }
      }
      let count = 0;
      for (let pass = 0; pass < 3; pass++) {
        const threshold = pass < 2 ? thresholds[pass] : -Infinity;
        count = 0;
        for (let j = 0; j < columns; j++) {
          const value = heap[offset + j];
          if (value >= threshold) {
            // −value's bits, made unsigned-ordered: larger values get smaller keys.
            const u = bits[offset + j];
            const ascending = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
            keys[count++] = (0xffffffff - ascending) * columnBits + j;
          }
        }
        if (count >= k || threshold === -Infinity) break;
      }
      const candidates = keys.subarray(0, count);
      if (byComparator) {
        candidates.sort((a, b) => heap[offset + (b % columnBits)] - heap[offset + (a % columnBits)] || (a % columnBits) - (b % columnBits));
      } else {
        candidates.sort();
      }
      const out = row * k;
      const taken = Math.min(k, count);
      for (let i = 0; i < taken; i++) {
        const column = candidates[i] % columnBits;
        heap[valuesOut + out + i] = heap[offset + column];
        ints[indicesOut + out + i] = column;
      }
      // Fewer than k numbers in the row: the NaN entries follow, lower column first.
      for (let j = 0, i = taken; i < k && j < columns; j++) {
        const value = heap[offset + j];
        if (!(value === value)) {
          heap[valuesOut + out + i] = value;
          ints[indicesOut + out + i] = j;
          i++;
        }
      }
    }
  },
} satisfies Record<string, HeapLoop>;

/** Images per chunk of the `filterGradient` loop (the chunks, not the threads, fix the sums' order). */
export const FILTER_GRADIENT_CHUNK_IMAGES = 8;

/** Rows per chunk of the `columnSums` loop. */
export const SUM_CHUNK_ROWS = 1024;

/** The name of a loop in {@link HEAP_LOOPS}. */
export type HeapLoopName = keyof typeof HEAP_LOOPS;

const LOOP_NAMES = Object.keys(HEAP_LOOPS) as HeapLoopName[];

// The control block: [generation, remaining, loop index, error flag].
const GENERATION = 0;
const REMAINING = 1;
const LOOP = 2;
const FAILED = 3;
const MAX_PARAMS = 32;

/** The worker's program: the loops' source, then wait for tasks forever. */
function workerSource(): string {
  const loops = LOOP_NAMES.map((name) => methodSource(name)).join(',\n');
  return `
const { workerData } = require('node:worker_threads');
const LOOPS = [${loops}];
const { memory, control: controlBuffer, params: paramsBuffer, ranges: rangesBuffer, index, errors: errorsBuffer, simdModule } = workerData;
let simd = null;
try {
  if (simdModule) simd = new WebAssembly.Instance(simdModule, { env: { memory } }).exports;
} catch {
  simd = null; // the loops run their JavaScript
}
const control = new Int32Array(controlBuffer);
const params = new Float64Array(paramsBuffer);
const ranges = new Float64Array(rangesBuffer);
const errors = new Uint8Array(errorsBuffer);
// Tasks are counted from the pool's creation: one posted before this worker started is still run.
let seen = 0;
for (;;) {
  // A wake-up is only a hint: Node 20's Atomics.wait can return 'ok' with the generation unchanged
  // (measured: about once in 40 000 tasks), and running the share again would count the task down
  // twice and leave the main thread waiting forever. Run only when the generation really moved on.
  let generation;
  while ((generation = Atomics.load(control, ${GENERATION})) === seen) Atomics.wait(control, ${GENERATION}, seen);
  seen = generation;
  const start = ranges[2 * index], end = ranges[2 * index + 1];
  try {
    if (end > start) LOOPS[control[${LOOP}]](new Float32Array(memory.buffer), params, start, end, simd);
  } catch (error) {
    const text = new TextEncoder().encode(String(error && error.stack || error)).slice(0, errors.length - 1);
    errors.fill(0); errors.set(text);
    Atomics.store(control, ${FAILED}, 1);
  }
  if (Atomics.sub(control, ${REMAINING}, 1) === 1) Atomics.notify(control, ${REMAINING});
}`;
}

/** A loop's source as a function expression (TypeScript may emit it as a method). */
function methodSource(name: HeapLoopName): string {
  const text = HEAP_LOOPS[name].toString();
  return text.startsWith('function') || text.startsWith('(') ? text : `function ${text}`;
}

/** The pool: `workers.length + 1` threads share each task (the main thread takes the first share). */
export class HeapPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly params = new Float64Array(new SharedArrayBuffer(8 * MAX_PARAMS));
  private readonly ranges: Float64Array;
  private readonly errors = new Uint8Array(new SharedArrayBuffer(2048));
  private readonly workers: Worker[] = [];
  private readonly simd: SimdKernels | null;

  /**
   * @param memory the threaded wasm backend's shared WebAssembly.Memory.
   * @param threads threads to use in all, the main thread included (≥ 1).
   */
  constructor(private readonly memory: WasmMemoryLike, readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`HeapPool: 'threads' must be a whole number ≥ 1, got ${threads}`);
    if (!(memory.buffer instanceof SharedArrayBuffer)) throw new Error("HeapPool: 'memory' must be a shared WebAssembly.Memory (the threaded wasm build)");
    this.ranges = new Float64Array(new SharedArrayBuffer(16 * threads));
    this.simd = simdKernelsFor(memory);
    const simdModule = this.simd === null ? null : simdKernelsModule(true);
    const source = workerSource();
    for (let index = 1; index < threads; index++) {
      const worker = new Worker(source, {
        eval: true,
        workerData: { memory, control: this.control.buffer, params: this.params.buffer, ranges: this.ranges.buffer, errors: this.errors.buffer, index, simdModule },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Runs loop `name` over items [0, items) split into `threads` contiguous shares (share k gets
   * items [k·⌈items/threads⌉, …)), and returns when every share is done.
   *
   * @param name the loop.
   * @param params its numbers (see {@link HEAP_LOOPS}).
   * @param items how many items (images, rows, floats) the task has.
   * @throws the first error a share threw.
   */
  run(name: HeapLoopName, params: LoopParams, items: number): void {
    const perShare = Math.ceil(items / this.threads);
    if (params.length > MAX_PARAMS) throw new Error(`HeapPool.run: at most ${MAX_PARAMS} params, got ${params.length}`);
    const loop = HEAP_LOOPS[name];
    for (let i = 0; i < params.length; i++) this.params[i] = params[i];
    const shares = this.workers.length + 1;
    for (let k = 0; k < shares; k++) {
      this.ranges[2 * k] = Math.min(items, k * perShare);
      this.ranges[2 * k + 1] = Math.min(items, (k + 1) * perShare);
    }
    if (this.workers.length > 0 && items > perShare) {
      Atomics.store(this.control, LOOP, LOOP_NAMES.indexOf(name));
      Atomics.store(this.control, FAILED, 0);
      Atomics.store(this.control, REMAINING, this.workers.length);
      Atomics.add(this.control, GENERATION, 1);
      Atomics.notify(this.control, GENERATION);
      let failure: unknown = null;
      try {
        loop(new Float32Array(this.memory.buffer), this.params, this.ranges[0], this.ranges[1], this.simd);
      } catch (error) {
        failure = error;
      }
      for (let left = Atomics.load(this.control, REMAINING); left !== 0; left = Atomics.load(this.control, REMAINING)) {
        Atomics.wait(this.control, REMAINING, left);
      }
      if (failure !== null) throw failure;
      if (Atomics.load(this.control, FAILED) === 1) {
        const end = this.errors.indexOf(0);
        throw new Error(`HeapPool: loop '${name}' failed in a worker: ${new TextDecoder().decode(this.errors.slice(0, end < 0 ? undefined : end))}`);
      }
      return;
    }
    loop(new Float32Array(this.memory.buffer), this.params, 0, items, this.simd);
  }

  /** Ends the workers. */
  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }
}

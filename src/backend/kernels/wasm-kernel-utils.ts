/**
 * Small helpers shared by the kit's wasm kernel patches: call another wasm kernel from inside a
 * kernel, and free intermediate buffers. Not for notebooks; the patches register themselves.
 *
 * Inside a kernel function tfjs hands over `TensorInfo`s (data id + shape + dtype), not tensors:
 * intermediates made by calling other kernels must be freed with {@link disposeIntermediate}.
 */
import * as tf from '@tensorflow/tfjs';
import { HEAP_LOOPS, HeapLoopName, HeapPool, WasmMemoryLike } from './heap-pool';
import { simdKernelsFor } from './simd-kernels';

/** The parts of the wasm backend (`BackendWasm`) that the patches use. */
export interface WasmBackendLike {
  /** Frees a buffer (or drops one reference to it). */
  disposeData(dataId: object, force?: boolean): boolean;
  /** Allocates an output buffer on the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a buffer on the wasm heap (invalid after the heap grows). */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** The kernels the patches call, as tfjs' wasm backend registered them (never a patched one). */
const originals = new Map<string, tf.KernelConfig>();

/** Remembers tfjs' own wasm kernel `kernelName` before a patch replaces it. */
export function rememberOriginalKernel(kernelName: string, config: tf.KernelConfig): void {
  if (!originals.has(kernelName)) originals.set(kernelName, config);
}

/** tfjs' own wasm kernel `kernelName` (as shipped), or null when the wasm backend has none. */
export function originalKernel(kernelName: string): tf.KernelConfig | null {
  return originals.get(kernelName) ?? tf.getKernel(kernelName, 'wasm') ?? null;
}

/**
 * Runs tfjs' own wasm kernel `kernelName` on tensor infos and returns its single output.
 *
 * @param kernelName a kernel name such as `Transpose`.
 * @param inputs the kernel's named inputs.
 * @param backend the wasm backend instance handed to the calling kernel.
 * @param attrs the kernel's attributes.
 */
export function runWasmKernel(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  backend: WasmBackendLike,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = originalKernel(kernelName);
  if (config === null) throw new Error(`contrastive-kit wasm patches: kernel '${kernelName}' is not registered for 'wasm'`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`contrastive-kit wasm patches: kernel '${kernelName}' returned ${out.length} outputs, expected one`);
  }
  return out;
}

/** Runs tfjs' own wasm kernel `kernelName` and returns all its outputs (e.g. TopK's two). */
export function runWasmKernelOutputs(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  backend: WasmBackendLike,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo[] {
  const config = originalKernel(kernelName);
  if (config === null) throw new Error(`contrastive-kit wasm patches: kernel '${kernelName}' is not registered for 'wasm'`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? out : [out];
}

/** Frees an intermediate made inside a kernel. */
export function disposeIntermediate(backend: WasmBackendLike, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** Transposes `x` by `perm` with the wasm Transpose kernel (the caller frees the result). */
export function transposeInfo(backend: WasmBackendLike, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return runWasmKernel('Transpose', { x }, backend, { perm });
}

/**
 * Swaps the last two axes of `x` (the caller frees the result). float32 goes through the heap
 * pool's blocked transpose (all threads; the wasm Transpose kernel takes ~6 ns a value for
 * matrices), other dtypes through the wasm kernel.
 */
export function swapLastTwoAxes(backend: WasmBackendLike, x: tf.TensorInfo): tf.TensorInfo {
  const rank = x.shape.length;
  if (x.dtype === 'float32' && rank >= 2) {
    const rows = x.shape[rank - 2];
    const columns = x.shape[rank - 1];
    const matrices = x.shape.slice(0, -2).reduce((product, size) => product * size, 1);
    const outShape = [...x.shape.slice(0, -2), columns, rows];
    const out = backend.makeOutput(outShape, 'float32');
    if (rows * columns * matrices > 0) {
      runHeapLoop(backend, 'transposeRowBlocks', [heapFloatOffset(backend, x), heapFloatOffset(backend, out), rows, columns], matrices * Math.ceil(rows / 64));
    }
    return out;
  }
  const perm = x.shape.map((_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return transposeInfo(backend, x, perm);
}

/** Formats a shape for error messages: `[2,3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The backend's parts the heap loops need: its memory (threaded build: `wasmMemory`; else exported as `asm.memory`). */
interface ThreadedWasmParts {
  wasm?: { wasmMemory?: WasmMemoryLike; asm?: { memory?: WasmMemoryLike }; HEAPF32?: Float32Array; tfjs?: { getThreadsCount?: () => number } };
}

let pool: { memory: WasmMemoryLike; pool: HeapPool } | null = null;

/**
 * The pool of JS worker threads for `backend`'s heap ({@link HeapPool}), made on first use with
 * as many threads as the backend's own pool; null on a single-threaded backend (no shared heap),
 * where the kernels run their loops on the main thread.
 */
export function heapPoolFor(backend: WasmBackendLike): HeapPool | null {
  const wasm = (backend as unknown as ThreadedWasmParts).wasm;
  const memory = wasm?.wasmMemory;
  const threads = wasm?.tfjs?.getThreadsCount?.() ?? 1;
  if (memory === undefined || threads < 2 || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  if (pool === null || pool.memory !== memory) pool = { memory, pool: new HeapPool(memory, threads) };
  return pool.pool;
}

/**
 * Runs heap loop `name` over `items`: split between the threads by the heap pool where the heap
 * is shared and there are at least `minItemsToSplit` items, else in one loop on this thread.
 *
 * @param backend the wasm backend.
 * @param name the loop ({@link HEAP_LOOPS}).
 * @param params its numbers (heap offsets in floats, sizes).
 * @param items how many items the loop has (images, rows, chunks…).
 * @param minItemsToSplit below this many items waking the workers costs more than it saves
 *   (default 0: always split).
 */
export function runHeapLoop(backend: WasmBackendLike, name: HeapLoopName, params: number[], items: number, minItemsToSplit = 0): void {
  const pool = heapPoolFor(backend);
  if (pool !== null && items >= minItemsToSplit) {
    pool.run(name, params, items);
    return;
  }
  const wasm = (backend as unknown as ThreadedWasmParts).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  // The memory's own buffer where there is one: after the shared heap grows, HEAPF32 may lag.
  const buffer = memory?.buffer ?? wasm?.HEAPF32?.buffer;
  if (buffer === undefined) throw new Error(`contrastive-kit wasm patches: no heap to run '${name}' on`);
  HEAP_LOOPS[name](new Float32Array(buffer), Float64Array.from(params), 0, items, memory === undefined ? null : simdKernelsFor(memory));
}

/**
 * Whether the kit's wasm SIMD kernels ({@link simdKernelsFor}) run on `backend`'s heap, so that
 * heap loops which hand their work to them ({@link runHeapLoop}) get the fast path.
 */
export function heapHasSimdKernels(backend: WasmBackendLike): boolean {
  const wasm = (backend as unknown as ThreadedWasmParts).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  return memory !== undefined && simdKernelsFor(memory) !== null;
}

/** Byte offset / 4 of a float32 buffer in the wasm heap (the unit heap loops use). */
export function heapFloatOffset(backend: WasmBackendLike, info: tf.TensorInfo): number {
  const view = backend.typedArrayFromHeap(info);
  return view.byteOffset / 4;
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1] * shape[axis + 1];
  return strides;
}

/**
 * Calls `visit(offset)` for every combination of coordinates `c[j] < counts[j]` of axes
 * `0 … counts.length − 1`, with offset = Σ c[j]·strides[j].
 */
export function forEachOffset(counts: readonly number[], strides: readonly number[], visit: (offset: number) => void): void {
  const axes = counts.length;
  if (counts.some((count) => count === 0)) return;
  const coordinates = new Array<number>(axes).fill(0);
  let offset = 0;
  for (;;) {
    visit(offset);
    let axis = axes - 1;
    while (axis >= 0) {
      coordinates[axis] += 1;
      offset += strides[axis];
      if (coordinates[axis] < counts[axis]) break;
      offset -= coordinates[axis] * strides[axis];
      coordinates[axis] = 0;
      axis -= 1;
    }
    if (axis < 0) return;
  }
}

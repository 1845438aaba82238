/**
 * The kit's own WebAssembly SIMD kernels, for loops that JavaScript runs too slowly: a small wasm
 * module that imports the wasm backend's memory and works on its buffers in place. Its source is
 * simd-kernels.wat (WebAssembly text, assembled by `npm run simd:build` with wabt into
 * simd-kernels-binary.ts). JavaScript has no SIMD: an element-wise loop with float32 rounding
 * after every operation runs at ~4–10 ns a value in V8, and a convolution's filter gradient written
 * as a JavaScript loop would run at a fraction of a GFLOP/s; with `f32x4` instructions they run
 * several times (element-wise) to tens of times (filter gradient) faster.
 *
 * Every instruction is an IEEE-754 float32 operation (correctly rounded, no fused multiply-add),
 * the same ones XNNPACK's kernels use. Every kernel equals the JavaScript loop of its name in
 * {@link HEAP_LOOPS} (its reference) bit for bit — so `adamUpdate` equals tfjs' Adam and
 * `maxPoolGradient` the cpu backend's gradient. Each sums in a fixed order that does not depend on
 * where the threads' shares start (lanes and tails compute alike; the filter gradient's chunks of
 * images are fixed), so results do not depend on the thread count.
 *
 * The heap pool gives each worker the compiled module; {@link simdKernelsFor} instantiates it
 * for a memory (once per memory). Where the engine has no wasm SIMD, there are no kernels and
 * the loops run their JavaScript (or the patches their fallback).
 *
 * @see notebooks/00-setup.ipynb
 */
import type { WasmMemoryLike } from './heap-pool';
import { SIMD_KERNELS_SHARED_BASE64, SIMD_KERNELS_UNSHARED_BASE64 } from './simd-kernels-binary';

/** The functions of the module, as JavaScript sees them. */
export interface SimdKernels {
  /**
   * One Adam step over `count` float32 values: byte addresses of x, g, m, v (inputs) and x′,
   * m′, v′ (outputs), then β₁, 1−β₁, β₂, 1−β₂, 1−β₁ᵗ, 1−β₂ᵗ, ε, −lr (made float32 on the call).
   */
  adamUpdate(
    x: number, gradient: number, firstMoment: number, secondMoment: number,
    newX: number, newFirstMoment: number, newSecondMoment: number, count: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    oneMinusAccBeta1: number, oneMinusAccBeta2: number, epsilon: number, step: number,
  ): void;
  /**
   * A convolution's filter gradient over `images` images, added to dst [kH, kW, C, outC]:
   * dst[i, j, c, o] += Σ x[image, p·sH + i, q·sW + j, c] · dy[image, p, q, o]. Byte addresses of
   * x [images, height, width, C] (padded or cropped so that the windows read exactly its rows and
   * columns), dy [images, outH, outW, outC] and dst; `outChannels` must be a multiple of 8 (else
   * it traps).
   */
  filterGradient(
    x: number, dy: number, dst: number, images: number, height: number, width: number, channels: number,
    outHeight: number, outWidth: number, outChannels: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number,
  ): void;
  /**
   * The max-pool gradient over `images` images: byte addresses of x [images, height, width, C],
   * dy [images, outH, outW, C] and dx (like x; overwritten); C must be a multiple of 4. Each
   * window's first maximum (row-major, strict >) gets dy, as in {@link HEAP_LOOPS}' loop of that name.
   */
  maxPoolGradient(
    x: number, dy: number, dx: number, images: number, height: number, width: number, channels: number,
    outHeight: number, outWidth: number, filterHeight: number, filterWidth: number,
    strideHeight: number, strideWidth: number, padTop: number, padLeft: number,
  ): void;
  /**
   * Column totals of a float32 block x [rows, columns] in float64, written to dst (a byte address,
   * 8-byte aligned, of float64 [columns]); columns must be a multiple of 4. Rows are added in order.
   */
  columnSums(x: number, columns: number, rows: number, dst: number): void;
}

/**
 * The module's bytes (assembled from simd-kernels.wat by `npm run simd:build`). It imports
 * `env.memory`: shared (with the 4 GiB maximum the threaded build declares, as a shared import
 * must) or not, to match the memory it will be instantiated with.
 */
export function simdKernelsBytes(shared: boolean): Uint8Array {
  return Uint8Array.from(Buffer.from(shared ? SIMD_KERNELS_SHARED_BASE64 : SIMD_KERNELS_UNSHARED_BASE64, 'base64'));
}

/** The WebAssembly API (the repo compiles without the DOM types). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

function webAssembly(): WebAssemblyApi | null {
  return ((globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly) ?? null;
}

const compiled = new Map<boolean, object | null>();

/**
 * The compiled module for a shared or unshared memory, or null where the engine has no wasm SIMD.
 * (A compiled module can be handed to worker threads.)
 */
export function simdKernelsModule(shared: boolean): object | null {
  if (!compiled.has(shared)) {
    const api = webAssembly();
    const bytes = simdKernelsBytes(shared);
    compiled.set(shared, api !== null && api.validate(bytes) ? new api.Module(bytes) : null);
  }
  return compiled.get(shared) ?? null;
}

const instances = new WeakMap<object, SimdKernels | null>();

/**
 * The kernels working on `memory` (a `WebAssembly.Memory`), instantiated once per memory; null
 * where the engine has no wasm SIMD or `memory` is not a WebAssembly memory.
 */
export function simdKernelsFor(memory: WasmMemoryLike): SimdKernels | null {
  if (!instances.has(memory)) {
    const api = webAssembly();
    const module = simdKernelsModule(memory.buffer instanceof SharedArrayBuffer);
    let kernels: SimdKernels | null = null;
    if (api !== null && module !== null) {
      try {
        kernels = new api.Instance(module, { env: { memory } }).exports as SimdKernels;
      } catch {
        kernels = null; // not a WebAssembly.Memory, or limits the import does not accept
      }
    }
    instances.set(memory, kernels);
  }
  return instances.get(memory) ?? null;
}

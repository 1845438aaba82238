/**
 * The kit's own WebAssembly SIMD kernels, for loops that JavaScript runs too slowly: a tiny wasm
 * module, assembled here byte by byte (no toolchain), that imports the wasm backend's memory and
 * works on its buffers in place. JavaScript has no SIMD, and an element-wise loop with float32
 * rounding after every operation runs at ~4–10 ns a value in V8; with `f32x4` instructions the
 * same loop runs several times faster.
 *
 * One function so far, `adamUpdate` (see {@link HEAP_LOOPS}' loop of that name, which calls it
 * when it can and is its reference). Every instruction is an IEEE-754 float32 operation
 * (correctly rounded, no fused multiply-add), the same ones XNNPACK's element-wise kernels use,
 * so the results equal the JavaScript loop's and tfjs' bit for bit; lanes and the scalar tail
 * compute alike, so where a range starts (the threads' shares) does not matter.
 *
 * The heap pool gives each worker the compiled module; {@link simdKernelsFor} instantiates it
 * for a memory (once per memory). Where the engine has no wasm SIMD, there are no kernels and
 * the loops run their JavaScript.
 *
 * @see https://webassembly.github.io/spec/core/binary/index.html (the binary format)
 * @see notebooks/00-setup.ipynb
 */
import type { WasmMemoryLike } from './heap-pool';

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
}

// ---- A minimal assembler: the few encodings and instructions the module needs. ----

/** Unsigned LEB128 (sizes, indices). */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest !== 0 ? low | 0x80 : low);
  } while (rest !== 0);
  return bytes;
}

/** A vector: its length, then its items. */
function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function name(text: string): number[] {
  return vector([...text].map((character) => [character.charCodeAt(0)]));
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

/** Alignment hint of the loads and stores: 4 bytes (the float32 buffers' alignment). */
const ALIGN_4 = 2;

const localGet = (index: number) => [0x20, index];
const localSet = (index: number) => [0x21, index];
const i32Const = (value: number) => [0x41, value]; // small non-negative values only (< 64)
const i32Add = [0x6a];
const i32Sub = [0x6b];
const i32LtU = [0x49];
const i32Eqz = [0x45];
const f32Load = [0x2a, ALIGN_4, 0];
const f32Store = [0x38, ALIGN_4, 0];
const f32Sqrt = [0x91];
const f32Add = [0x92];
const f32Mul = [0x94];
const f32Div = [0x95];
const simd = (opcode: number) => [0xfd, ...unsigned(opcode)];
const v128Load = [...simd(0x00), ALIGN_4, 0];
const v128Store = [...simd(0x0b), ALIGN_4, 0];
const f32x4Splat = simd(0x13);
const f32x4Sqrt = simd(0xe3);
const f32x4Add = simd(0xe4);
const f32x4Mul = simd(0xe6);
const f32x4Div = simd(0xe7);
const blockLoop = [0x02, 0x40, 0x03, 0x40]; // block (no result), loop (no result)
const breakOutIf = [0x0d, 1]; // br_if to the end of the block
const repeat = [0x0c, 0]; // br to the start of the loop
const endEnd = [0x0b, 0x0b]; // end loop, end block
const end = [0x0b];

// ---- adamUpdate ----

// Parameters: 0–6 byte addresses (x, g, m, v, x′, m′, v′), 7 count, 8–15 the float32 coefficients.
const [X, G, M, V, NEW_X, NEW_M, NEW_V, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
const [BETA1, ONE_MINUS_BETA1, BETA2, ONE_MINUS_BETA2, ONE_MINUS_ACC_BETA1, ONE_MINUS_ACC_BETA2, EPSILON, STEP] = [8, 9, 10, 11, 12, 13, 14, 15];
// Locals: 16–23 the coefficients splat to four lanes, 24–26 g, m′, v′ (v128), 27 the byte offset
// into every buffer, 28–30 g, m′, v′ (f32, for the tail).
const SPLAT = 8; // coefficient k's splat is local k + SPLAT
const [G4, M4, V4, OFFSET, G1, M1, V1] = [24, 25, 26, 27, 28, 29, 30];

/** The address of buffer `pointer` at the current offset. */
const at = (pointer: number) => [...localGet(pointer), ...localGet(OFFSET), ...i32Add];

/**
 * One element (or four): the stock optimizer's ops in its order, with `load`/`store` of a lane
 * width and its `mul`, `add`, `div`, `sqrt`; coefficients at `k` (scalars) or `k + SPLAT` (splats).
 */
function adamBody(load: number[], store: number[], mul: number[], add: number[], div: number[], sqrt: number[], k: (index: number) => number, [g, m, v]: number[]): number[] {
  return [
    ...at(G), ...load, ...localSet(g),
    // m′ = m·β₁ + g·(1−β₁)
    ...at(M), ...load, ...localGet(k(BETA1)), ...mul, ...localGet(g), ...localGet(k(ONE_MINUS_BETA1)), ...mul, ...add, ...localSet(m),
    // v′ = v·β₂ + (g·g)·(1−β₂)
    ...at(V), ...load, ...localGet(k(BETA2)), ...mul, ...localGet(g), ...localGet(g), ...mul, ...localGet(k(ONE_MINUS_BETA2)), ...mul, ...add, ...localSet(v),
    ...at(NEW_M), ...localGet(m), ...store,
    ...at(NEW_V), ...localGet(v), ...store,
    // x′ = (m′/(1−β₁ᵗ)) / (√(v′/(1−β₂ᵗ)) + ε) · (−lr) + x
    ...at(NEW_X),
    ...localGet(m), ...localGet(k(ONE_MINUS_ACC_BETA1)), ...div,
    ...localGet(v), ...localGet(k(ONE_MINUS_ACC_BETA2)), ...div, ...sqrt, ...localGet(k(EPSILON)), ...add,
    ...div, ...localGet(k(STEP)), ...mul, ...at(X), ...load, ...add,
    ...store,
  ];
}

/** Moves the offset on by `bytes` and the count down by `values`. */
function advance(bytes: number, values: number): number[] {
  return [...localGet(OFFSET), ...i32Const(bytes), ...i32Add, ...localSet(OFFSET), ...localGet(COUNT), ...i32Const(values), ...i32Sub, ...localSet(COUNT)];
}

const ADAM_UPDATE_CODE: number[] = [
  ...[BETA1, ONE_MINUS_BETA1, BETA2, ONE_MINUS_BETA2, ONE_MINUS_ACC_BETA1, ONE_MINUS_ACC_BETA2, EPSILON, STEP].flatMap((k) => [...localGet(k), ...f32x4Splat, ...localSet(k + SPLAT)]),
  // Four values at a time while four are left …
  ...blockLoop,
  ...localGet(COUNT), ...i32Const(4), ...i32LtU, ...breakOutIf,
  ...adamBody(v128Load, v128Store, f32x4Mul, f32x4Add, f32x4Div, f32x4Sqrt, (k) => k + SPLAT, [G4, M4, V4]),
  ...advance(16, 4), ...repeat,
  ...endEnd,
  // … then one at a time.
  ...blockLoop,
  ...localGet(COUNT), ...i32Eqz, ...breakOutIf,
  ...adamBody(f32Load, f32Store, f32Mul, f32Add, f32Div, f32Sqrt, (k) => k, [G1, M1, V1]),
  ...advance(4, 1), ...repeat,
  ...endEnd,
  ...end,
];

/**
 * The module's bytes. It imports `env.memory`: shared (with the 4 GiB maximum the threaded build
 * declares, as a shared import must) or not, to match the memory it will be instantiated with.
 */
export function simdKernelsBytes(shared: boolean): Uint8Array {
  const params = [...Array<number>(8).fill(I32), ...Array<number>(8).fill(F32)].map((type) => [type]);
  const locals = vector([[8, V128], [3, V128], [1, I32], [3, F32]]);
  const body = [...locals, ...ADAM_UPDATE_CODE];
  const limits = shared ? [0x03, 0, ...unsigned(65536)] : [0x00, 0];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vector([[0x60, ...vector(params), ...vector([])]])), // type 0: (8 × i32, 8 × f32) → ()
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, ...limits]])), // import memory
    ...section(3, vector([[0]])), // function 0 has type 0
    ...section(7, vector([[...name('adamUpdate'), 0x00, 0]])), // export function 0
    ...section(10, vector([[...unsigned(body.length), ...body]])), // its code
  ]);
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

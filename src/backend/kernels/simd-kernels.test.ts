import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomValues } from '../../testing/compare-backends';
import { HEAP_LOOPS } from './heap-pool';
import { simdKernelsBytes, simdKernelsFor, simdKernelsModule } from './simd-kernels';

interface WebAssemblyMemory {
  readonly buffer: ArrayBufferLike;
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WebAssemblyMemory; validate(bytes: Uint8Array): boolean } }).WebAssembly;

/** Bit patterns of float32 values (so that −0 ≠ 0 and equal NaNs compare equal). */
const bits = (values: Float32Array) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

/**
 * Adam inputs [x, g, m, v] of `count` values each at float offset 0, with awkward values mixed in:
 * zeros, −0, gradients whose square is subnormal in float32, huge gradients, a second moment of 0.
 */
function fillAdamInputs(heap: Float32Array, count: number, seed: number): void {
  const normals = randomValues(seed, 4 * count);
  for (let i = 0; i < count; i++) {
    heap[i] = normals[i]; // x
    const special = [0, -0, 1e-23, -3e-21, 1e18, normals[count + i] * 1e-3][i % 6];
    heap[count + i] = i % 7 === 0 ? special : normals[count + i] * 0.01; // g
    heap[2 * count + i] = normals[2 * count + i] * 0.001; // m
    heap[3 * count + i] = i % 11 === 0 ? 0 : Math.abs(normals[3 * count + i]) * 1e-5; // v ≥ 0
  }
}

/** Params of the `adamUpdate` loop: [x, g, m, v] at 0, outputs at `outputsAt`, then step 3's coefficients. */
function adamParams(count: number, outputsAt: number, learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7): Float64Array {
  const accBeta1 = Math.fround(beta1 ** 3), accBeta2 = Math.fround(beta2 ** 3);
  return Float64Array.from([
    0, count, 2 * count, 3 * count, outputsAt, outputsAt + count, outputsAt + 2 * count,
    beta1, 1 - beta1, beta2, 1 - beta2, 1 - accBeta1, 1 - accBeta2, epsilon, -learningRate,
  ]);
}

test('the SIMD module is valid wasm for shared and unshared memories, and Node has wasm SIMD', () => {
  for (const shared of [false, true]) {
    assert.ok(WebAssemblyApi.validate(simdKernelsBytes(shared)), `module for a ${shared ? 'shared' : 'unshared'} memory validates`);
    assert.notEqual(simdKernelsModule(shared), null);
  }
  assert.equal(simdKernelsFor({ buffer: new ArrayBuffer(64) }), null, 'no kernels for something that is not a WebAssembly.Memory');
});

for (const shared of [false, true]) {
  test(`SIMD adamUpdate = the JavaScript loop bit for bit, any range (tails, unaligned starts; ${shared ? 'shared' : 'unshared'} memory)`, () => {
    const memory = new WebAssemblyApi.Memory(shared ? { initial: 2, maximum: 64, shared: true } : { initial: 2 });
    const simd = simdKernelsFor(memory);
    assert.notEqual(simd, null);
    assert.equal(simdKernelsFor(memory), simd, 'instantiated once per memory');
    const count = 1003; // 250 groups of four and a tail of three
    const heap = new Float32Array(memory.buffer);
    fillAdamInputs(heap, count, 7);
    for (const [learningRate, beta1, beta2, epsilon] of [[1e-3, 0.9, 0.999, 1e-7], [0.37, 0.5, 0.75, 1e-3]]) {
      const simdAt = 4 * count, jsAt = 7 * count;
      const simdParams = adamParams(count, simdAt, learningRate, beta1, beta2, epsilon);
      const jsParams = adamParams(count, jsAt, learningRate, beta1, beta2, epsilon);
      // Ranges as the threads' shares cut them: starts that are not multiples of four.
      for (const [start, end] of [[0, 5], [5, 502], [502, 1003]]) HEAP_LOOPS.adamUpdate(heap, simdParams, start, end, simd);
      HEAP_LOOPS.adamUpdate(heap, jsParams, 0, count, null);
      assert.deepEqual(bits(heap.subarray(simdAt, simdAt + 3 * count)), bits(heap.subarray(jsAt, jsAt + 3 * count)));
      assert.ok(heap.subarray(simdAt, simdAt + count).some((value, i) => value !== heap[i]), 'the variable moved');
    }
  });
}

test('the JavaScript adamUpdate loop is tfjs’ Adam by hand: one step from zero moments', () => {
  // x = 1, g = 2, t = 1: m′ = 0.2, v′ = 0.004, m̂ = 2, v̂ = 4, x′ = 1 − lr · 2 / (2 + ε).
  const heap = Float32Array.from([1, 2, 0, 0, 0, 0, 0]);
  const [learningRate, beta1, beta2, epsilon] = [0.1, 0.9, 0.999, 1e-7];
  const params = Float64Array.from([0, 1, 2, 3, 4, 5, 6, beta1, 1 - beta1, beta2, 1 - beta2, 1 - Math.fround(beta1), 1 - Math.fround(beta2), epsilon, -learningRate]);
  HEAP_LOOPS.adamUpdate(heap, params, 0, 1, null);
  assert.ok(Math.abs(heap[5] - 0.2) < 1e-7, `m′ ${heap[5]}`);
  assert.ok(Math.abs(heap[6] - 0.004) < 1e-9, `v′ ${heap[6]}`);
  assert.ok(Math.abs(heap[4] - (1 - (0.1 * 2) / (2 + 1e-7))) < 1e-6, `x′ ${heap[4]}`);
});

test('SIMD filterGradient = the JavaScript loop bit for bit (taps in fours and ones, strides, chunks)', () => {
  const memory = new WebAssemblyApi.Memory({ initial: 16 });
  const simd = simdKernelsFor(memory);
  assert.notEqual(simd, null);
  const heap = new Float32Array(memory.buffer);
  // x [batch, height, width, channels] = [11, 9, 8, 3], 3×2 filter, stride 2×1 → dy [11, 4, 7, 16].
  const [batch, height, width, channels, filterHeight, filterWidth, strideHeight, strideWidth, outChannels] = [11, 9, 8, 3, 3, 2, 2, 1, 16];
  const outHeight = Math.floor((height - filterHeight) / strideHeight) + 1;
  const outWidth = Math.floor((width - filterWidth) / strideWidth) + 1;
  const xSize = batch * height * width * channels, dySize = batch * outHeight * outWidth * outChannels;
  const taps = filterHeight * filterWidth * channels; // 18: four groups of four and two ones
  heap.set(randomValues(21, xSize), 0);
  heap.set(randomValues(22, dySize), xSize);
  const imagesPerChunk = 4;
  const chunks = Math.ceil(batch / imagesPerChunk); // 4 + 4 + 3
  const simdAt = xSize + dySize, jsAt = simdAt + chunks * taps * outChannels;
  const params = (partials: number) => Float64Array.from([0, xSize, partials, batch, height, width, channels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, imagesPerChunk]);
  heap.fill(Number.NaN, simdAt, jsAt + chunks * taps * outChannels); // the loop must overwrite (zero) its partials
  HEAP_LOOPS.filterGradient(heap, params(simdAt), 0, 1, simd);
  HEAP_LOOPS.filterGradient(heap, params(simdAt), 1, chunks, simd);
  HEAP_LOOPS.filterGradient(heap, params(jsAt), 0, chunks, null);
  const size = chunks * taps * outChannels;
  assert.deepEqual(bits(heap.subarray(simdAt, simdAt + size)), bits(heap.subarray(jsAt, jsAt + size)));
  // One entry by hand: chunk 2 (images 8–10), tap (i, j, c) = (2, 1, 2), output channel 13.
  let expected = 0;
  for (let image = 8; image < 11; image++) {
    for (let p = 0; p < outHeight; p++) {
      for (let q = 0; q < outWidth; q++) {
        expected += heap[((image * height + p * strideHeight + 2) * width + q * strideWidth + 1) * channels + 2] * heap[xSize + ((image * outHeight + p) * outWidth + q) * outChannels + 13];
      }
    }
  }
  const tap = (2 * filterWidth + 1) * channels + 2;
  assert.ok(Math.abs(heap[simdAt + (2 * taps + tap) * outChannels + 13] - expected) < 1e-4 * (1 + Math.abs(expected)));
});

test('SIMD maxPoolGradient = the JavaScript loop bit for bit (ties, NaN, −∞, overlapping and clipped windows)', () => {
  const memory = new WebAssemblyApi.Memory({ initial: 4 });
  const simd = simdKernelsFor(memory);
  assert.notEqual(simd, null);
  const heap = new Float32Array(memory.buffer);
  for (const [filter, stride, pad] of [[2, 2, 0], [3, 2, 1], [3, 1, 1], [2, 1, 0]]) {
    const [batch, height, width, channels] = [5, 7, 9, 8];
    const outHeight = Math.floor((height + 2 * pad - filter) / stride) + 1;
    const outWidth = Math.floor((width + 2 * pad - filter) / stride) + 1;
    const size = batch * height * width * channels, dySize = batch * outHeight * outWidth * channels;
    const normals = randomValues(40 + filter + stride, size);
    // Ties (ReLU zeros, repeated values), NaN and −∞ mixed in.
    for (let i = 0; i < size; i++) heap[i] = [0, 0, 1, Number.NaN, -Infinity, Math.round(normals[i] * 2) / 2, normals[i], -0][i % 8 === 7 ? 7 : Math.abs(Math.floor(normals[i] * 7)) % 7];
    heap.set(randomValues(50, dySize), size);
    const simdAt = size + dySize, jsAt = simdAt + size;
    heap.fill(Number.NaN, simdAt, jsAt + size); // dx is overwritten
    const params = (dx: number) => Float64Array.from([0, size, dx, height, width, channels, outHeight, outWidth, filter, filter, stride, stride, pad, pad]);
    HEAP_LOOPS.maxPoolGradient(heap, params(simdAt), 0, 2, simd);
    HEAP_LOOPS.maxPoolGradient(heap, params(simdAt), 2, batch, simd);
    HEAP_LOOPS.maxPoolGradient(heap, params(jsAt), 0, batch, null);
    assert.deepEqual(bits(heap.subarray(simdAt, simdAt + size)), bits(heap.subarray(jsAt, jsAt + size)), `window ${filter}, stride ${stride}, pad ${pad}`);
    assert.ok(heap.subarray(simdAt, simdAt + size).some((value) => value !== 0), 'some gradient arrived');
  }
});

test('SIMD columnSums = the JavaScript loop bit for bit (float64 totals per chunk of rows)', () => {
  const memory = new WebAssemblyApi.Memory({ initial: 4 });
  const simd = simdKernelsFor(memory);
  assert.notEqual(simd, null);
  const heap = new Float32Array(memory.buffer);
  const [rows, columns] = [2500, 12]; // chunks of 1024, 1024 and 452 rows
  const chunks = Math.ceil(rows / 1024);
  const x = 3; // not 16-byte aligned
  const values = randomValues(60, rows * columns);
  for (let i = 0; i < values.length; i++) values[i] = i % 5 === 0 ? values[i] * 1e6 : values[i] * 1e-3; // magnitudes that round
  heap.set(values, x);
  const simdAt = 2 * Math.ceil((x + rows * columns) / 2), jsAt = simdAt + 2 * chunks * columns;
  heap.fill(Number.NaN, simdAt, jsAt + 2 * chunks * columns); // each chunk's row is overwritten
  HEAP_LOOPS.columnSums(heap, Float64Array.from([x, columns, rows, simdAt]), 0, 1, simd);
  HEAP_LOOPS.columnSums(heap, Float64Array.from([x, columns, rows, simdAt]), 1, chunks, simd);
  HEAP_LOOPS.columnSums(heap, Float64Array.from([x, columns, rows, jsAt]), 0, chunks, null);
  const table = (at: number) => Array.from(new Float64Array(memory.buffer, at * 4, chunks * columns));
  assert.deepEqual(table(simdAt), table(jsAt));
  let column5 = 0;
  for (let r = 1024; r < 2048; r++) column5 += heap[x + r * columns + 5];
  assert.equal(table(simdAt)[columns + 5], column5, 'chunk 1, column 5 by hand');
});

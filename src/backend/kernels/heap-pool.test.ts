import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAP_LOOPS, HeapPool, SUM_CHUNK_ROWS } from './heap-pool';

const PAGE_FLOATS = 65536 / 4;

function sharedMemory(pages: number): WebAssemblyMemory {
  const Memory = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WebAssemblyMemory } }).WebAssembly.Memory;
  return new Memory({ initial: pages, maximum: 64, shared: true });
}
interface WebAssemblyMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

function fillRandom(view: Float32Array, from: number, count: number, seed: number): void {
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    view[from + i] = Math.round((state / 2147483648) * 8) - 4; // small integers: many ties
  }
}

test('HeapPool splits a loop between threads with the same result as one loop (tasks posted before the workers start)', async () => {
  const memory = sharedMemory(16);
  const pool = new HeapPool(memory, 3); // run at once: the workers are still starting
  try {
    const heap = new Float32Array(memory.buffer);
    const [batch, height, width, channels] = [7, 9, 8, 3];
    const outHeight = 4, outWidth = 4;
    const x = 0, dy = x + batch * height * width * channels, dxPool = dy + batch * outHeight * outWidth * channels;
    const dxOne = dxPool + batch * height * width * channels;
    fillRandom(heap, x, batch * height * width * channels, 1);
    fillRandom(heap, dy, batch * outHeight * outWidth * channels, 2);
    heap.fill(5, dxPool, dxOne + batch * height * width * channels); // stale values must be zeroed
    const params = (dx: number) => [x, dy, dx, height, width, channels, outHeight, outWidth, 2, 2, 2, 2, 0, 0];
    pool.run('maxPoolGradient', params(dxPool), batch);
    HEAP_LOOPS.maxPoolGradient(heap, Float64Array.from(params(dxOne)), 0, batch, null);
    const size = batch * height * width * channels;
    assert.deepEqual(heap.slice(dxPool, dxPool + size), heap.slice(dxOne, dxOne + size));
    assert.ok(heap.slice(dxPool, dxPool + size).some((v) => v !== 0));

    // Column sums: each chunk of 1024 rows writes its float64 totals; together they are the column totals.
    const rows = 2500, columns = 5, block = dxOne + size, partials = 2 * Math.ceil((block + rows * columns) / 2);
    fillRandom(heap, block, rows * columns, 3);
    const chunks = Math.ceil(rows / SUM_CHUNK_ROWS);
    pool.run('columnSums', [block, columns, rows, partials], chunks);
    const table = new Float64Array(memory.buffer, partials * 4, chunks * columns);
    for (let c = 0; c < columns; c++) {
      let expected = 0;
      for (let r = 0; r < rows; r++) expected += heap[block + r * columns + c];
      let total = 0;
      for (let chunk = 0; chunk < chunks; chunk++) total += table[chunk * columns + c];
      assert.equal(total, expected, `column ${c}`);
    }
  } finally {
    await pool.dispose();
  }
});

test('HeapPool sees the heap after it grows', async () => {
  const memory = sharedMemory(1);
  const pool = new HeapPool(memory, 2);
  try {
    memory.grow(2);
    const heap = new Float32Array(memory.buffer);
    const rows = 4000, columns = 2, block = 2 * PAGE_FLOATS, partials = block + rows * columns;
    heap.fill(1, block, block + rows * columns);
    pool.run('columnSums', [block, columns, rows, partials], Math.ceil(rows / SUM_CHUNK_ROWS));
    const table = new Float64Array(memory.buffer, partials * 4, 8);
    assert.deepEqual(Array.from(table), [1024, 1024, 1024, 1024, 1024, 1024, 928, 928]);
  } finally {
    await pool.dispose();
  }
});

test('a worker woken without a new task does not run its share again (Atomics.wait can return early)', async () => {
  const memory = sharedMemory(1);
  const pool = new HeapPool(memory, 2);
  try {
    const heap = new Float32Array(memory.buffer);
    const rows = 2048, columns = 2, block = 0, partials = block + rows * columns; // two chunks: one per thread
    heap.fill(1, block, block + rows * columns);
    pool.run('columnSums', [block, columns, rows, partials], 2);
    const table = new Float64Array(memory.buffer, partials * 4, 2 * columns);
    assert.deepEqual(Array.from(table), [1024, 1024, 1024, 1024]);
    // New input, but no task: a wake-up of the workers alone (what a spurious return of
    // Atomics.wait amounts to) must not recompute the worker's chunk from it.
    heap.fill(3, block, block + rows * columns);
    const control = (pool as unknown as { control: Int32Array }).control;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let woken = 0;
    for (let attempt = 0; attempt < 250 && woken === 0; attempt++) {
      await sleep(20);
      woken = Atomics.notify(control, 0); // 0 until the worker is back in its wait
    }
    assert.equal(woken, 1, 'the worker never waited for a task');
    await sleep(300);
    assert.deepEqual(Array.from(table), [1024, 1024, 1024, 1024], 'a chunk was computed without a task');
    pool.run('columnSums', [block, columns, rows, partials], 2);
    assert.deepEqual(Array.from(table), [3072, 3072, 3072, 3072]);
  } finally {
    await pool.dispose();
  }
});

test('HeapPool checks its arguments', () => {
  assert.throws(() => new HeapPool({ buffer: new ArrayBuffer(8) }, 2), /'memory' must be a shared WebAssembly.Memory/);
  assert.throws(() => new HeapPool(sharedMemory(1), 0), /'threads' must be a whole number ≥ 1, got 0/);
});

test('HeapPool runs the SIMD Adam update in its workers: the same bits as one JavaScript loop', async () => {
  const memory = sharedMemory(8); // 131 072 floats: [x, g, m, v] and two sets of outputs
  const pool = new HeapPool(memory, 3);
  try {
    const heap = new Float32Array(memory.buffer);
    const count = 10_001; // shares of 3 334 values: the workers' starts are not multiples of four
    for (let i = 0; i < 4 * count; i++) heap[i] = Math.sin(i * 0.37) * (i < 3 * count ? 0.5 : 1e-4) + (i >= 3 * count ? 1e-4 : 0);
    const params = (outputsAt: number) => [0, count, 2 * count, 3 * count, outputsAt, outputsAt + count, outputsAt + 2 * count, 0.9, 0.1, 0.999, 1 - 0.999, 1 - Math.fround(0.9 ** 5), 1 - Math.fround(0.999 ** 5), 1e-7, -1e-3];
    const pooledAt = 4 * count, oneLoopAt = 7 * count;
    pool.run('adamUpdate', params(pooledAt), count);
    HEAP_LOOPS.adamUpdate(heap, Float64Array.from(params(oneLoopAt)), 0, count, null);
    const bits = (from: number) => Array.from(new Uint32Array(heap.slice(from, from + 3 * count).buffer));
    assert.deepEqual(bits(pooledAt), bits(oneLoopAt));
  } finally {
    await pool.dispose();
  }
});

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlasInfo } from './blas';
import { BenchReport, compare, evaluateTargets, formatTable, KitTimes, StepEntry, suspectAllCores, TARGETS } from './report';
import type { TorchResult } from './torch';

const OPENBLAS: BlasInfo = { name: 'openblas', path: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', source: 'sgemm', loaded: [] };

function report(augmentation?: BenchReport['augmentation']): BenchReport {
  return {
    backend: 'wasm',
    reason: 'test',
    threads: 2,
    cores: 2,
    matmulPeak: { gflops: 56, cpuGflops: 29, shape: '1024x1024·1024x1024' },
    augmentation,
    pending: [],
    settings: { steps: 10, knnScale: 1, date: '2026-11-29T00:00:00Z', node: 'v20', tfjs: '4.22.0' },
  };
}

/** A step entry whose wall and CPU milliseconds are given; the rest does not matter here. */
function step(ms: number, cpuMs: number): StepEntry {
  return { msPerStep: ms, cpuMsPerStep: cpuMs, samplesPerSec: 256_000 / ms, gflops: 1, peakFraction: 0.1, cpuGflops: 1, cpuPeakFraction: 0.1, gflopPerStep: 0.7, steps: 10 };
}

function torch(threads: number, times: { mlp: [number, number]; cnn: [number, number]; knn: [number, number] }): TorchResult {
  const entry = ([ms, cpuMs]: [number, number]) => ({ msPerStep: ms, cpuMsPerStep: cpuMs, samplesPerSec: 256_000 / ms, steps: 10 });
  return {
    backend: 'pytorch',
    torch: '1.13.0a0',
    threads,
    mallopt: true,
    blas: OPENBLAS,
    matmul: { gflops: 90 * threads, cpuGflops: 90, shape: '1024x1024·1024x1024' },
    mlp: entry(times.mlp),
    cnn: entry(times.cnn),
    knn: { ms: times.knn[0], cpuMs: times.knn[1], queries: 10_000, references: 60_000 },
  };
}

/** A report with both comparisons: kit on 2 threads (wall) and 1 thread (CPU), PyTorch likewise. */
function compared(): BenchReport {
  const main = { ...report(), mlp: step(30, 55), cnn: step(200, 380), knn: { ms: 6000, cpuMs: 11_500, queries: 10_000, references: 60_000 } };
  const one: KitTimes = { threads: 1, matmulPeak: { gflops: 29, cpuGflops: 29, shape: '1024x1024·1024x1024' }, mlp: step(45, 44), cnn: step(360, 363), knn: { ms: 11_300, cpuMs: 11_200, queries: 10_000, references: 60_000 } };
  const torchAll = torch(2, { mlp: [7.6, 15], cnn: [60, 118], knn: [2333, 4600] });
  const torchOne = torch(1, { mlp: [7.6, 7.5], cnn: [96, 95], knn: [3700, 3615] });
  return {
    ...main,
    oneThread: { process: 'child', ...one },
    torch: { version: '1.13.0a0', blas: OPENBLAS, allCores: torchAll, oneThread: torchOne },
    comparisons: { allCores: compare(main, torchAll, 'wall'), oneThread: compare(one, torchOne, 'cpu') },
  };
}

test('compare: ratios on the deciding clock and on the other one, with both thread counts', () => {
  const all = compared().comparisons?.allCores;
  assert.ok(all);
  assert.equal(all.clock, 'wall');
  assert.deepEqual([all.kitThreads, all.torchThreads], [2, 2]);
  assert.equal(all.ratios.mlp, 30 / 7.6);
  assert.equal(all.ratios.knn, 6000 / 2333);
  assert.equal(all.otherClockRatios.cnn, 380 / 118);
  const one = compared().comparisons?.oneThread;
  assert.ok(one);
  assert.equal(one.clock, 'cpu');
  assert.deepEqual([one.kitThreads, one.torchThreads], [1, 1]);
  assert.equal(one.ratios.mlp, 44 / 7.5);
  assert.equal(one.otherClockRatios.mlp, 45 / 7.6);
});

test('compare leaves out a workload that either side did not measure', () => {
  const kit: KitTimes = { threads: 1, matmulPeak: report().matmulPeak, mlp: step(45, 44) };
  const ratios = compare(kit, torch(1, { mlp: [7.6, 7.5], cnn: [96, 95], knn: [3700, 3615] }), 'cpu').ratios;
  assert.deepEqual(ratios, { mlp: 44 / 7.5, cnn: undefined, knn: undefined });
});

test('evaluateTargets: issue #17 — all cores on the wall clock, one thread on CPU time, matmul 1024³', () => {
  const targets = evaluateTargets(compared());
  assert.deepEqual(TARGETS, { allCores: { mlp: 3, cnn: 3, knn: 2 }, oneThread: { mlp: 5, cnn: 3.5, knn: 3 }, matmulGflops: 50 });
  // all cores: MLP 30 / 7.6 = 3.95 (> 3), CNN 200 / 60 = 3.33 (> 3), kNN 6000 / 2333 = 2.57 (> 2)
  assert.deepEqual(targets.mlpAllCores, { value: 30 / 7.6, clock: 'wall', otherClockValue: 55 / 15, limit: '≤ 3×', met: false });
  assert.equal(targets.cnnAllCores.met, false);
  assert.equal(targets.knnAllCores.limit, '≤ 2×');
  // one thread: MLP 44 / 7.5 = 5.87 (> 5), CNN 363 / 95 = 3.82 (> 3.5), kNN 11 200 / 3 615 = 3.10 (> 3)
  assert.deepEqual(targets.cnnOneThread, { value: 363 / 95, clock: 'cpu', otherClockValue: 360 / 96, limit: '≤ 3.5×', met: false });
  assert.equal(targets.mlpOneThread.limit, '≤ 5×');
  assert.equal(targets.knnOneThread.met, false);
  assert.deepEqual(targets.matmulGflops, { value: 56, clock: 'wall', limit: '≥ 50 GFLOP/s', met: true });

  const fast = compared();
  fast.mlp = step(20, 38);
  fast.oneThread = { ...fast.oneThread!, mlp: step(37, 37) };
  fast.comparisons = { allCores: compare(fast, fast.torch!.allCores!, 'wall'), oneThread: compare(fast.oneThread!, fast.torch!.oneThread!, 'cpu') };
  const met = evaluateTargets(fast);
  assert.equal(met.mlpAllCores.met, true, `20 / 7.6 = ${met.mlpAllCores.value}`);
  assert.equal(met.mlpOneThread.met, true, `37 / 7.5 = ${met.mlpOneThread.value}`);
});

test('evaluateTargets: no PyTorch comparison (e.g. refused netlib BLAS) means no PyTorch target', () => {
  const refused = { ...report(), mlp: step(30, 55), torch: { version: '1.13.0a0', blas: { ...OPENBLAS, name: 'netlib' as const } }, pending: ['netlib …'] };
  const targets = evaluateTargets(refused);
  assert.deepEqual(Object.keys(targets), ['matmulGflops']);
  assert.equal(targets.matmulGflops.met, true);
  const table = formatTable({ ...refused, targets });
  assert.doesNotMatch(table, /torch ms/, 'no comparison columns');
  assert.match(table, /PyTorch 1\.13\.0a0 computes with netlib/);
  assert.match(table, /pending:\n {2}- netlib …/);
});

test('the augmentation target is judged on CPU time, with the wall time beside it', () => {
  const met = evaluateTargets(report({ ms: 32.6, cpuMs: 24.7, preset: 'mocoV2', targetMs: 30 }));
  assert.deepEqual(met.augmentTwoViewsMs, { value: 24.7, clock: 'cpu', otherClockValue: 32.6, limit: '≤ 30 ms', met: true });
  const missed = evaluateTargets(report({ ms: 40, cpuMs: 31, preset: 'mocoV2', targetMs: 30 }));
  assert.equal(missed.augmentTwoViewsMs.met, false);
  assert.equal(evaluateTargets(report(undefined)).augmentTwoViewsMs, undefined, 'no target without a measurement');
});

test('the table shows the augmentation row with wall and CPU milliseconds', () => {
  const table = formatTable({ ...report({ ms: 28.7, cpuMs: 21.1, preset: 'mocoV2', targetMs: 30 }), targets: {} });
  assert.match(table, /augment 2 views\s+28\.7\s+21\.1\s+≤ 30 ms/);
});

test('the table puts both comparisons side by side and says which threads and clocks', () => {
  const full = compared();
  const table = formatTable({ ...full, targets: evaluateTargets(full) });
  assert.match(table, /PyTorch 1\.13\.0a0 computes with openblas \(\/usr\/lib\/x86_64-linux-gnu\/openblas-pthread\/libblas\.so\.3\)/);
  assert.match(table, /all cores, wall clock: kit 2 threads, PyTorch 2 threads/);
  assert.match(table, /one thread, CPU time: kit 1 thread \(child process\), PyTorch 1 thread/);
  // MLP: 30 ms vs 7.6 ms → 3.95 (≤ 3×); 44 CPU ms vs 7.5 → 5.87 (≤ 5×)
  assert.match(table, /MLP train step\s+30\.0\s+7\.6\s+3\.95\s+≤ 3×\s+44\.0\s+7\.5\s+5\.87\s+≤ 5×/);
  assert.match(table, /kNN top-200\s+6000\s+2333\s+2\.57\s+≤ 2×\s+11200\s+3615\s+3\.10\s+≤ 3×/);
  assert.match(table, /matmul 1024³ GFLOP\/s\s+56\.0\s+180\.0\s+≥ 50\s+29\.0\s+90\.0/);
  assert.match(table, /mlpAllCores\s+3\.95 ≤ 3×\s+NOT met\s+\(wall clock; CPU time 3\.67\)/);
  assert.doesNotMatch(table, /note: in the all-cores comparison/);
  const fewer = { ...full, threads: 1, comparisons: { ...full.comparisons, allCores: { ...full.comparisons!.allCores!, kitThreads: 1 } } };
  assert.match(formatTable(fewer), /note: in the all-cores comparison the kit computed with 1 thread and PyTorch with 2 threads/);
});

test('suspectAllCores: nothing when every multi-threaded run beat its one-thread twin', () => {
  assert.deepEqual(suspectAllCores(compared()), []);
  assert.equal(Object.values(evaluateTargets(compared())).some((t) => t.suspect), false);
});

test('suspectAllCores: PyTorch with 2 threads slower than with 1 makes that all-cores target suspect', () => {
  // Measured on the shared 2-core machine: PyTorch's MLP step 248 ms with 2 threads, 9 ms with 1.
  const disturbed = compared();
  disturbed.torch!.allCores!.mlp = { msPerStep: 248, cpuMsPerStep: 243, samplesPerSec: 1032, steps: 3 };
  disturbed.comparisons!.allCores = compare(disturbed, disturbed.torch!.allCores!, 'wall');
  const suspects = suspectAllCores(disturbed);
  assert.deepEqual(suspects.map((s) => s.target), ['mlpAllCores']);
  assert.match(suspects[0].message, /PyTorch's MLP step took 248\.0 ms with 2 threads and 7\.6 ms with 1 \(wall clock\): the cores were probably not free/);
  const targets = evaluateTargets(disturbed);
  assert.equal(targets.mlpAllCores.met, true, '30 / 248 = 0.12 would "meet" ≤ 3×');
  assert.equal(targets.mlpAllCores.suspect, true);
  assert.equal(targets.cnnAllCores.suspect, undefined);
  const table = formatTable({ ...disturbed, targets, warnings: suspects.map((s) => s.message) });
  assert.match(table, /mlpAllCores\s+0\.12 ≤ 3×\s+met \(suspect\)/);
  assert.match(table, /warnings:\n {2}- PyTorch's MLP step took 248\.0 ms/);
});

test('suspectAllCores: the kit on 2 threads slower than its one-thread child run (matmul too)', () => {
  const disturbed = compared();
  disturbed.knn = { ms: 13_000, cpuMs: 13_000, queries: 10_000, references: 60_000 };
  disturbed.matmulPeak = { gflops: 25, cpuGflops: 25, shape: '1024x1024·1024x1024' };
  const suspects = suspectAllCores(disturbed);
  assert.deepEqual(suspects.map((s) => s.target), ['knnAllCores', 'matmulGflops']);
  assert.match(suspects[1].message, /the kit's 1024³ matmul took 85\.9 ms with 2 threads and 74\.1 ms with 1/);
  // A one-thread main run has no twin to compare with.
  assert.deepEqual(suspectAllCores({ ...disturbed, threads: 1, oneThread: { ...disturbed.oneThread!, process: 'this run' } }), []);
});

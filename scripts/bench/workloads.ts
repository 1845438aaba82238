/**
 * The bench workloads on the kit's backend (see scripts/bench.ts for what each one is and
 * scripts/bench_torch.py for the same workloads in PyTorch). Every function returns plain
 * numbers; nothing here prints.
 */
import {
  createCnnEncoder,
  createInstDiscTrainer,
  createMlpEncoder,
  createMocoTrainer,
  knnSearch,
  l2Normalize,
  nPairLoss,
  Rng,
  tf,
  umapLayout,
} from 'contrastive-kit';
import { trainingStepFlops } from './flops';
import { benchmarkTwoViews } from './two-views';

/** The bench shapes (kept in one place; scripts/bench_torch.py mirrors them). */
export const BENCH = {
  batchSize: 256,
  learningRate: 1e-3,
  temperature: 0.1,
  embeddingDim: 128,
  knn: { queries: 10_000, references: 60_000, dim: 128, k: 200 },
  umap: { points: 10_000, dim: 128 },
} as const;

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Wall-clock and CPU milliseconds of one timed run. */
export interface Timing {
  /** Wall-clock milliseconds. */
  wallMs: number;
  /** CPU milliseconds of this process (user + system): on a busy machine this is what the work
   * cost, without the time the process waited for a core. */
  cpuMs: number;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Times `run` (which must finish its work before returning). */
export function time(run: () => void): Timing {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: cpuMsSince(cpuStart) };
}

/** Async variant of {@link time}. */
export async function timeAsync(run: () => Promise<unknown>): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  return { wallMs: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: cpuMsSince(cpuStart) };
}

/** Seeded standard-normal values. */
function normals(seed: number, count: number): Float32Array {
  const rng = new Rng(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = rng.normal();
  return values;
}

/** Untimed products before the timed ones (matmulPeak and scripts/bench_torch.py alike). */
export const MATMUL_WARMUP = 10;

/**
 * The backend's matmul peak: GFLOP/s of a plain float32 [1024, 1024]·[1024, 1024] product, the
 * median of `repeats` after {@link MATMUL_WARMUP} untimed ones, on the wall clock and per CPU
 * second. 1024³ is the shape issue #17's target names (≥ 50 GFLOP/s with all cores) and the one
 * scripts/bench_torch.py times with the same warm-up and repeats. The warm-up matters on wasm:
 * V8 first runs XNNPACK's code from its baseline compiler and swaps in the optimised code while
 * it runs (measured: the first 15 products of a fresh process took 43.9 ms at the median, the
 * next 45 31–34 ms, with or without reading the result back). On backends that compute when the op is called (wasm, cpu, tensorflow) the
 * product is timed alone, like PyTorch's; elsewhere reading the result waits for it.
 *
 * @param repeats timed products (odd, so the median is one of them).
 * @param size the side of the square matrices.
 */
export function matmulPeak(repeats = 15, size = 1024): { gflops: number; cpuGflops: number; shape: string } {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`matmulPeak: 'repeats' must be a positive integer, got ${repeats}`);
  if (!Number.isInteger(size) || size < 1) throw new Error(`matmulPeak: 'size' must be a positive integer, got ${size}`);
  const a = tf.tensor2d(normals(1, size * size), [size, size]);
  const b = tf.tensor2d(normals(2, size * size), [size, size]);
  const synchronous = ['wasm', 'cpu', 'tensorflow'].includes(tf.getBackend());
  try {
    const once = () => {
      const c = tf.matMul(a, b);
      if (!synchronous) c.dataSync();
      c.dispose();
    };
    for (let i = 0; i < MATMUL_WARMUP; i++) once();
    const timings = Array.from({ length: repeats }, () => time(once));
    const flops = 2 * size * size * size;
    return {
      gflops: flops / median(timings.map((t) => t.wallMs)) / 1e6,
      cpuGflops: flops / median(timings.map((t) => t.cpuMs)) / 1e6,
      shape: `${size}x${size}·${size}x${size}`,
    };
  } finally {
    tf.dispose([a, b]);
  }
}

/** What one training-step workload measured. */
export interface StepResult {
  /** Median wall-clock milliseconds per training step (forward + backward + Adam update). */
  msPerStep: number;
  /** Median CPU milliseconds per step (see {@link Timing}). */
  cpuMsPerStep: number;
  /** batchSize / step time. */
  samplesPerSec: number;
  /** Achieved GFLOP/s (matrix-product FLOPs per step / wall step time; see flops.ts). */
  gflops: number;
  /** The same per CPU millisecond. */
  cpuGflops: number;
  /** GFLOPs counted per step. */
  gflopPerStep: number;
  /** Timed steps (after warm-up). */
  steps: number;
}

/**
 * In-batch InfoNCE on L2-normalised embeddings: the first half of the batch are queries, the
 * second half their positives (a second view of the same samples); every other positive in the
 * batch is a negative. That is the N-pair loss of the temperature-scaled queries:
 * mean_i [logsumexp_j(q_i·k_j / τ) − q_i·k_i / τ].
 */
export function inBatchInfoNCE(embeddings: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const unit = l2Normalize(embeddings); // [batch, dim]
    const [queries, keys] = tf.split(unit, 2, 0) as [tf.Tensor2D, tf.Tensor2D]; // [batch/2, dim] each
    return nPairLoss(tf.div(queries, temperature) as tf.Tensor2D, keys);
  });
}

/**
 * Times training steps of `model` on a fixed random batch `input` with Adam and in-batch
 * InfoNCE: median over `steps` steps after `warmup` steps.
 */
export function benchTrainingStep(model: tf.LayersModel, input: tf.Tensor, steps: number, warmup = 3): StepResult {
  const optimizer = tf.train.adam(BENCH.learningRate);
  const batchSize = input.shape[0];
  const step = () => {
    const cost = optimizer.minimize(
      () => inBatchInfoNCE(model.apply(input, { training: true }) as tf.Tensor2D, BENCH.temperature),
      true,
    );
    if (cost === null) throw new Error('bench: optimizer.minimize returned no loss');
    const value = cost.dataSync()[0];
    cost.dispose();
    if (!Number.isFinite(value)) throw new Error(`bench: the loss is ${value}`);
  };
  for (let i = 0; i < warmup; i++) step();
  const timings = Array.from({ length: steps }, () => time(step));
  optimizer.dispose();
  const msPerStep = median(timings.map((t) => t.wallMs));
  const cpuMsPerStep = median(timings.map((t) => t.cpuMs));
  const flops = trainingStepFlops(model, batchSize, batchSize / 2, BENCH.embeddingDim);
  return {
    msPerStep,
    cpuMsPerStep,
    samplesPerSec: (batchSize * 1000) / msPerStep,
    gflops: flops / msPerStep / 1e6,
    cpuGflops: flops / cpuMsPerStep / 1e6,
    gflopPerStep: flops / 1e9,
    steps,
  };
}

/** The bench MLP 784-512-256-128 on a [256, 784] batch. */
export function benchMlp(steps: number): StepResult {
  const model = createMlpEncoder({ rng: new Rng(7) });
  const input = tf.tensor2d(normals(3, BENCH.batchSize * 784), [BENCH.batchSize, 784]);
  try {
    return benchTrainingStep(model, input, steps);
  } finally {
    input.dispose();
    model.dispose();
  }
}

/** The bench CNN on a [256, 28, 28, 1] batch. */
export function benchCnn(steps: number): StepResult {
  const model = createCnnEncoder({ rng: new Rng(8) });
  const input = tf.tensor4d(normals(4, BENCH.batchSize * 784), [BENCH.batchSize, 28, 28, 1]);
  try {
    return benchTrainingStep(model, input, steps);
  } finally {
    input.dispose();
    model.dispose();
  }
}

/** Exact cosine top-k of the bench's queries against its references with the kit's `knnSearch`. */
export async function benchKnn(scale = 1): Promise<{ ms: number; cpuMs: number; queries: number; references: number }> {
  const { dim, k } = BENCH.knn;
  const queries = Math.round(BENCH.knn.queries * scale);
  const references = Math.round(BENCH.knn.references * scale);
  const q = tf.tensor2d(normals(5, queries * dim), [queries, dim]);
  const r = tf.tensor2d(normals(6, references * dim), [references, dim]);
  try {
    const timing = await timeAsync(() => knnSearch(q, r, { k, metric: 'cosine' }));
    return { ms: timing.wallMs, cpuMs: timing.cpuMs, queries, references };
  } finally {
    tf.dispose([q, r]);
  }
}

/**
 * The kit's UMAP (`umapLayout`, default options) of 10 000 × 128 points to 2-D: ten Gaussian
 * clusters, like embeddings of ten classes.
 */
export async function benchUmap(scale = 1): Promise<{ ms: number; cpuMs: number; points: number; seconds: { knn: number; graph: number; layout: number } }> {
  const points = Math.round(BENCH.umap.points * scale);
  const dim = BENCH.umap.dim;
  const centres = normals(9, 10 * dim);
  const noise = normals(10, points * dim);
  const values = new Float32Array(points * dim);
  for (let i = 0; i < points; i++) {
    const cluster = i % 10;
    for (let j = 0; j < dim; j++) values[i * dim + j] = 3 * centres[cluster * dim + j] + noise[i * dim + j];
  }
  const x = tf.tensor2d(values, [points, dim]);
  try {
    let seconds = { knn: 0, graph: 0, layout: 0 };
    const timing = await timeAsync(async () => {
      const layout = await umapLayout(x, { rng: new Rng(12) });
      seconds = { knn: layout.seconds.knn, graph: layout.seconds.graph, layout: layout.seconds.layout };
    });
    return { ms: timing.wallMs, cpuMs: timing.cpuMs, points, seconds };
  } finally {
    x.dispose();
  }
}

/** Training-step throughput of the kit's MoCo or InstDisc trainer. */
export interface TrainerStepResult {
  msPerStep: number;
  cpuMsPerStep: number;
  samplesPerSec: number;
  steps: number;
}

function benchTrainerStep(step: (stepIndex: number) => void, steps: number, warmup = 2): TrainerStepResult {
  for (let i = 0; i < warmup; i++) step(i);
  const timings = Array.from({ length: steps }, (_, i) => time(() => step(warmup + i)));
  const msPerStep = median(timings.map((t) => t.wallMs));
  return { msPerStep, cpuMsPerStep: median(timings.map((t) => t.cpuMs)), samplesPerSec: (BENCH.batchSize * 1000) / msPerStep, steps };
}

/**
 * One MoCo step (`createMocoTrainer`: query encoder = the bench CNN, momentum key encoder,
 * K = 4096 queue, InfoNCE τ = 0.07, Adam 1e-3) on fixed query/key views of 256 images.
 */
export function benchMoco(steps: number): TrainerStepResult {
  const encoder = createCnnEncoder({ rng: new Rng(13) });
  const trainer = createMocoTrainer({ encoder, batchSize: BENCH.batchSize, queueSize: 4096, rng: new Rng(14) });
  const query = tf.tensor4d(normals(15, BENCH.batchSize * 784), [BENCH.batchSize, 28, 28, 1]);
  const key = tf.tensor4d(normals(16, BENCH.batchSize * 784), [BENCH.batchSize, 28, 28, 1]);
  try {
    return benchTrainerStep(() => {
      const output = trainer.step({ query, key });
      if (!Number.isFinite(output.loss)) throw new Error(`bench: the MoCo loss is ${output.loss}`);
    }, steps);
  } finally {
    tf.dispose([query, key]);
    trainer.dispose();
    encoder.dispose();
  }
}

/**
 * One InstDisc step (`createInstDiscTrainer`: the bench CNN, a 60 000-row memory bank, NCE with
 * 4 096 noise samples, τ = 0.07, Adam 1e-3) on a fixed batch of 256 images with new indices each step.
 */
export function benchInstDisc(steps: number): TrainerStepResult {
  const datasetSize = 60_000;
  const encoder = createCnnEncoder({ rng: new Rng(17) });
  const trainer = createInstDiscTrainer({ encoder, datasetSize, numNegatives: 4096, rng: new Rng(18), bankRng: new Rng(19) });
  const images = tf.tensor4d(normals(20, BENCH.batchSize * 784), [BENCH.batchSize, 28, 28, 1]);
  try {
    return benchTrainerStep((stepIndex) => {
      const first = (stepIndex * BENCH.batchSize) % (datasetSize - BENCH.batchSize);
      const indices = Array.from({ length: BENCH.batchSize }, (_, i) => first + i);
      const output = trainer.step({ images, indices });
      if (!Number.isFinite(output.loss)) throw new Error(`bench: the InstDisc loss is ${output.loss}`);
    }, steps);
  } finally {
    images.dispose();
    trainer.dispose();
    encoder.dispose();
  }
}

/**
 * Two augmented views ('mocoV2', the most expensive preset) of a batch of 256: median wall ms and
 * CPU ms per call (the wasm backend is single-threaded, so CPU time is what a quiet machine's wall
 * time would be).
 */
export function benchAugmentation(repeats: number): { ms: number; cpuMs: number; preset: string } {
  const result = benchmarkTwoViews({ batchSize: BENCH.batchSize, preset: 'mocoV2', repeats, warmup: 2 });
  return { ms: result.medianMs, cpuMs: result.cpuMsPerCall, preset: result.preset };
}

/**
 * Per-kernel time of a training step (tf.profile over `steps` steps, averaged), largest first:
 * where a step's time goes. Kernel times are wall-clock, so on a busy machine profile several
 * steps.
 */
export async function profileStep(model: tf.LayersModel, input: tf.Tensor, steps = 3): Promise<Array<{ kernel: string; ms: number; calls: number }>> {
  const optimizer = tf.train.adam(BENCH.learningRate);
  const step = () => {
    const cost = optimizer.minimize(() => inBatchInfoNCE(model.apply(input, { training: true }) as tf.Tensor2D, BENCH.temperature), true);
    cost?.dataSync();
    cost?.dispose();
  };
  step();
  const info = await tf.profile(() => {
    for (let i = 0; i < steps; i++) step();
  });
  optimizer.dispose();
  const byKernel = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += (typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0) / steps;
    entry.calls += 1 / steps;
    byKernel.set(kernel.name, entry);
  }
  return Array.from(byKernel, ([kernel, entry]) => ({ kernel, ...entry })).sort((a, b) => b.ms - a.ms);
}

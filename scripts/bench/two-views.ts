/**
 * A micro-benchmark of {@link twoViews}: the time to make two augmented views of one batch, the
 * per-step cost of MoCo/InstDisc training that is not the network. The bench (`npm run bench`)
 * calls it; `scripts/bench-augmentation.ts` runs it on its own. A benchmark, so it lives with the
 * bench scripts, not in the package.
 *
 * @see notebooks/05-moco.ipynb
 */
import { AugmentationConfig, AugmentationPresetName, Rng, tf, twoViews } from 'contrastive-kit';

/** Options of {@link benchmarkTwoViews}. */
export interface TwoViewsBenchOptions {
  /** Images per batch (default 256). */
  batchSize?: number;
  /** Preset or config (default `'mocoV2'`, the most expensive preset). */
  preset?: AugmentationPresetName | AugmentationConfig;
  /** Untimed warm-up calls (default 5). */
  warmup?: number;
  /** Timed calls (default 30). */
  repeats?: number;
  /** Seed of the random stream (default 0). */
  seed?: number;
}

/** What {@link benchmarkTwoViews} measured. */
export interface TwoViewsBenchResult {
  backend: string;
  batchSize: number;
  preset: string;
  /** Median milliseconds per `twoViews` call, including reading the result back (`dataSync`). */
  medianMs: number;
  /** Fastest call in milliseconds. */
  minMs: number;
  /** Every timed call in milliseconds. */
  samplesMs: number[];
  /**
   * Process CPU time (user + system) per call in ms, averaged over the timed calls. The wasm
   * backend runs on one thread, so on a busy machine this is the better estimate of the
   * wall time the same call takes on a quiet one.
   */
  cpuMsPerCall: number;
}

/**
 * Times `twoViews` on random 28×28 images on the current backend.
 *
 * @param options see {@link TwoViewsBenchOptions}.
 * @returns median and minimum time per call.
 */
export function benchmarkTwoViews(options: TwoViewsBenchOptions = {}): TwoViewsBenchResult {
  const batchSize = options.batchSize ?? 256;
  const preset = options.preset ?? 'mocoV2';
  const warmup = options.warmup ?? 5;
  const repeats = options.repeats ?? 30;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`benchmarkTwoViews: 'repeats' must be a positive integer, got ${repeats}`);
  const rng = new Rng(options.seed ?? 0);
  const images = tf.tensor4d(rng.uniformArray(batchSize * 784), [batchSize, 28, 28, 1]); // [batch, 28, 28, 1]
  const once = () => {
    const views = twoViews(images, preset, rng);
    views.forEach((view) => view.dataSync()); // wait for the backend to finish
    tf.dispose(views);
  };
  try {
    for (let i = 0; i < warmup; i++) once();
    const samplesMs: number[] = [];
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < repeats; i++) {
      const start = process.hrtime.bigint();
      once();
      samplesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const cpu = process.cpuUsage(cpuStart);
    const sorted = samplesMs.slice().sort((a, b) => a - b);
    return {
      backend: tf.getBackend(),
      batchSize,
      preset: typeof preset === 'string' ? preset : preset.name,
      medianMs: sorted[Math.floor(sorted.length / 2)],
      minMs: sorted[0],
      samplesMs,
      cpuMsPerCall: (cpu.user + cpu.system) / 1000 / repeats,
    };
  } finally {
    images.dispose();
  }
}

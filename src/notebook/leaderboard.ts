/**
 * The leaderboard: one harness that trains any loss with the same encoder, the same data, the
 * same seeds and the same budget, then scores the embeddings the same way — weighted kNN top-1
 * (k=200, σ=0.1), Recall@1 and MAP@R (leave-one-out on the test set), alignment and uniformity
 * (Wang & Isola 2020) — so losses can be ranked fairly, including the learner's own.
 *
 * Every contender sees the same batches of L2-normalised embeddings, `loss(embeddings, labels)`,
 * which is the common form of every loss of the course. Where the positives come from is the
 * board's choice:
 *
 * - `'same-class'` (supervised): P×K class-balanced batches, `labels` are the classes;
 * - `'two-views'` (self-supervised, as in SimCLR/MoCo): N images, two augmented views each,
 *   stacked as [view 1 of images 1…N; view 2 of images 1…N], and `labels` are the image's index
 *   in the batch (0…N−1, twice), so the only positive of a view is the other view of its image.
 *
 * A loss written for labelled batches therefore runs unchanged on both boards. With several
 * `seeds` each contender trains once per seed (same seed → same start weights and batches for
 * everyone); {@link summarizeLeaderboard} reads the spread. Runs can go through `loadOrTrain`, so a
 * board's classic contenders can be shipped as checkpoints while the learner's own loss trains live.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import type { AugmentationConfig, AugmentationPresetName } from '../data/augment';
import { classBalancedBatches, instanceBatches } from '../data/batches';
import { ImageSplit, imagesTensor } from '../data/fashion-mnist';
import { getSeed, Rng, setSeed } from '../runtime/random';
import { twoViewBatches } from '../data/two-view-batches';
import { alignment, uniformity } from '../eval/alignment-uniformity';
import { defaultKnnNeighbours, evaluateEmbeddings } from '../eval/evaluate';
import { knnSearch } from '../eval/knn-search';
import { meanAveragePrecisionAtR, recallAtK } from '../eval/retrieval';
import type { BatchLoss } from '../losses/batch-loss';
import { embedSplit } from '../models/embed';
import { l2Normalize } from '../models/normalize';
import { loadOrTrain } from './load-or-train';
import { type TrainBudget } from '../train/budget';
import { train } from '../train/loop';

/** The leaderboard's loss signature, defined beside the losses (re-exported here, where it was first defined). */
export type { BatchLoss };

/** One entry of the leaderboard. */
export interface LeaderboardContender {
  /** Its name in the table. */
  name: string;
  /** The loss: embeddings [P·K, dim] (L2-normalised), labels [P·K] int32 → scalar. */
  loss: BatchLoss;
  /** Learning rate of its Adam (default: the board's). */
  learningRate?: number;
  /**
   * What identifies this contender's runs in a checkpoint (e.g. `{ loss: 'triplet', margin: 0.2 }`),
   * when the board has `checkpoint` set: its runs then go through `loadOrTrain`. Leave it out for a
   * loss that must train in this run (the learner's own: its code is not part of any config).
   */
  checkpoint?: Record<string, unknown>;
}

/** Where a board's positives come from (see the module comment). */
export type LeaderboardPositives = 'same-class' | 'two-views';

/** Options of {@link runLeaderboard}. */
export interface LeaderboardOptions {
  /** Training images (e.g. `data.train` or a stratified subset). */
  train: ImageSplit;
  /** Test images: queries for kNN, and the set Recall@1, MAP@R and alignment/uniformity use. */
  test: ImageSplit;
  /** Builds the encoder; called once per contender right after the seed is reset, so every contender starts from the same weights. */
  createEncoder: () => tf.LayersModel;
  /** The input layout the encoder takes (default `'nhwc'`). */
  layout?: 'nhwc' | 'flat';
  /** Training budget of each run: `{ steps }` for a board that is the same on every machine, `{ seconds }` to time-box it (then step counts differ). */
  budget: TrainBudget;
  /** Where the positives come from: `'same-class'` (default) or `'two-views'`. */
  positives?: LeaderboardPositives;
  /** P: classes per batch (default 8; `'same-class'`). */
  classesPerBatch?: number;
  /** K: images per class per batch (default 4; `'same-class'`). */
  samplesPerClass?: number;
  /** N: images per batch, so 2N embeddings (default 32; `'two-views'`). */
  imagesPerBatch?: number;
  /** Augmentation of the two views (default `'mocoV2'`; `'two-views'`). */
  augmentation?: AugmentationPresetName | AugmentationConfig;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** The seeds: every contender trains once per seed, starting from that seed's weights and batches (default: the kit-wide seed). */
  seeds?: readonly number[];
  /** Neighbours of the weighted kNN (default `defaultKnnNeighbours` of the train labels: 200 on full Fashion-MNIST) and its σ (default 0.1). */
  k?: number;
  temperature?: number;
  /**
   * Checkpoints for contenders that have a `checkpoint` config: run `<prefix>-<contender slug>-seed<seed>`
   * goes through `loadOrTrain` with `config` (describe the encoder and anything else `createEncoder`
   * hides) plus the board's settings, the contender's config and the seed. Needs a `steps` or `epochs` budget.
   */
  checkpoint?: { prefix: string; config: Record<string, unknown> };
  /** Called when a run finishes, while its encoder is still alive (progress, keeping embeddings). */
  onResult?: (row: LeaderboardRow, encoder: tf.LayersModel) => void;
}

/** One row of the leaderboard. */
export interface LeaderboardRow {
  name: string;
  /** The seed of this run. */
  seed: number;
  /** Weighted kNN top-1, test vs train (k, σ of the options). */
  knnTop1: number;
  /** 1-NN top-1, test vs train (same search). */
  oneNNTop1: number;
  /** Recall@1 on the test set, leave-one-out. */
  recallAt1: number;
  /** MAP@R on the test set, leave-one-out. */
  mapAtR: number;
  /** Alignment: mean squared distance between a test image and another image of its class (lower is tighter). */
  alignment: number;
  /** Uniformity: log E exp(−2‖x−y‖²) over test pairs (lower is more uniform). */
  uniformity: number;
  /** Training steps done in the budget. */
  steps: number;
  /** Epochs done (fractional). */
  epochs: number;
  /** Training seconds. */
  trainSeconds: number;
  /** Evaluation seconds. */
  evalSeconds: number;
  /** Mean loss over the last 20 steps. */
  finalLoss: number;
  /** Loss per step (for curves). */
  losses: number[];
  /** True when the run was loaded from a checkpoint (its numbers are those measured right after training). */
  loaded: boolean;
  /** Where the weights came from (`loadOrTrain`'s source; `'trained'` without checkpoints). */
  source: 'trained' | 'cache' | 'shipped';
  /** When a loaded run was trained (ISO time of its checkpoint); null for a run trained in this call. */
  trainedAt: string | null;
}

function checkOptions(contenders: readonly LeaderboardContender[], options: LeaderboardOptions): void {
  const fn = 'runLeaderboard';
  if (!Array.isArray(contenders) || contenders.length === 0) throw new Error(`${fn}: 'contenders' must be a non-empty array`);
  const names = new Set<string>();
  contenders.forEach((c, i) => {
    if (!c || typeof c.name !== 'string' || c.name.length === 0) throw new Error(`${fn}: contenders[${i}].name must be a non-empty string`);
    if (typeof c.loss !== 'function') throw new Error(`${fn}: contenders[${i}].loss must be a function (embeddings, labels) => scalar`);
    if (names.has(c.name)) throw new Error(`${fn}: two contenders are named '${c.name}'`);
    if (c.checkpoint !== undefined && (c.checkpoint === null || typeof c.checkpoint !== 'object')) throw new Error(`${fn}: contenders[${i}].checkpoint must be a config object`);
    names.add(c.name);
  });
  if (!options || typeof options.createEncoder !== 'function') throw new Error(`${fn}: 'createEncoder' must be a function returning a tf.LayersModel`);
  if (!options.budget || typeof options.budget !== 'object') throw new Error(`${fn}: 'budget' must be an object like { steps: 1000 } or { seconds: 60 }`);
  const positives = options.positives ?? 'same-class';
  if (positives !== 'same-class' && positives !== 'two-views') throw new Error(`${fn}: 'positives' must be 'same-class' or 'two-views', got '${String(positives)}'`);
  for (const key of ['classesPerBatch', 'samplesPerClass', 'imagesPerBatch', 'k'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`${fn}: '${key}' must be a positive integer, got ${value}`);
  }
  if (positives === 'same-class' && (options.samplesPerClass ?? 4) < 2) throw new Error(`${fn}: 'samplesPerClass' must be ≥ 2 so every batch has positives`);
  if (positives === 'two-views' && (options.imagesPerBatch ?? 32) < 2) throw new Error(`${fn}: 'imagesPerBatch' must be ≥ 2 so every view has negatives`);
  if (!options.train || !(options.train.images instanceof Uint8Array)) throw new Error(`${fn}: 'train' must be an ImageSplit from loadFashionMnist`);
  if (!options.test || !(options.test.images instanceof Uint8Array) || options.test.count < 2) throw new Error(`${fn}: 'test' must be an ImageSplit with at least 2 images`);
  const seeds = options.seeds;
  if (seeds !== undefined && (!Array.isArray(seeds) || seeds.length === 0 || !seeds.every((seed) => Number.isInteger(seed)) || new Set(seeds).size !== seeds.length)) {
    throw new Error(`${fn}: 'seeds' must be a non-empty array of distinct integers, got ${JSON.stringify(seeds)}`);
  }
  if (options.checkpoint !== undefined) {
    const { prefix, config } = options.checkpoint ?? ({} as { prefix?: unknown; config?: unknown });
    if (typeof prefix !== 'string' || !/^\d\d-[\w.-]+$/.test(prefix)) throw new Error(`${fn}: 'checkpoint.prefix' must look like '06-board', got ${JSON.stringify(prefix)}`);
    if (config === null || typeof config !== 'object') throw new Error(`${fn}: 'checkpoint.config' must be an object describing the encoder`);
    if (options.budget.steps === undefined && options.budget.epochs === undefined) throw new Error(`${fn}: checkpointed runs need a 'budget' in steps or epochs (a time budget differs between machines)`);
  }
}

/** A contender's name as a checkpoint-name part: 'triplet (semi-hard, margin 0.2)' → 'triplet-semi-hard-margin-0.2'. */
export function leaderboardSlug(name: string): string {
  return name.normalize('NFKD').replace(/[^\w.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'contender';
}

/** Pairs each test image with another test image of its class (seeded): the positives of `alignment`. */
function sameClassPartners(labels: Uint8Array, rng: Rng): Int32Array {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  });
  return Int32Array.from(labels, (label, i) => {
    const members = byClass.get(label)!;
    if (members.length === 1) return i;
    for (;;) {
      const j = members[rng.int(members.length)];
      if (j !== i) return j;
    }
  });
}

/** Instance labels of a two-view batch of N images: [0 … N−1, 0 … N−1]. // [2N] */
function viewLabels(numImages: number): Int32Array {
  return Int32Array.from({ length: 2 * numImages }, (_, i) => i % numImages);
}

/**
 * Trains and scores each contender under identical conditions, once per seed.
 *
 * @param contenders the losses to compare (the classics and your own).
 * @param options data, encoder factory, budget, seeds, where the positives come from, evaluation
 *   settings and (optionally) checkpoints.
 * @returns one row per contender and seed, sorted by weighted kNN top-1, best first (read them
 *   with {@link summarizeLeaderboard}).
 * @example
 * const rows = await runLeaderboard(
 *   [{ name: 'triplet (semi-hard)', loss: (e, l) => batchTripletLoss(e, l) }, { name: 'SupCon', loss: (e, l) => supConLoss(e, l) }],
 *   { train: data.train, test: data.test, createEncoder: () => createCnnEncoder(), budget: { steps: 1000 }, seeds: [1, 2, 3] },
 * );
 */
export async function runLeaderboard(contenders: readonly LeaderboardContender[], options: LeaderboardOptions): Promise<LeaderboardRow[]> {
  checkOptions(contenders, options);
  const layout = options.layout ?? 'nhwc';
  const positives = options.positives ?? 'same-class';
  const P = options.classesPerBatch ?? 8;
  const K = options.samplesPerClass ?? 4;
  const N = options.imagesPerBatch ?? 32;
  const augmentation = options.augmentation ?? 'mocoV2';
  const seeds = options.seeds ?? [getSeed()];
  const learningRateOf = (contender: LeaderboardContender) => contender.learningRate ?? options.learningRate ?? 1e-3;
  const testLabels = options.test.labels;
  const knnNeighbours = options.k ?? defaultKnnNeighbours(options.train.labels);
  const stepsPerEpoch = positives === 'two-views'
    ? Math.floor(options.train.count / N)
    : classBalancedBatches(options.train.labels, { classesPerBatch: P, samplesPerClass: K, rng: new Rng(0), epoch: 0 }).length;
  if (stepsPerEpoch === 0) throw new Error(`runLeaderboard: 'train' has ${options.train.count} images, fewer than one batch of 'imagesPerBatch' = ${N}`);
  const rows: LeaderboardRow[] = [];

  /** Trains `encoder` with `contender`'s loss from `seed`'s batches; returns the losses, steps and seconds. */
  const trainRun = async (contender: LeaderboardContender, encoder: tf.LayersModel, seed: number) => {
    const batchRng = new Rng(seed).fork('leaderboard batches');
    const losses: number[] = [];
    const batches = positives === 'two-views'
      ? function* (epoch: number) {
          for (const batch of twoViewBatches(options.train, { batchSize: N, dropLast: true, preset: augmentation, layout, epoch, rng: batchRng })) {
            const images = tf.concat([batch.query, batch.key]); // [2N, ...]: view 1 of every image, then view 2
            tf.dispose([batch.query, batch.key]);
            yield { images, labels: tf.tensor1d(viewLabels(batch.indices.length), 'int32') };
          }
        }
      : function* (epoch: number) {
          for (const batch of classBalancedBatches(options.train.labels, { classesPerBatch: P, samplesPerClass: K, rng: batchRng, epoch })) {
            yield { images: imagesTensor(options.train, batch.indices, layout), labels: tf.tensor1d(batch.labels, 'int32') };
          }
        };
    const result = await train({
      model: encoder,
      batches,
      loss: (batch: { images: tf.Tensor; labels: tf.Tensor1D }) =>
        contender.loss(l2Normalize(encoder.apply(batch.images, { training: true }) as tf.Tensor2D), batch.labels),
      learningRate: learningRateOf(contender),
      budget: options.budget,
      label: seeds.length > 1 ? `${contender.name} · seed ${seed}` : contender.name,
      onStep: (record) => losses.push(record.loss),
    });
    return { losses, steps: result.steps, trainSeconds: result.seconds };
  };

  /** Scores `encoder` on the test set (kNN against the train set). */
  const score = async (encoder: tf.LayersModel, seed: number) => {
    const evalStarted = Date.now();
    const trainEmbeddings = embedSplit(encoder, options.train, { layout });
    const testEmbeddings = embedSplit(encoder, options.test, { layout });
    try {
      const knn = await evaluateEmbeddings(
        { embeddings: trainEmbeddings, labels: options.train.labels },
        { embeddings: testEmbeddings, labels: testLabels },
        { k: knnNeighbours, temperature: options.temperature ?? 0.1 },
      );
      const nearest = await knnSearch(testEmbeddings, testEmbeddings, { k: 1, excludeSelf: true });
      const recall = recallAtK(nearest, testLabels, testLabels, [1]);
      const map = await meanAveragePrecisionAtR(testEmbeddings, testEmbeddings, testLabels, testLabels, { excludeSelf: true });
      const partners = sameClassPartners(testLabels, new Rng(seed).fork('leaderboard alignment'));
      const partnerEmbeddings = tf.gather(testEmbeddings, partners) as tf.Tensor2D;
      const aligned = alignment(testEmbeddings, partnerEmbeddings);
      partnerEmbeddings.dispose();
      return {
        knnTop1: knn.knnTop1, oneNNTop1: knn.oneNNTop1, recallAt1: recall[1], mapAtR: map.mapAtR,
        alignment: aligned, uniformity: uniformity(testEmbeddings), evalSeconds: (Date.now() - evalStarted) / 1000,
      };
    } finally {
      tf.dispose([trainEmbeddings, testEmbeddings]);
    }
  };

  for (const contender of contenders) {
    for (const seed of seeds) {
      setSeed(seed);
      const encoder = options.createEncoder();
      try {
        const measureRun = async () => {
          const run = await trainRun(contender, encoder, seed);
          const scores = await score(encoder, seed);
          const finalLoss = run.losses.slice(-20).reduce((sum, value) => sum + value, 0) / Math.max(1, Math.min(20, run.losses.length));
          return { ...run, ...scores, finalLoss };
        };
        let measured: Awaited<ReturnType<typeof measureRun>>;
        let source: LeaderboardRow['source'] = 'trained';
        let trainedAt: string | null = null;
        if (options.checkpoint && contender.checkpoint) {
          const board = positives === 'two-views' ? { imagesPerBatch: N, augmentation } : { classesPerBatch: P, samplesPerClass: K };
          const result = await loadOrTrain({
            name: `${options.checkpoint.prefix}-${leaderboardSlug(contender.name)}-seed${seed}`,
            config: { ...options.checkpoint.config, contender: contender.checkpoint, positives, ...board, budget: options.budget, learningRate: learningRateOf(contender), train: options.train.count, test: options.test.count, knn: { k: knnNeighbours, temperature: options.temperature ?? 0.1 }, seed },
            state: { models: { encoder } },
            epochs: Math.round((100 * (options.budget.steps ?? (options.budget.epochs ?? 0) * stepsPerEpoch)) / stepsPerEpoch) / 100,
            train: measureRun,
            evaluate: async () => {
              const { knnTop1, oneNNTop1 } = await score(encoder, seed);
              return { knnTop1, oneNNTop1 };
            },
            verbose: false,
          });
          measured = result.metrics;
          source = result.source;
          if (result.loaded) trainedAt = result.trainedAt;
        } else {
          measured = await measureRun();
        }
        const row: LeaderboardRow = {
          name: contender.name, seed,
          knnTop1: measured.knnTop1, oneNNTop1: measured.oneNNTop1, recallAt1: measured.recallAt1, mapAtR: measured.mapAtR,
          alignment: measured.alignment, uniformity: measured.uniformity,
          steps: measured.steps, epochs: measured.steps / stepsPerEpoch, trainSeconds: measured.trainSeconds, evalSeconds: measured.evalSeconds,
          finalLoss: measured.finalLoss, losses: measured.losses, loaded: source !== 'trained', source, trainedAt,
        };
        rows.push(row);
        options.onResult?.(row, encoder);
      } finally {
        encoder.dispose();
      }
    }
  }
  return rows.sort((a, b) => b.knnTop1 - a.knnTop1);
}

/**
 * The leaderboard as table rows for `showTable`: percentages with two decimals, the other
 * measurements as numeric strings with their own decimals (so `showTable`'s default of four
 * decimals does not print `0.6100` epochs or `90.1000` s); sorting still orders them by value.
 */
export function leaderboardTable(rows: readonly LeaderboardRow[]): Array<Record<string, string | number>> {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  return rows.map((row, rank) => ({
    rank: rank + 1,
    loss: row.name,
    seed: row.seed,
    'kNN top-1': pct(row.knnTop1),
    '1-NN top-1': pct(row.oneNNTop1),
    'Recall@1': pct(row.recallAt1),
    'MAP@R': pct(row.mapAtR),
    alignment: row.alignment.toFixed(3),
    uniformity: row.uniformity.toFixed(3),
    steps: row.steps,
    epochs: row.epochs.toFixed(2),
    'train s': row.trainSeconds.toFixed(1),
  }));
}

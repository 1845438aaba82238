/**
 * The leaderboard: one harness that trains any loss with the same encoder, the same data, the
 * same seed and the same wall-clock budget, then scores the embeddings the same way — weighted
 * kNN top-1 (k=200, σ=0.1), Recall@1 and MAP@R (leave-one-out on the test set), alignment and
 * uniformity (Wang & Isola 2020) — so losses can be ranked fairly, including the learner's own.
 *
 * Every contender sees the same P×K class-balanced batches of L2-normalised embeddings
 * (`loss(embeddings, labels)`), which is the common form of every loss of the course: pairs,
 * triplets, tuplets and softmax losses can all be read off a labelled batch.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { classBalancedBatches } from '../data/batches';
import { ImageSplit, imagesTensor } from '../data/fashion-mnist';
import { getSeed, Rng, setSeed } from '../data/random';
import { alignment, uniformity } from '../eval/alignment-uniformity';
import { evaluateEmbeddings } from '../eval/evaluate';
import { knnSearch } from '../eval/knn-search';
import { meanAveragePrecisionAtR, recallAtK } from '../eval/retrieval';
import { embedSplit } from '../models/embed';
import { l2Normalize } from '../models/normalize';
import { train } from './loop';

/** A loss on a labelled batch of unit embeddings. */
export type BatchLoss = (embeddings: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/** One entry of the leaderboard. */
export interface LeaderboardContender {
  /** Its name in the table. */
  name: string;
  /** The loss: embeddings [P·K, dim] (L2-normalised), labels [P·K] int32 → scalar. */
  loss: BatchLoss;
  /** Learning rate of its Adam (default: the board's). */
  learningRate?: number;
}

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
  /** Wall-clock training budget per contender, seconds. */
  seconds: number;
  /** Also stop after this many epochs (optional). */
  maxEpochs?: number;
  /** P: classes per batch (default 8). */
  classesPerBatch?: number;
  /** K: images per class per batch (default 4). */
  samplesPerClass?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** The seed every contender starts from (default: the kit-wide seed). */
  seed?: number;
  /** Neighbours of the weighted kNN (default 200) and its σ (default 0.1). */
  k?: number;
  temperature?: number;
  /** Called when a contender finishes (progress in notebooks). */
  onResult?: (row: LeaderboardRow) => void;
}

/** One row of the leaderboard. */
export interface LeaderboardRow {
  name: string;
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
}

function checkOptions(contenders: readonly LeaderboardContender[], options: LeaderboardOptions): void {
  const fn = 'runLeaderboard';
  if (!Array.isArray(contenders) || contenders.length === 0) throw new Error(`${fn}: 'contenders' must be a non-empty array`);
  const names = new Set<string>();
  contenders.forEach((c, i) => {
    if (!c || typeof c.name !== 'string' || c.name.length === 0) throw new Error(`${fn}: contenders[${i}].name must be a non-empty string`);
    if (typeof c.loss !== 'function') throw new Error(`${fn}: contenders[${i}].loss must be a function (embeddings, labels) => scalar`);
    if (names.has(c.name)) throw new Error(`${fn}: two contenders are named '${c.name}'`);
    names.add(c.name);
  });
  if (!options || typeof options.createEncoder !== 'function') throw new Error(`${fn}: 'createEncoder' must be a function returning a tf.LayersModel`);
  if (!(options.seconds > 0)) throw new Error(`${fn}: 'seconds' must be a positive budget, got ${options.seconds}`);
  for (const key of ['classesPerBatch', 'samplesPerClass', 'maxEpochs', 'k'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new Error(`${fn}: '${key}' must be a positive integer, got ${value}`);
  }
  if ((options.samplesPerClass ?? 4) < 2) throw new Error(`${fn}: 'samplesPerClass' must be ≥ 2 so every batch has positives`);
  if (options.test.count < 2) throw new Error(`${fn}: 'test' needs at least 2 images`);
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

/**
 * Trains and scores each contender under identical conditions.
 *
 * @param contenders the losses to compare (the classics and your own).
 * @param options data, encoder factory, budget and evaluation settings.
 * @returns rows sorted by weighted kNN top-1, best first.
 * @example
 * const rows = await runLeaderboard(
 *   [{ name: 'triplet (semi-hard)', loss: (e, l) => batchTripletLoss(e, l) }, { name: 'SupCon', loss: (e, l) => supConLoss(e, l) }],
 *   { train: data.train, test: data.test, createEncoder: () => createCnnEncoder(), seconds: 60 },
 * );
 */
export async function runLeaderboard(contenders: readonly LeaderboardContender[], options: LeaderboardOptions): Promise<LeaderboardRow[]> {
  checkOptions(contenders, options);
  const layout = options.layout ?? 'nhwc';
  const P = options.classesPerBatch ?? 8;
  const K = options.samplesPerClass ?? 4;
  const seed = options.seed ?? getSeed();
  const rows: LeaderboardRow[] = [];
  const testLabels = options.test.labels;
  for (const contender of contenders) {
    setSeed(seed);
    const encoder = options.createEncoder();
    const batchRng = new Rng(seed).fork('leaderboard batches');
    const stepsPerEpoch = classBalancedBatches(options.train.labels, { classesPerBatch: P, samplesPerClass: K, rng: batchRng, epoch: 0 }).length;
    const losses: number[] = [];
    const result = await train({
      model: encoder,
      batches: function* (epoch: number) {
        for (const batch of classBalancedBatches(options.train.labels, { classesPerBatch: P, samplesPerClass: K, rng: batchRng, epoch })) {
          yield { images: imagesTensor(options.train, batch.indices, layout), labels: tf.tensor1d(batch.labels, 'int32') };
        }
      },
      loss: (batch: { images: tf.Tensor; labels: tf.Tensor1D }) =>
        contender.loss(l2Normalize(encoder.apply(batch.images, { training: true }) as tf.Tensor2D), batch.labels),
      learningRate: contender.learningRate ?? options.learningRate ?? 1e-3,
      budget: { seconds: options.seconds, ...(options.maxEpochs ? { epochs: options.maxEpochs } : {}) },
      label: contender.name,
      onStep: (record) => losses.push(record.loss),
    });

    const evalStarted = Date.now();
    const trainEmbeddings = embedSplit(encoder, options.train, { layout });
    const testEmbeddings = embedSplit(encoder, options.test, { layout });
    try {
      const knn = await evaluateEmbeddings(
        { embeddings: trainEmbeddings, labels: options.train.labels },
        { embeddings: testEmbeddings, labels: testLabels },
        { k: options.k ?? 200, temperature: options.temperature ?? 0.1 },
      );
      const nearest = await knnSearch(testEmbeddings, testEmbeddings, { k: 1, excludeSelf: true });
      const recall = recallAtK(nearest, testLabels, testLabels, [1]);
      const map = await meanAveragePrecisionAtR(testEmbeddings, testEmbeddings, testLabels, testLabels, { excludeSelf: true });
      const partners = sameClassPartners(testLabels, new Rng(seed).fork('leaderboard alignment'));
      const partnerEmbeddings = tf.gather(testEmbeddings, partners) as tf.Tensor2D;
      const aligned = alignment(testEmbeddings, partnerEmbeddings);
      partnerEmbeddings.dispose();
      const row: LeaderboardRow = {
        name: contender.name,
        knnTop1: knn.knnTop1,
        oneNNTop1: knn.oneNNTop1,
        recallAt1: recall[1],
        mapAtR: map.mapAtR,
        alignment: aligned,
        uniformity: uniformity(testEmbeddings),
        steps: result.steps,
        epochs: result.steps / stepsPerEpoch,
        trainSeconds: result.seconds,
        evalSeconds: (Date.now() - evalStarted) / 1000,
        finalLoss: losses.slice(-20).reduce((sum, value) => sum + value, 0) / Math.max(1, Math.min(20, losses.length)),
        losses,
      };
      rows.push(row);
      options.onResult?.(row);
    } finally {
      tf.dispose([trainEmbeddings, testEmbeddings]);
      encoder.dispose();
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

/**
 * One MoCo training step, packaged (He et al. 2020, https://arxiv.org/abs/1911.05722, Algorithm 1):
 *
 * 1. momentum update of the key encoder, θk ← m·θk + (1−m)·θq (before the keys are encoded);
 * 2. keys k = normalise(f_k(x_k)), no gradient;
 * 3. InfoNCE of the queries q = normalise(f_q(x_q)) against k (positive) and the queue (negatives),
 *    one optimizer step on the query encoder;
 * 4. enqueue k (after the loss, so a query's positive is never among its negatives).
 *
 * The loss is the losses module's {@link infoNCELoss}; the parts are {@link MomentumEncoder} and
 * {@link MocoQueue}. MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297) is the same step
 * with an MLP head on the encoder (`withProjectionHead`), τ = 0.2, blur in the augmentation and a
 * cosine schedule (`cosineSchedule`).
 *
 * For encoders with BatchNorm, `batchNormGroups` splits the batch into G chunks normalised on
 * their own (the paper's GPUs) and Shuffle-BN (`shuffleKeys`, the default with G > 1) normalises
 * each key with a random group other than its query's (see `models/shuffle-bn.ts`).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, rngFor } from '../runtime/random';
import { infoNCELoss } from '../losses/info-nce';
import { MomentumEncoder } from '../models/momentum';
import { MocoQueue } from '../models/queue';
import { embeddingDimOf, l2Normalize } from '../models/normalize';
import { encodeInGroups, encodeKeysShuffled } from '../models/shuffle-bn';
import { StepContext, StepOutput } from './step-functions';
import { TrainingState } from './checkpoint';

/** A MoCo batch: two augmented views of the same images. */
export interface MocoBatch {
  /** x_q, the query view [batch, ...inputShape]. */
  query: tf.Tensor;
  /** x_k, the key view of the same images [batch, ...inputShape]. */
  key: tf.Tensor;
  /** Data-set index of each image (optional; recorded in the queue for diagnostics). */
  indices?: ArrayLike<number>;
}

/** Options of {@link createMocoTrainer}. */
export interface MocoTrainerOptions {
  /** The query encoder f_q (with its projection head), [batch, ...] → [batch, dim]. */
  encoder: tf.LayersModel;
  /** The batch size (K must be a multiple of it). */
  batchSize: number;
  /** n, the number of training images (K ≤ n − batch is checked when given). */
  datasetSize?: number;
  /** K, the number of queued negatives (default 4096). */
  queueSize?: number;
  /** m of the momentum encoder (default 0.999; 0.99 suits small data sets). */
  momentum?: number;
  /** τ of InfoNCE (default 0.07; MoCo v2 uses 0.2). */
  temperature?: number;
  /** The optimizer (default Adam with learning rate 1e-3). */
  optimizer?: tf.Optimizer;
  /** Also compute the (K+1)-way pretext accuracy each step (costs one extra [batch, K] matmul; default false). */
  trackAccuracy?: boolean;
  /** Stream for the queue's random initial keys (default `rngFor('moco-queue')`). */
  rng?: Rng;
  /**
   * G, the number of BatchNorm groups (default 1): queries and keys are encoded in G equal chunks
   * of the batch, each normalised with its own statistics — the G GPUs of the paper. Matters only
   * for encoders with BatchNorm. The batch size must be a multiple of G.
   */
  batchNormGroups?: number;
  /**
   * Shuffle-BN (default true when `batchNormGroups` > 1): shuffle the key batch before it is split
   * into groups and unshuffle the keys after, so a query and its positive key are normalised with
   * different samples (see `encodeKeysShuffled`). false keeps the key groups aligned with the
   * query groups — the leak MoCo's Shuffle-BN removes.
   */
  shuffleKeys?: boolean;
  /** Stream for Shuffle-BN's permutations (default `rngFor('shuffle-bn')`). */
  shuffleRng?: Rng;
}

/** A MoCo trainer: its parts and its step. */
export interface MocoTrainer {
  readonly encoder: tf.LayersModel;
  readonly momentumEncoder: MomentumEncoder;
  readonly queue: MocoQueue;
  readonly optimizer: tf.Optimizer;
  /** τ (may be changed between steps). */
  temperature: number;
  /**
   * One step (see the module docs). Usable directly as `train({ step: trainer.step, ... })`.
   * @returns the loss and metrics `positiveSimilarity` (mean q·k₊), `negativeSimilarity` (mean q·queue
   *   when tracked), `pretextAccuracy` (when `trackAccuracy`).
   */
  step(batch: MocoBatch, context?: StepContext): StepOutput;
  /** The parts a checkpoint must hold (encoders, optimizer, queue). */
  checkpointState(): TrainingState;
  /** Frees the key encoder, the queue and (if the trainer made it) the optimizer. */
  dispose(): void;
}

/**
 * Builds a MoCo trainer around a query encoder.
 *
 * @example
 * const trainer = createMocoTrainer({ encoder: createCnnEncoder(), batchSize: 256, datasetSize: 60000, momentum: 0.99 });
 * await train({
 *   step: trainer.step, optimizer: trainer.optimizer, budget: { epochs: 7 },
 *   batches: (epoch) => twoViewBatches(data.train, { batchSize: 256, dropLast: true, epoch, preset: 'mocoV1' }),
 * });
 */
export function createMocoTrainer(options: MocoTrainerOptions): MocoTrainer {
  const fn = 'createMocoTrainer';
  const { encoder, batchSize } = options;
  const dim = embeddingDimOf(encoder, fn);
  let temperature = options.temperature ?? 0.07;
  if (!(temperature > 0)) throw new Error(`${fn}: 'temperature' must be > 0, got ${temperature}`);
  const groups = options.batchNormGroups ?? 1;
  if (!Number.isInteger(groups) || groups < 1 || batchSize % groups !== 0) {
    throw new Error(`${fn}: 'batchNormGroups' must be an integer ≥ 1 that divides batchSize = ${batchSize}, got ${groups}`);
  }
  const shuffleKeys = options.shuffleKeys ?? groups > 1;
  if (typeof shuffleKeys !== 'boolean') throw new Error(`${fn}: 'shuffleKeys' must be true or false, got ${JSON.stringify(shuffleKeys)}`);
  const shuffleRng = options.shuffleRng ?? rngFor('shuffle-bn');
  /** Keys [batch, dim]: the whole batch at once, aligned groups, or Shuffle-BN's shuffled groups. */
  const encodeKeys = (x: tf.Tensor): tf.Tensor2D => {
    if (shuffleKeys) return encodeKeysShuffled(momentumEncoder.key, x, groups, shuffleRng);
    return groups === 1 ? momentumEncoder.encodeKeys(x) : encodeInGroups(momentumEncoder.key, x, groups, true);
  };
  const queue = new MocoQueue({ queueSize: options.queueSize ?? 4096, dim, batchSize, datasetSize: options.datasetSize, rng: options.rng ?? rngFor('moco-queue') });
  const momentumEncoder = new MomentumEncoder(encoder, { momentum: options.momentum ?? 0.999 });
  const ownsOptimizer = options.optimizer === undefined;
  const optimizer = options.optimizer ?? tf.train.adam(1e-3);
  const variables = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
  const trackAccuracy = options.trackAccuracy ?? false;

  const step = (batch: MocoBatch): StepOutput => {
    if (batch === null || typeof batch !== 'object' || !(batch.query instanceof tf.Tensor) || !(batch.key instanceof tf.Tensor)) {
      throw new Error(`MocoTrainer.step: 'batch' must be { query, key[, indices] } with two tensors`);
    }
    if (batch.query.shape[0] !== batchSize || batch.key.shape[0] !== batchSize) {
      throw new Error(`MocoTrainer.step: 'query' and 'key' must hold batchSize = ${batchSize} images (the queue needs equal batches: drop the last, smaller one), got [${batch.query.shape}] and [${batch.key.shape}]`);
    }
    momentumEncoder.update(); // 1. before the keys are encoded
    const keys = encodeKeys(batch.key); // 2. [batch, dim], no gradient
    let query: tf.Tensor2D | null = null;
    const loss = tf.tidy(() => {
      const cost = optimizer.minimize(() => {
        const q = groups === 1 ? l2Normalize(encoder.apply(batch.query, { training: true }) as tf.Tensor2D) : encodeInGroups(encoder, batch.query, groups, true); // [batch, dim]
        query = tf.keep(q);
        return infoNCELoss(q, keys, queue.negatives, { temperature }); // 3.
      }, true, variables) as tf.Scalar;
      return cost.dataSync()[0];
    });
    const metrics = tf.tidy(() => {
      const q = query as unknown as tf.Tensor2D;
      const positive = tf.sum(tf.mul(q, keys), 1); // [batch]
      const out: Record<string, number> = { positiveSimilarity: tf.mean(positive).dataSync()[0] };
      if (trackAccuracy) {
        const negative = tf.matMul(q, tf.transpose(queue.negatives)); // [batch, K] (explicit transpose: the transposeB form is slow on wasm)
        out.negativeSimilarity = tf.mean(negative).dataSync()[0];
        out.pretextAccuracy = tf.mean(tf.cast(tf.greater(positive, tf.max(negative, 1)), 'float32')).dataSync()[0];
      }
      return out;
    });
    queue.enqueue(keys, batch.indices); // 4. after the loss
    tf.dispose([keys, query as unknown as tf.Tensor]);
    return { loss, metrics };
  };

  return {
    encoder,
    momentumEncoder,
    queue,
    optimizer,
    get temperature() {
      return temperature;
    },
    set temperature(value: number) {
      if (!(value > 0)) throw new Error(`MocoTrainer: 'temperature' must be > 0, got ${value}`);
      temperature = value;
    },
    step: (batch: MocoBatch, _context?: StepContext) => step(batch),
    checkpointState: () => ({ models: { query: encoder, key: momentumEncoder.key }, optimizer, queue, ...(shuffleKeys ? { rngs: { shuffleBn: shuffleRng } } : {}) }),
    dispose() {
      momentumEncoder.dispose();
      queue.dispose();
      if (ownsOptimizer) optimizer.dispose();
    },
  };
}

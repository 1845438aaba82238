/**
 * One InstDisc training step, packaged (Wu et al. 2018, https://arxiv.org/abs/1805.01978):
 *
 * 1. features f = normalise(encoder(x)) for a batch of images with their data-set indices i;
 * 2. the loss against the memory bank — NCE with K uniform noise draws (the losses module's
 *    {@link nceLoss}, normaliser Z estimated as {@link estimateNormalizer} does, from the same
 *    noise logits; by default the K draws are
 *    shared by the batch, so a step scores K rows, not n) or the full non-parametric softmax over
 *    all n entries ({@link nonParametricSoftmaxLoss}) — plus, for the paper's update
 *    rule, the proximal term λ‖f − v_i‖²; one optimizer step;
 * 3. the bank update: the reference code's v_i ← normalise(m·v_i + (1−m)·f) (m = 0.5), or the
 *    paper's v_i ← f (with the proximal term in the loss).
 *
 * The normaliser Z: 'first-batch' estimates it once and freezes it (paper and lemniscate.pytorch);
 * 'ema' keeps an exponential moving average Z ← 0.99·Z + 0.01·Ẑ of per-batch estimates (the fix
 * Kaiming He suggested in HobbitLong/CMC#23); a number fixes it.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, rngFor } from '../runtime/random';
import { nceLoss, nonParametricSoftmaxLoss } from '../losses/instance-discrimination';
import { MemoryBank, proximalPenalty, sampleNoiseIndices, sampleSharedNoiseIndices } from '../models/memory-bank';
import { embeddingDimOf, l2Normalize } from '../models/normalize';
import { StepContext, StepOutput } from './step-functions';
import { TrainingState } from './checkpoint';

/** An InstDisc batch: images and their data-set indices (= memory-bank rows). */
export interface InstDiscBatch {
  /** Images [batch, ...inputShape] (one augmented view). */
  images: tf.Tensor;
  /** Data-set index of each image [batch] (no repeats). */
  indices: ArrayLike<number>;
}

/** How the NCE normaliser Z is obtained. */
export type NormalizerMode = 'first-batch' | 'ema' | number;

/**
 * The NCE normaliser Z under one of the modes: call {@link NormalizerTracker.update} with each
 * batch's Monte-Carlo estimate; it returns the Z to use for that batch.
 */
export class NormalizerTracker {
  private value: number | null = null;

  /**
   * @param mode 'first-batch' (estimate once, freeze), 'ema' (moving average) or a fixed Z > 0.
   * @param momentum the EMA momentum (default 0.99).
   */
  constructor(readonly mode: NormalizerMode = 'first-batch', readonly momentum = 0.99) {
    if (typeof mode === 'number') {
      if (!(mode > 0) || !Number.isFinite(mode)) throw new Error(`NormalizerTracker: a fixed 'mode' must be a finite Z > 0, got ${mode}`);
      this.value = mode;
    } else if (mode !== 'first-batch' && mode !== 'ema') {
      throw new Error(`NormalizerTracker: 'mode' must be 'first-batch', 'ema' or a number, got ${JSON.stringify(mode)}`);
    }
    if (!(momentum >= 0 && momentum < 1)) throw new Error(`NormalizerTracker: 'momentum' must be in [0, 1), got ${momentum}`);
  }

  /** Whether the next call to `update` uses its estimate (so callers can skip computing it otherwise). */
  get needsEstimate(): boolean {
    return this.mode === 'ema' || this.value === null;
  }

  /**
   * @param estimate this batch's estimate Ẑ (ignored when not needed).
   * @returns the Z for this batch.
   */
  update(estimate: number | null): number {
    if (this.needsEstimate) {
      if (estimate === null || !(estimate > 0) || !Number.isFinite(estimate)) {
        throw new Error(`NormalizerTracker.update: an estimate Z > 0 is needed in mode '${this.mode}', got ${estimate}`);
      }
      this.value = this.value === null ? estimate : this.momentum * this.value + (1 - this.momentum) * estimate;
    }
    return this.value as number;
  }

  /** The current Z (null before the first batch). */
  get current(): number | null {
    return this.value;
  }

  /** Restores Z (from a checkpoint's `extra`). */
  set current(value: number | null) {
    if (value !== null && !(value > 0)) throw new Error(`NormalizerTracker: Z must be > 0 or null, got ${value}`);
    this.value = value;
  }
}

/** Options of {@link createInstDiscTrainer}. */
export interface InstDiscTrainerOptions {
  /** The encoder, [batch, ...] → [batch, dim]. */
  encoder: tf.LayersModel;
  /** n, the number of training images (memory-bank rows). */
  datasetSize: number;
  /** 'nce' (K noise draws, default) or 'softmax' (the full non-parametric softmax over all n). */
  loss?: 'nce' | 'softmax';
  /** K, noise draws per sample for NCE (default 4096). */
  numNegatives?: number;
  /**
   * How the K noise draws are made: 'shared' (default) — one set of K draws per step, used by the
   * whole batch, scored with one [batch, dim] × [dim, K] product (cost O(K)); 'per-sample' — K
   * draws for each sample, as the paper and lemniscate (B·K draws; see {@link nceLoss} for its
   * cost). Each sample's loss has the same expectation either way; shared draws make the batch's
   * terms dependent, so the batch average is slightly noisier.
   */
  noise?: 'shared' | 'per-sample';
  /** τ (default 0.07). */
  temperature?: number;
  /** Z for NCE: 'first-batch' (default, as the paper), 'ema', or a fixed number. */
  normalizer?: NormalizerMode;
  /** EMA momentum of Z (default 0.99). */
  normalizerMomentum?: number;
  /** 'momentum' (reference code, default) or 'proximal' (paper: λ‖f − v‖² in the loss, then v ← f). */
  bankUpdate?: 'momentum' | 'proximal';
  /** m of the momentum update (default 0.5). */
  bankMomentum?: number;
  /** λ of the proximal term (default 30). */
  proximalLambda?: number;
  /**
   * Redraw noise that hits the sample's own index (default false, as the reference code). With
   * shared noise, draws that hit any index of the batch are redrawn.
   */
  excludePositive?: boolean;
  /** The optimizer (default Adam with learning rate 1e-3). */
  optimizer?: tf.Optimizer;
  /** Stream for the noise draws (default `rngFor('nce-noise')`). */
  rng?: Rng;
  /** Stream for the bank's random initial vectors (default `rngFor('memory-bank')`). */
  bankRng?: Rng;
}

/** An InstDisc trainer: its parts and its step. */
export interface InstDiscTrainer {
  readonly encoder: tf.LayersModel;
  /**
   * The bank (random unit rows at first). To start from real features instead, call
   * `memoryBank.initialize(embedSplit(encoder, split))` before the first step (notebook 04's fifth arm).
   */
  readonly memoryBank: MemoryBank;
  readonly optimizer: tf.Optimizer;
  readonly normalizer: NormalizerTracker;
  /** The noise stream (checkpoint it to resume the same draws). */
  readonly rng: Rng;
  /**
   * One step (see the module docs). Usable directly as `train({ step: trainer.step, ... })`.
   * @returns the loss and metrics: `normalizer` (Z, NCE only), `proximal` (the penalty, proximal only),
   *   `positiveStaleness` (mean steps since the batch's own bank rows were written, over rows written
   *   before) and `noiseStaleness` (the same for the noise rows), `neverWrittenNoise` (fraction of
   *   noise rows still random).
   */
  step(batch: InstDiscBatch, context?: StepContext): StepOutput;
  /** The parts a checkpoint must hold (encoder, optimizer, memory bank, noise stream). */
  checkpointState(): TrainingState;
  /** Frees the memory bank and (if the trainer made it) the optimizer. */
  dispose(): void;
}

function meanStaleness(ages: Int32Array, rows: ArrayLike<number>, step: number): { mean: number; neverWritten: number } {
  let sum = 0;
  let written = 0;
  for (let i = 0; i < rows.length; i++) {
    const age = ages[rows[i]];
    if (age >= 0) {
      sum += step - age;
      written += 1;
    }
  }
  return { mean: written > 0 ? sum / written : NaN, neverWritten: rows.length > 0 ? 1 - written / rows.length : 0 };
}

/**
 * Builds an InstDisc trainer around an encoder.
 *
 * @example
 * const trainer = createInstDiscTrainer({ encoder: createCnnEncoder(), datasetSize: 60000, numNegatives: 4096 });
 * const augment = rngFor('augment');
 * await train({
 *   step: trainer.step, optimizer: trainer.optimizer, budget: { epochs: 4 },
 *   batches: function* (epoch) {
 *     for (const { indices } of instanceBatches(60000, { batchSize: 128, epoch })) {
 *       yield { indices, images: tf.tidy(() => augmentBatch(imagesTensor(data.train, indices), 'instdisc', augment)) };
 *     }
 *   },
 * });
 */
export function createInstDiscTrainer(options: InstDiscTrainerOptions): InstDiscTrainer {
  const fn = 'createInstDiscTrainer';
  const { encoder, datasetSize } = options;
  const dim = embeddingDimOf(encoder, fn);
  const lossKind = options.loss ?? 'nce';
  if (lossKind !== 'nce' && lossKind !== 'softmax') throw new Error(`${fn}: 'loss' must be 'nce' or 'softmax', got ${JSON.stringify(lossKind)}`);
  const bankUpdate = options.bankUpdate ?? 'momentum';
  if (bankUpdate !== 'momentum' && bankUpdate !== 'proximal') throw new Error(`${fn}: 'bankUpdate' must be 'momentum' or 'proximal', got ${JSON.stringify(bankUpdate)}`);
  const numNegatives = options.numNegatives ?? 4096;
  if (lossKind === 'nce' && !(Number.isInteger(numNegatives) && numNegatives > 0 && numNegatives < datasetSize)) {
    throw new Error(`${fn}: 'numNegatives' must be an integer in [1, datasetSize) = [1, ${datasetSize}), got ${numNegatives}`);
  }
  const noiseLayout = options.noise ?? 'shared';
  if (noiseLayout !== 'shared' && noiseLayout !== 'per-sample') throw new Error(`${fn}: 'noise' must be 'shared' or 'per-sample', got ${JSON.stringify(noiseLayout)}`);
  const temperature = options.temperature ?? 0.07;
  if (!(temperature > 0)) throw new Error(`${fn}: 'temperature' must be > 0, got ${temperature}`);
  const bankMomentum = options.bankMomentum ?? 0.5;
  const proximalLambda = options.proximalLambda ?? 30;
  const excludePositive = options.excludePositive ?? false;
  const memoryBank = new MemoryBank({ size: datasetSize, dim, rng: options.bankRng ?? rngFor('memory-bank') });
  const normalizer = new NormalizerTracker(options.normalizer ?? 'first-batch', options.normalizerMomentum ?? 0.99);
  const ownsOptimizer = options.optimizer === undefined;
  const optimizer = options.optimizer ?? tf.train.adam(1e-3);
  const variables = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = options.rng ?? rngFor('nce-noise');
  let ownStep = 0;

  const step = (batch: InstDiscBatch, context?: StepContext): StepOutput => {
    if (batch === null || typeof batch !== 'object' || !(batch.images instanceof tf.Tensor) || batch.indices === undefined) {
      throw new Error(`InstDiscTrainer.step: 'batch' must be { images, indices }`);
    }
    const size = batch.images.shape[0];
    if (batch.indices.length !== size) throw new Error(`InstDiscTrainer.step: 'indices' must have one entry per image (${size}), got ${batch.indices.length}`);
    const stepNumber = context?.step ?? ownStep;
    ownStep = stepNumber + 1;
    const indexArray = Int32Array.from(batch.indices);
    const exclude = excludePositive ? indexArray : undefined;
    const noise = lossKind !== 'nce' ? null
      : noiseLayout === 'shared' ? sampleSharedNoiseIndices(rng, numNegatives, datasetSize, exclude) // [K]
      : sampleNoiseIndices(rng, size, numNegatives, datasetSize, exclude); // [batch, K]
    const metrics: Record<string, number> = {};
    const positive = meanStaleness(memoryBank.ages, indexArray, stepNumber);
    metrics.positiveStaleness = positive.mean;
    if (noise) {
      const staleness = meanStaleness(memoryBank.ages, noise, stepNumber);
      metrics.noiseStaleness = staleness.mean;
      metrics.neverWrittenNoise = staleness.neverWritten;
    }
    let features: tf.Tensor2D | null = null;
    let proximal: tf.Scalar | null = null;
    const loss = tf.tidy(() => {
      const indexTensor = tf.tensor1d(indexArray, 'int32');
      const noiseTensor = !noise ? null
        : noiseLayout === 'shared' ? tf.tensor1d(noise, 'int32') // [K]
        : tf.tensor2d(noise, [size, numNegatives], 'int32'); // [batch, K]
      const previous = bankUpdate === 'proximal' ? memoryBank.gather(indexArray) : null; // v_i before the update
      const cost = optimizer.minimize(() => {
        const f = l2Normalize(encoder.apply(batch.images, { training: true }) as tf.Tensor2D); // [batch, dim]
        features = tf.keep(f);
        let value: tf.Scalar;
        if (noiseTensor) {
          // Z from this batch's noise logits when the tracker needs an estimate (no second product).
          const z = normalizer.needsEstimate ? (estimate: number) => normalizer.update(estimate) : normalizer.update(null);
          value = nceLoss(f, memoryBank.vectors, indexTensor, noiseTensor, { temperature, normalizer: z });
          metrics.normalizer = normalizer.current as number;
        } else {
          value = nonParametricSoftmaxLoss(f, memoryBank.vectors, indexTensor, { temperature });
        }
        if (previous) {
          const penalty = proximalPenalty(f, previous, proximalLambda);
          proximal = tf.keep(penalty);
          value = tf.add(value, penalty) as tf.Scalar;
        }
        return value;
      }, true, variables) as tf.Scalar;
      return cost.dataSync()[0];
    });
    if (proximal) {
      metrics.proximal = (proximal as tf.Scalar).dataSync()[0];
      (proximal as tf.Scalar).dispose();
    }
    const f = features as unknown as tf.Tensor2D;
    if (bankUpdate === 'momentum') memoryBank.momentumUpdate(indexArray, f, stepNumber, bankMomentum);
    else memoryBank.write(indexArray, f, stepNumber);
    f.dispose();
    return { loss, metrics };
  };

  return {
    encoder,
    memoryBank,
    optimizer,
    normalizer,
    rng,
    step,
    checkpointState: () => ({ models: { encoder }, optimizer, memoryBank, rngs: { noise: rng } }),
    dispose() {
      memoryBank.dispose();
      if (ownsOptimizer) optimizer.dispose();
    },
  };
}

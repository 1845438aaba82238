/**
 * InstDisc's memory bank (Wu et al. 2018, https://arxiv.org/abs/1805.01978, §3.1–3.3): one unit
 * vector per training sample, n×D, indexed by sample, holding that sample's most recent
 * embedding. It starts as random unit vectors (or, with `initialize`, as given features). Two
 * update rules are provided:
 *
 * - `momentumUpdate` — the reference code (lemniscate.pytorch `NCEAverage`):
 *   v ← normalise(m·v + (1−m)·f), m = 0.5;
 * - the paper's proximal regularisation (Eq. 9): add λ‖f − v‖² to the loss
 *   ({@link proximalPenalty}) and then overwrite the slot with f (`write`).
 *
 * The author called the two equivalent in practice (lemniscate#11). Every write records the step
 * (`ages`) so the staleness of the negatives can be measured.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositiveInteger } from '../checks';
import { Checkpointable, CheckpointPart, expectStoredShape, StoredPart } from '../runtime/checkpointable';
import { Rng, rngFor } from '../runtime/random';
import { randomUnitVectors } from './queue';

/** Options of {@link MemoryBank}. */
export interface MemoryBankOptions {
  /** n, the number of training samples. */
  size: number;
  /** D, the embedding dimension. */
  dim: number;
  /** The stream for the random initial vectors (default `rngFor('memory-bank')`). */
  rng?: Rng;
}

/** A serialisable snapshot of a memory bank (for checkpoints). */
export interface MemoryBankState {
  size: number;
  dim: number;
  /** Row-major [n, D]. */
  vectors: Float32Array;
  /** Step at which each entry was last written (−1: still the random initial vector). */
  ages: Int32Array;
}

type Indices = ArrayLike<number> | tf.Tensor1D;

/** The InstDisc memory bank. Checkpoints save and restore it ({@link Checkpointable}). */
export class MemoryBank implements Checkpointable {
  readonly size: number;
  readonly dim: number;
  private vectorsVariable: tf.Variable<tf.Rank.R2>;
  /** Step at which each entry was last written (−1: still the random initial vector). */
  readonly ages: Int32Array;

  /** @param options see {@link MemoryBankOptions}. */
  constructor(options: MemoryBankOptions) {
    const { size, dim } = options;
    if (!Number.isInteger(size) || size <= 1) throw new Error(`MemoryBank: 'size' must be an integer > 1 (one slot per training sample), got ${size}`);
    requirePositiveInteger('MemoryBank', 'dim', dim);
    this.size = size;
    this.dim = dim;
    const values = randomUnitVectors(size, dim, options.rng ?? rngFor('memory-bank'));
    // The variable shares the initial tensor's data; tidy disposes the tensor itself (no leak).
    this.vectorsVariable = tf.tidy(() => tf.variable(tf.tensor2d(values, [size, dim]), false)) as tf.Variable<tf.Rank.R2>;
    this.ages = new Int32Array(size).fill(-1);
  }

  /** All entries [n, D] (a view: do not dispose; it changes on the next update). */
  get vectors(): tf.Tensor2D {
    return this.vectorsVariable;
  }

  private indexArray(fn: string, indices: Indices, unique: boolean): Int32Array {
    const values = indices instanceof tf.Tensor ? (indices.dataSync() as ArrayLike<number>) : indices;
    const out = Int32Array.from(values as ArrayLike<number>);
    const seen = unique ? new Set<number>() : null;
    for (let i = 0; i < out.length; i++) {
      if (!(out[i] >= 0 && out[i] < this.size) || out[i] !== (values as ArrayLike<number>)[i]) {
        throw new Error(`MemoryBank.${fn}: 'indices' must be integers in [0, ${this.size}), got ${(values as ArrayLike<number>)[i]} at position ${i}`);
      }
      if (seen) {
        if (seen.has(out[i])) throw new Error(`MemoryBank.${fn}: 'indices' must not repeat within a batch, got ${out[i]} twice`);
        seen.add(out[i]);
      }
    }
    return out;
  }

  /**
   * Rows of the bank.
   *
   * @param indices sample indices [count] (repeats allowed, e.g. noise draws).
   * @returns the entries [count, D] (a new tensor; no gradient flows into the bank).
   */
  gather(indices: Indices): tf.Tensor2D {
    const rows = this.indexArray('gather', indices, false);
    return tf.tidy(() => tf.gather(this.vectorsVariable, tf.tensor1d(rows, 'int32')) as tf.Tensor2D);
  }

  private checkFeatures(fn: string, features: tf.Tensor2D, count: number): void {
    if (!(features instanceof tf.Tensor) || features.rank !== 2 || features.shape[0] !== count || features.shape[1] !== this.dim) {
      throw new Error(`MemoryBank.${fn}: 'features' must be [${count}, ${this.dim}] (one row per index), got ${features instanceof tf.Tensor ? `[${features.shape}]` : typeof features}`);
    }
  }

  private scatter(rows: Int32Array, values: tf.Tensor2D): void {
    tf.tidy(() => {
      const where = tf.tensor2d(rows, [rows.length, 1], 'int32'); // [batch, 1]
      this.vectorsVariable.assign(tf.tensorScatterUpdate(this.vectorsVariable, where, values) as tf.Tensor2D);
    });
  }

  /**
   * Replaces every entry at once, e.g. with the untrained encoder's embeddings of the clean
   * training images instead of random unit vectors, so that the positives of the first epoch are
   * real features (notebook 04 measures what this changes). Rows are normalised to unit length;
   * the ages stay −1 (written before step 0).
   *
   * @param features the new entries [n, D], finite, no zero rows.
   */
  initialize(features: tf.Tensor2D): void {
    this.checkFeatures('initialize', features, this.size);
    tf.tidy(() => {
      const norms = tf.norm(features, 'euclidean', 1, true); // [n, 1]
      const smallest = tf.min(norms).dataSync()[0];
      if (!(smallest > 1e-12) || !Number.isFinite(tf.sum(features).dataSync()[0])) {
        throw new Error(`MemoryBank.initialize: 'features' must be finite with no zero rows, got a smallest row norm of ${smallest}`);
      }
      this.vectorsVariable.assign(tf.div(features, norms) as tf.Tensor2D);
    });
    this.ages.fill(-1);
  }

  /**
   * Overwrites entries: v_i ← f_i (the paper's rule, used with {@link proximalPenalty}).
   *
   * @param indices sample indices [batch], no repeats.
   * @param features new values [batch, D] (normally unit rows).
   * @param step the training step, recorded in `ages`.
   */
  write(indices: Indices, features: tf.Tensor2D, step: number): void {
    const rows = this.indexArray('write', indices, true);
    this.checkFeatures('write', features, rows.length);
    this.scatter(rows, features);
    for (const row of rows) this.ages[row] = step;
  }

  /**
   * The reference code's update: v_i ← normalise(m·v_i + (1−m)·f_i).
   *
   * @param indices sample indices [batch], no repeats.
   * @param features the batch's embeddings [batch, D].
   * @param step the training step, recorded in `ages`.
   * @param momentum m in [0, 1] (default 0.5 as lemniscate; 0 = overwrite).
   */
  momentumUpdate(indices: Indices, features: tf.Tensor2D, step: number, momentum = 0.5): void {
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`MemoryBank.momentumUpdate: 'momentum' must be in [0, 1], got ${momentum}`);
    const rows = this.indexArray('momentumUpdate', indices, true);
    this.checkFeatures('momentumUpdate', features, rows.length);
    tf.tidy(() => {
      const old = tf.gather(this.vectorsVariable, tf.tensor1d(rows, 'int32')); // [batch, D]
      const mixed = tf.add(tf.mul(old, momentum), tf.mul(features, 1 - momentum));
      const norms = tf.maximum(tf.norm(mixed, 'euclidean', 1, true), 1e-12);
      this.scatter(rows, tf.div(mixed, norms) as tf.Tensor2D);
    });
    for (const row of rows) this.ages[row] = step;
  }

  /**
   * Staleness of entries at `step`: how many steps ago each was written (entries never written
   * count from step −1).
   *
   * @param step the current step.
   * @param indices which entries (default all).
   */
  staleness(step: number, indices?: ArrayLike<number>): Int32Array {
    const rows = indices ? this.indexArray('staleness', indices, false) : null;
    const count = rows ? rows.length : this.size;
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = step - this.ages[rows ? rows[i] : i];
    return out;
  }

  /** A copy of the bank's state (for checkpoints). */
  getState(): MemoryBankState {
    return { size: this.size, dim: this.dim, vectors: this.vectorsVariable.dataSync() as Float32Array, ages: this.ages.slice() };
  }

  /** Restores a state from {@link MemoryBank.getState}; sizes must match. */
  setState(state: MemoryBankState): void {
    if (state.size !== this.size || state.dim !== this.dim || state.vectors.length !== this.size * this.dim || state.ages.length !== this.size) {
      throw new Error(`MemoryBank.setState: the state is a ${state.size}×${state.dim} bank (${state.vectors.length} values, ${state.ages.length} ages), this bank is ${this.size}×${this.dim}`);
    }
    tf.tidy(() => this.vectorsVariable.assign(tf.tensor2d(state.vectors, [this.size, this.dim])));
    this.ages.set(state.ages);
  }

  /** Its size as JSON, the vectors [n, D] and ages [n] as tensors, for a checkpoint. */
  saveCheckpoint(): CheckpointPart {
    const state = this.getState();
    return {
      json: { size: state.size, dim: state.dim },
      tensors: {
        vectors: { dtype: 'float32', shape: [state.size, state.dim], values: state.vectors }, // [n, D]
        ages: { dtype: 'int32', shape: [state.size], values: state.ages }, // [n]
      },
    };
  }

  /** Reports stored vectors that are not [n, D] or ages that are not [n] for this bank. */
  checkCheckpoint(stored: StoredPart): void {
    expectStoredShape(stored, stored.label, stored.tensor('vectors'), [this.size, this.dim]);
    expectStoredShape(stored, `${stored.label}'s ages tensor`, stored.tensor('ages'), [this.size]);
  }

  /** Restores the stored vectors and ages. */
  restoreCheckpoint(stored: StoredPart): void {
    this.setState({ size: this.size, dim: this.dim, vectors: stored.tensor('vectors')!.values as Float32Array, ages: stored.tensor('ages')!.values as Int32Array });
  }

  /** Frees the bank. */
  dispose(): void {
    this.vectorsVariable.dispose();
  }
}

/**
 * Noise indices for NCE: `numNegatives` draws per sample, uniform over [0, size) WITH replacement
 * (InstDisc's P_n = 1/n). The reference code does not exclude the positive (lemniscate#13);
 * pass `positives` to redraw it out (uniform over the other n − 1 samples).
 *
 * @param rng the stream to draw from (e.g. `rngFor('nce-noise')`).
 * @param batchSize number of samples in the batch.
 * @param numNegatives K, draws per sample.
 * @param size n, the number of bank entries.
 * @param positives each sample's own index [batchSize], to exclude (optional).
 * @returns row-major [batchSize, numNegatives] indices.
 */
export function sampleNoiseIndices(rng: Rng, batchSize: number, numNegatives: number, size: number, positives?: ArrayLike<number>): Int32Array {
  const fn = 'sampleNoiseIndices';
  if (!(rng instanceof Rng)) throw new Error(`${fn}: 'rng' must be an Rng (from rngFor), got ${typeof rng}`);
  for (const [what, value] of [['batchSize', batchSize], ['numNegatives', numNegatives], ['size', size]] as const) {
    requirePositiveInteger(fn, what, value);
  }
  if (positives !== undefined && positives.length !== batchSize) {
    throw new Error(`${fn}: 'positives' must have batchSize (${batchSize}) entries, got ${positives.length}`);
  }
  if (positives !== undefined && size < 2) throw new Error(`${fn}: excluding the positive needs 'size' ≥ 2, got ${size}`);
  const out = new Int32Array(batchSize * numNegatives);
  for (let b = 0; b < batchSize; b++) {
    const positive = positives ? positives[b] : -1;
    for (let k = 0; k < numNegatives; k++) {
      let index: number;
      if (positives) {
        index = rng.int(size - 1);
        if (index >= positive) index += 1; // skip the positive: uniform over the other n − 1
      } else {
        index = rng.int(size);
      }
      out[b * numNegatives + k] = index;
    }
  }
  return out;
}

/**
 * Noise indices for NCE shared by the whole batch: `numNegatives` draws, uniform over [0, size)
 * WITH replacement (InstDisc's P_n = 1/n), used by every sample of the batch — the layout that
 * lets `nceLoss` gather the K rows once and score them with one [batch, dim] × [dim, K] product.
 * Pass `exclude` (e.g. the batch's own indices) to redraw those out: the draws are then uniform
 * over the other rows, so no sample meets its own row, nor any other sample of the batch, as noise.
 *
 * @param rng the stream to draw from (e.g. `rngFor('nce-noise')`).
 * @param numNegatives K, the number of draws.
 * @param size n, the number of bank entries.
 * @param exclude rows never to draw (optional; fewer than `size` distinct rows).
 * @returns [numNegatives] indices.
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function sampleSharedNoiseIndices(rng: Rng, numNegatives: number, size: number, exclude?: ArrayLike<number>): Int32Array {
  const fn = 'sampleSharedNoiseIndices';
  if (!(rng instanceof Rng)) throw new Error(`${fn}: 'rng' must be an Rng (from rngFor), got ${typeof rng}`);
  for (const [what, value] of [['numNegatives', numNegatives], ['size', size]] as const) {
    requirePositiveInteger(fn, what, value);
  }
  const excluded = exclude === undefined ? null : new Set(Array.from(exclude));
  if (excluded && excluded.size >= size) throw new Error(`${fn}: 'exclude' must leave some of the ${size} rows to draw, got ${excluded.size} distinct rows`);
  const out = new Int32Array(numNegatives);
  for (let k = 0; k < numNegatives; k++) {
    let index = rng.int(size);
    if (excluded) while (excluded.has(index)) index = rng.int(size); // rejection: uniform over the rest
    out[k] = index;
  }
  return out;
}

/**
 * The paper's proximal regularisation (InstDisc Eq. 9): λ · mean_i ‖f_i − v_i‖², where v_i is the
 * bank entry of sample i from the previous visit (no gradient) and f_i its current embedding.
 * Its gradient 2λ(f_i − v_i) pulls each embedding towards its previous value, smoothing training
 * like the momentum update does.
 *
 * @param features current embeddings f [batch, D].
 * @param previous bank entries v [batch, D] (from `bank.gather(indices)` before the update).
 * @param lambda λ ≥ 0 (default 30; the kit's choice, not a value taken from the paper — tune it against
 *   the NCE loss scale).
 * @returns a scalar to add to the loss.
 */
export function proximalPenalty(features: tf.Tensor2D, previous: tf.Tensor2D, lambda = 30): tf.Scalar {
  if (!(features instanceof tf.Tensor) || !(previous instanceof tf.Tensor) || features.rank !== 2 || features.shape.join() !== previous.shape.join()) {
    throw new Error(`proximalPenalty: 'previous' must be [batch, dim] like 'features', got ${previous instanceof tf.Tensor ? `[${previous.shape}]` : typeof previous} and ${features instanceof tf.Tensor ? `[${features.shape}]` : typeof features}`);
  }
  if (!(lambda >= 0)) throw new Error(`proximalPenalty: 'lambda' must be ≥ 0, got ${lambda}`);
  return tf.tidy(() => tf.mul(tf.mean(tf.sum(tf.square(tf.sub(features, previous)), 1)), lambda) as tf.Scalar);
}

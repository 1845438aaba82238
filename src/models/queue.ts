/**
 * MoCo's queue dictionary (He et al. 2020, https://arxiv.org/abs/1911.05722, §3.2): a K×D ring
 * buffer of keys from the most recent K/batch steps, used as the negatives of InfoNCE.
 * It starts as K random unit vectors (as the reference code: the loss first rises while real keys
 * replace the noise) and the current keys are enqueued AFTER the loss, so a query's positive key is
 * never among its negatives. A queue is not a memory bank: it is indexed by time (FIFO), not by
 * sample.
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositiveInteger } from '../checks';
import { Checkpointable, CheckpointPart, expectStoredShape, StoredPart } from '../runtime/checkpointable';
import { Rng, rngFor } from '../runtime/random';

/** Random unit vectors [count, dim] drawn from `rng` (normal samples, normalised). */
export function randomUnitVectors(count: number, dim: number, rng: Rng): Float32Array {
  const values = rng.normalArray(count * dim);
  for (let row = 0; row < count; row++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += values[row * dim + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < dim; j++) values[row * dim + j] /= norm;
  }
  return values;
}

/**
 * Checks MoCo's size rules and throws an Error explaining a violation:
 * the batch must divide the queue (K % batch = 0, so a batch never wraps around the buffer) and
 * the queue must be smaller than the data set minus one batch (K ≤ n − batch, so within an epoch
 * the queue holds only keys of other samples; K ≥ n would make it hold stale keys of the very
 * images being queried).
 *
 * @param queueSize K.
 * @param batchSize the batch size.
 * @param datasetSize n, the number of training samples (optional).
 */
export function validateQueueSize(queueSize: number, batchSize: number, datasetSize?: number): void {
  requirePositiveInteger('MocoQueue', 'queueSize', queueSize);
  requirePositiveInteger('MocoQueue', 'batchSize', batchSize);
  if (queueSize % batchSize !== 0) {
    throw new Error(`MocoQueue: 'queueSize' (${queueSize}) must be a multiple of the batch size (${batchSize}) so a batch never wraps around the ring buffer; try ${Math.max(batchSize, Math.round(queueSize / batchSize) * batchSize)}`);
  }
  if (datasetSize !== undefined) {
    requirePositiveInteger('MocoQueue', 'datasetSize', datasetSize);
    if (queueSize > datasetSize - batchSize) {
      throw new Error(`MocoQueue: 'queueSize' (${queueSize}) must be at most the data set size minus one batch (${datasetSize} − ${batchSize} = ${datasetSize - batchSize}), otherwise the queue holds old keys of the images being queried as negatives`);
    }
  }
}

/** Options of {@link MocoQueue}. */
export interface MocoQueueOptions {
  /** K, the number of negatives (default 4096). */
  queueSize?: number;
  /** D, the key dimension. */
  dim: number;
  /** Batch size, checked against K at construction (optional; every enqueue checks too). */
  batchSize?: number;
  /** n, checked against K at construction (optional). */
  datasetSize?: number;
  /** The stream for the random initial keys (default `rngFor('moco-queue')`). */
  rng?: Rng;
}

/** A serialisable snapshot of a queue (for checkpoints). */
export interface MocoQueueState {
  queueSize: number;
  dim: number;
  /** Row the next key is written to. */
  pointer: number;
  /** Keys, row-major [K, D]. */
  keys: Float32Array;
  /** Data-set index of the sample whose key sits in each row (−1: random initial vector). */
  sampleIndices: Int32Array;
  /** Number of enqueue calls so far. */
  enqueued: number;
}

/** What a checkpoint stores of a queue besides its tensors (`keys`, `sampleIndices`). */
type StoredQueueLayout = Pick<MocoQueueState, 'queueSize' | 'dim' | 'pointer' | 'enqueued'>;

/** The MoCo queue. Checkpoints save and restore it ({@link Checkpointable}). */
export class MocoQueue implements Checkpointable {
  readonly queueSize: number;
  readonly dim: number;
  private keys: tf.Variable<tf.Rank.R2>;
  private pointerValue = 0;
  private enqueuedValue = 0;
  /** Data-set index of the sample whose key sits in each row (−1: random initial vector). */
  readonly sampleIndices: Int32Array;

  /** @param options see {@link MocoQueueOptions}. */
  constructor(options: MocoQueueOptions) {
    const queueSize = options.queueSize ?? 4096;
    const { dim } = options;
    requirePositiveInteger('MocoQueue', 'dim', dim);
    validateQueueSize(queueSize, options.batchSize ?? 1, options.batchSize !== undefined ? options.datasetSize : undefined);
    if (options.datasetSize !== undefined && options.batchSize === undefined && queueSize >= options.datasetSize) {
      throw new Error(`MocoQueue: 'queueSize' (${queueSize}) must be smaller than the data set size (${options.datasetSize})`);
    }
    this.queueSize = queueSize;
    this.dim = dim;
    const values = randomUnitVectors(queueSize, dim, options.rng ?? rngFor('moco-queue'));
    // The variable shares the initial tensor's data; tidy disposes the tensor itself (no leak).
    this.keys = tf.tidy(() => tf.variable(tf.tensor2d(values, [queueSize, dim]), false, undefined, 'float32')) as tf.Variable<tf.Rank.R2>;
    this.sampleIndices = new Int32Array(queueSize).fill(-1);
  }

  /** The negatives [K, D] (a view of the buffer: do not dispose; read before the next enqueue). */
  get negatives(): tf.Tensor2D {
    return this.keys;
  }

  /** Row the next key is written to. */
  get pointer(): number {
    return this.pointerValue;
  }

  /** Number of enqueue calls so far. */
  get enqueued(): number {
    return this.enqueuedValue;
  }

  /**
   * Replaces the oldest `batch` rows by `keys` (call AFTER the loss of the step).
   *
   * @param keys the step's keys [batch, D] (L2-normalised, no gradient).
   * @param sampleIndices data-set index of each key (optional; kept for diagnostics).
   */
  enqueue(keys: tf.Tensor2D, sampleIndices?: ArrayLike<number>): void {
    if (!(keys instanceof tf.Tensor) || keys.rank !== 2 || keys.shape[1] !== this.dim) {
      throw new Error(`MocoQueue.enqueue: 'keys' must be [batch, ${this.dim}], got ${keys instanceof tf.Tensor ? `[${keys.shape}]` : typeof keys}`);
    }
    const batch = keys.shape[0];
    validateQueueSize(this.queueSize, batch);
    if (sampleIndices !== undefined && sampleIndices.length !== batch) {
      throw new Error(`MocoQueue.enqueue: 'sampleIndices' must have ${batch} entries like 'keys', got ${sampleIndices.length}`);
    }
    const start = this.pointerValue;
    tf.tidy(() => {
      const rows = tf.range(start, start + batch, 1, 'int32').expandDims(1); // [batch, 1]
      this.keys.assign(tf.tensorScatterUpdate(this.keys, rows, keys) as tf.Tensor2D);
    });
    for (let i = 0; i < batch; i++) this.sampleIndices[start + i] = sampleIndices ? sampleIndices[i] : -1;
    this.pointerValue = (start + batch) % this.queueSize;
    this.enqueuedValue += 1;
  }

  /** A copy of the queue's state (for checkpoints). */
  getState(): MocoQueueState {
    return {
      queueSize: this.queueSize,
      dim: this.dim,
      pointer: this.pointerValue,
      keys: this.keys.dataSync() as Float32Array,
      sampleIndices: this.sampleIndices.slice(),
      enqueued: this.enqueuedValue,
    };
  }

  /** Restores a state from {@link MocoQueue.getState}; sizes must match. */
  setState(state: MocoQueueState): void {
    if (state.queueSize !== this.queueSize || state.dim !== this.dim) {
      throw new Error(`MocoQueue.setState: the state is a ${state.queueSize}×${state.dim} queue, this queue is ${this.queueSize}×${this.dim}`);
    }
    if (state.keys.length !== this.queueSize * this.dim || state.sampleIndices.length !== this.queueSize) {
      throw new Error(`MocoQueue.setState: 'keys' must hold ${this.queueSize * this.dim} values and 'sampleIndices' ${this.queueSize}, got ${state.keys.length} and ${state.sampleIndices.length}`);
    }
    tf.tidy(() => this.keys.assign(tf.tensor2d(state.keys, [this.queueSize, this.dim])));
    this.sampleIndices.set(state.sampleIndices);
    this.pointerValue = state.pointer;
    this.enqueuedValue = state.enqueued;
  }

  /** Its sizes, pointer and count as JSON, the keys [K, D] and sample indices [K] as tensors, for a checkpoint. */
  saveCheckpoint(): CheckpointPart {
    const state = this.getState();
    const layout: StoredQueueLayout = { queueSize: state.queueSize, dim: state.dim, pointer: state.pointer, enqueued: state.enqueued };
    return {
      json: layout,
      tensors: {
        keys: { dtype: 'float32', shape: [state.queueSize, state.dim], values: state.keys }, // [K, D]
        sampleIndices: { dtype: 'int32', shape: [state.queueSize], values: state.sampleIndices }, // [K]
      },
    };
  }

  /** Reports stored keys that are not [K, D] or sample indices that are not [K] for this queue. */
  checkCheckpoint(stored: StoredPart): void {
    expectStoredShape(stored, stored.label, stored.tensor('keys'), [this.queueSize, this.dim]);
    expectStoredShape(stored, `${stored.label}'s sampleIndices tensor`, stored.tensor('sampleIndices'), [this.queueSize]);
  }

  /** Restores the stored keys, sample indices, pointer and count. */
  restoreCheckpoint(stored: StoredPart): void {
    const layout = stored.json as StoredQueueLayout;
    this.setState({ ...layout, keys: stored.tensor('keys')!.values as Float32Array, sampleIndices: stored.tensor('sampleIndices')!.values as Int32Array });
  }

  /** Frees the buffer. */
  dispose(): void {
    this.keys.dispose();
  }
}

/**
 * The contract between a checkpoint and the stateful parts of a training run: the kit's PRNG, the
 * MoCo queue, the InstDisc memory bank, and (through adapters in src/train/checkpointables.ts)
 * tfjs models, optimizers and variables. A checkpoint (src/train/checkpoint.ts) knows where each
 * part's state goes in the file; the part knows what its state is and whether a stored one fits.
 *
 * Restoring has two phases, so a checkpoint that does not fit changes nothing: first every part
 * checks its stored state ({@link Checkpointable.checkCheckpoint}, which reports problems and
 * changes nothing), and only when no part reported one does each restore
 * ({@link Checkpointable.restoreCheckpoint}).
 *
 * @example
 * // A learned temperature with its own step counter, saved with `state.parts = { temperature }`.
 * const temperature: Checkpointable = {
 *   saveCheckpoint: () => ({ json: { steps }, tensors: { value: storedTensor(variable) } }),
 *   checkCheckpoint: (stored) => expectStoredShape(stored, stored.label, stored.tensor('value'), []),
 *   restoreCheckpoint: (stored) => {
 *     steps = (stored.json as { steps: number }).steps;
 *     tf.tidy(() => variable.assign(tensorFromStored(stored.tensor('value')!)));
 *   },
 * };
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** A tensor as a checkpoint stores it: dtype, shape and values (row-major). */
export interface StoredTensor {
  dtype: 'float32' | 'int32';
  shape: number[];
  values: Float32Array | Int32Array;
}

/** What a part gives a checkpoint to store. */
export interface CheckpointPart {
  /** JSON describing the part (sizes, positions, seeds); leave it out when the tensors say everything. */
  json?: unknown;
  /** The part's tensors by name; a part with a single tensor may name it `''`. */
  tensors?: Record<string, StoredTensor>;
}

/** A part's stored state, as a checkpoint hands it back to be checked and restored. */
export interface StoredPart {
  /** How messages name the part, e.g. `model 'encoder'`, `the queue`, `RNG 'data'`. */
  readonly label: string;
  /** The JSON the part stored (undefined when it stored none). */
  readonly json: unknown;
  /** The tensor the part stored under `name`; when the checkpoint lacks it, reports that and returns undefined. */
  tensor(name: string): StoredTensor | undefined;
  /** Reports a reason why the stored state does not fit the part (then nothing is restored). */
  problem(text: string): void;
}

/** Something whose state a checkpoint saves and restores. */
export interface Checkpointable {
  /** The state to store (a copy: later training must not change what was saved). */
  saveCheckpoint(): CheckpointPart | Promise<CheckpointPart>;
  /**
   * Checks that a stored state fits this part (sizes, shapes, seeds), reporting each misfit with
   * `stored.problem` (or by asking `stored.tensor` for a tensor the checkpoint lacks). Changes nothing.
   */
  checkCheckpoint(stored: StoredPart): void;
  /** Restores a stored state that {@link Checkpointable.checkCheckpoint} accepted. */
  restoreCheckpoint(stored: StoredPart): void | Promise<void>;
}

/** Whether `value` implements {@link Checkpointable}. */
export function isCheckpointable(value: unknown): value is Checkpointable {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<Record<keyof Checkpointable, unknown>>;
  return typeof candidate.saveCheckpoint === 'function' && typeof candidate.checkCheckpoint === 'function' && typeof candidate.restoreCheckpoint === 'function';
}

/**
 * A tensor's values as a checkpoint stores them.
 *
 * @param tensor a float32 or int32 tensor (read synchronously).
 * @throws naming `saveTrainingState` for another dtype.
 */
export function storedTensor(tensor: tf.Tensor): StoredTensor {
  if (tensor.dtype === 'int32') return { dtype: 'int32', shape: tensor.shape.slice(), values: tensor.dataSync() as Int32Array };
  if (tensor.dtype === 'float32') return { dtype: 'float32', shape: tensor.shape.slice(), values: tensor.dataSync() as Float32Array };
  throw new Error(`saveTrainingState: cannot store a ${tensor.dtype} tensor`);
}

/** A new tensor holding a stored tensor's values (the caller disposes it). */
export function tensorFromStored(stored: StoredTensor): tf.Tensor {
  return tf.tensor(stored.values, stored.shape, stored.dtype);
}

/**
 * Reports, through `stored`, a stored tensor whose shape is not `shape`:
 * "`what` is [3,4] in the checkpoint, [3,5] now". A missing tensor (undefined) was reported already.
 *
 * @param stored the part's stored state (where the problem goes).
 * @param what the tensor as the message names it, e.g. `the queue`, `model 'encoder' weight 0 (dense/kernel)`.
 * @param tensor the stored tensor, or undefined when the checkpoint lacks it.
 * @param shape the shape it must have now.
 */
export function expectStoredShape(stored: StoredPart, what: string, tensor: StoredTensor | undefined, shape: readonly (number | null)[]): void {
  if (tensor === undefined) return;
  const text = (dims: readonly (number | null)[]) => `[${dims.join(',')}]`;
  if (text(tensor.shape) !== text(shape)) stored.problem(`${what} is ${text(tensor.shape)} in the checkpoint, ${text(shape)} now`);
}

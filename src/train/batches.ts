/**
 * Index batches for training: one seeded permutation of the data set per epoch, cut into batches.
 * Instance-discrimination methods need the data-set index of every sample (memory-bank row,
 * queue diagnostics), so the loop's batch sources are built on indices.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import { Rng } from '../data/random';

/** Options of {@link shuffledIndexBatches}. */
export interface IndexBatchOptions {
  /** Drop the last, smaller batch (default true: MoCo's queue needs equal batches). */
  dropLast?: boolean;
  /** Shuffle (default true); false gives 0, 1, 2, … in order. */
  shuffle?: boolean;
}

/**
 * The batches of one epoch.
 *
 * @param size n, the number of samples.
 * @param batchSize samples per batch.
 * @param rng the stream for the permutation (draw a new one per epoch by calling again with the
 *   same stream, or `rng.fork('epoch-' + epoch)` for epoch-addressable order).
 * @param options see {@link IndexBatchOptions}.
 * @returns Int32Array batches of sample indices.
 */
export function shuffledIndexBatches(size: number, batchSize: number, rng: Rng, options: IndexBatchOptions = {}): Int32Array[] {
  const fn = 'shuffledIndexBatches';
  if (!Number.isInteger(size) || size <= 0) throw new Error(`${fn}: 'size' must be a positive integer, got ${size}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`${fn}: 'batchSize' must be a positive integer, got ${batchSize}`);
  const dropLast = options.dropLast ?? true;
  if (dropLast && batchSize > size) throw new Error(`${fn}: 'batchSize' (${batchSize}) is larger than the data set (${size}) and dropLast is on: no batch`);
  const order = options.shuffle === false ? Int32Array.from({ length: size }, (_, i) => i) : rng.permutation(size);
  const batches: Int32Array[] = [];
  for (let start = 0; start < size; start += batchSize) {
    const end = Math.min(size, start + batchSize);
    if (dropLast && end - start < batchSize) break;
    batches.push(order.slice(start, end));
  }
  return batches;
}

/**
 * An epoch-addressable batch source: epoch e always gives the same batches for the same rng seed,
 * whatever ran before (so a run resumed from a checkpoint at epoch e sees the same data order).
 *
 * @param size n.
 * @param batchSize samples per batch.
 * @param rng the parent stream; epoch e uses `rng.fork('epoch-' + e)`.
 * @param options see {@link IndexBatchOptions}.
 * @returns a function epoch → batches of indices.
 */
export function epochIndexBatches(size: number, batchSize: number, rng: Rng, options: IndexBatchOptions = {}): (epoch: number) => Int32Array[] {
  shuffledIndexBatches(size, batchSize, rng.fork('check'), options); // validate up front
  return (epoch) => shuffledIndexBatches(size, batchSize, rng.fork(`epoch-${epoch}`), options);
}

/**
 * Two-view batches for MoCo (and any two-crop method): each batch of an epoch's instance order
 * comes with two independently augmented views — the query and the key.
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { AugmentationConfig, AugmentationPresetName, augmentationConfig, twoViews } from './augment';
import { instanceBatches, InstanceOptions } from './batches';
import { ImageSplit, imagesTensor } from './fashion-mnist';
import { Rng, rngFor } from '../runtime/random';

/** One two-view batch. The caller owns (and disposes) `query` and `key`. */
export interface TwoViewBatch {
  /** `[batch]` dataset indices; over an epoch every index exactly once. */
  indices: Int32Array;
  /** `[batch]` labels, for monitoring only (kNN accuracy); the self-supervised loss never sees them. */
  labels: Int32Array;
  /** First view, `[batch, 28, 28, 1]` (or `[batch, 784]` with layout 'flat'), float32 in [0, 1]. */
  query: tf.Tensor;
  /** Second view, same shape. */
  key: tf.Tensor;
}

/** Options of {@link twoViewBatches}. */
export interface TwoViewOptions extends InstanceOptions {
  /** Augmentation preset or config (default `'mocoV2'`). */
  preset?: AugmentationPresetName | AugmentationConfig;
  /** `'nhwc'` (default) → `[batch, 28, 28, 1]`; `'flat'` → `[batch, 784]`. */
  layout?: 'nhwc' | 'flat';
}

/**
 * One epoch of two-view batches, made lazily (tensors are created as the loop asks for them).
 * Deterministic per seed and epoch: the order comes from `rng.fork('order')` and the views from
 * `rng.fork('views')`, both forked by epoch.
 *
 * @param split images and labels, e.g. `data.train` from `loadFashionMnist()`.
 * @param options batch size (use `dropLast: true` for MoCo's queue), preset, layout, epoch, rng
 *   (default `rngFor('batches/twoViewBatches')`).
 * @returns a generator of batches; dispose `query` and `key` of each batch after use.
 * @see notebooks/05-moco.ipynb
 */
export function* twoViewBatches(split: ImageSplit, options: TwoViewOptions): Generator<TwoViewBatch, void, undefined> {
  const rng = options.rng ?? rngFor('batches/twoViewBatches');
  const epoch = options.epoch ?? 0;
  const config = augmentationConfig(options.preset ?? 'mocoV2');
  const layout = options.layout ?? 'nhwc';
  const batches = instanceBatches(split.count, { ...options, rng: rng.fork('order'), epoch });
  const viewRng: Rng = rng.fork('views').fork(`epoch ${epoch}`);
  for (const { indices } of batches) {
    const labels = Int32Array.from(indices, (index) => split.labels[index]);
    const [query, key] = tf.tidy(() => twoViews(imagesTensor(split, indices, layout), config, viewRng));
    yield { indices, labels, query, key };
  }
}

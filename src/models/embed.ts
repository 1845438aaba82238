/**
 * Embedding a whole image split with a trained encoder, in chunks (bounded memory, no gradients):
 * what every notebook does before evaluating, plotting UMAP or writing results.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositiveInteger } from '../checks';
import { ImageSplit, imagesTensor } from '../data/fashion-mnist';
import { l2Normalize } from './normalize';

/** Options of {@link embedSplit}. */
export interface EmbedSplitOptions {
  /** Input layout the encoder takes: `'nhwc'` [n, 28, 28, 1] (CNN) or `'flat'` [n, 784] (MLP). Default `'nhwc'`. */
  layout?: 'nhwc' | 'flat';
  /** Images per forward pass (default 1000). */
  chunkSize?: number;
  /** L2-normalise the embeddings (default true: the kit's losses and kNN compare unit vectors). */
  normalize?: boolean;
  /** Which images (default: all), in this order. */
  indices?: ArrayLike<number>;
}

/**
 * The embeddings of a split's images under `encoder` (inference mode).
 *
 * @param encoder a model mapping [batch, ...] → [batch, dim].
 * @param split a split from `loadFashionMnist` (or `takeFromSplit`).
 * @param options layout, chunkSize, normalize, indices.
 * @returns the embeddings [n, dim]; the caller disposes them.
 * @example
 * const trainEmbeddings = embedSplit(encoder, data.train); // [60000, 128], unit rows
 */
export function embedSplit(encoder: tf.LayersModel, split: ImageSplit, options: EmbedSplitOptions = {}): tf.Tensor2D {
  const fn = 'embedSplit';
  if (!encoder || typeof (encoder as tf.LayersModel).apply !== 'function') throw new Error(`${fn}: 'encoder' must be a tf.LayersModel`);
  if (!split || !(split.images instanceof Uint8Array)) throw new Error(`${fn}: 'split' must be an ImageSplit from loadFashionMnist`);
  const layout = options.layout ?? 'nhwc';
  if (layout !== 'nhwc' && layout !== 'flat') throw new Error(`${fn}: 'layout' must be 'nhwc' or 'flat', got '${String(layout)}'`);
  const chunkSize = options.chunkSize ?? 1000;
  requirePositiveInteger(fn, 'chunkSize', chunkSize);
  const indices = options.indices ?? Int32Array.from({ length: split.count }, (_, i) => i);
  if (indices.length === 0) throw new Error(`${fn}: 'indices' must select at least one image`);
  const normalize = options.normalize ?? true;
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < indices.length; start += chunkSize) {
      const chosen = Array.prototype.slice.call(indices, start, Math.min(start + chunkSize, indices.length)) as number[];
      parts.push(
        tf.tidy(() => {
          const output = encoder.apply(imagesTensor(split, chosen, layout), { training: false }) as tf.Tensor;
          if (output.rank !== 2) throw new Error(`${fn}: the encoder must output [batch, dim], got [${output.shape}]`);
          return normalize ? l2Normalize(output as tf.Tensor2D) : (output as tf.Tensor2D);
        }),
      );
    }
    return parts.length === 1 ? parts.pop()! : (tf.concat(parts, 0) as tf.Tensor2D);
  } finally {
    tf.dispose(parts);
  }
}

/**
 * Embeds a train and a test split with `encoder`, hands both to `use`, and disposes them when it
 * settles (also when it throws): the shape of every "evaluate a frozen encoder" helper.
 *
 * @param encoder a model mapping [batch, ...] → [batch, dim].
 * @param train the reference split.
 * @param test the query split.
 * @param options layout and normalize, as in {@link embedSplit}.
 * @param use receives the train [numTrain, dim] and test [numTest, dim] embeddings.
 * @returns what `use` returns.
 */
export async function withSplitEmbeddings<T>(
  encoder: tf.LayersModel,
  train: ImageSplit,
  test: ImageSplit,
  options: Pick<EmbedSplitOptions, 'layout' | 'normalize'>,
  use: (trainEmbeddings: tf.Tensor2D, testEmbeddings: tf.Tensor2D) => Promise<T>,
): Promise<T> {
  const trainEmbeddings = embedSplit(encoder, train, options); // [numTrain, dim]
  try {
    const testEmbeddings = embedSplit(encoder, test, options); // [numTest, dim]
    try {
      return await use(trainEmbeddings, testEmbeddings);
    } finally {
      testEmbeddings.dispose();
    }
  } finally {
    trainEmbeddings.dispose();
  }
}

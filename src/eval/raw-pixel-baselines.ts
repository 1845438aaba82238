/**
 * The floor every learned embedding must beat: 1-NN and weighted kNN on raw pixels (in [0, 1],
 * flattened to 784-d), computed with the same search and classifier as the learned embeddings
 * ({@link evaluateEmbeddings}), so "learned vs raw pixels" compares like with like.
 *
 * On the full Fashion-MNIST (test 10 000 vs train 60 000) the cosine 1-NN is 85.76 % and the
 * weighted kNN (k = 200, σ = 0.1) 78.85 % (numpy, shared/NOTES.md; `scripts/raw-pixel-baselines.ts`
 * recomputes them). The kNN-200 is WORSE than 1-NN here: raw cosine similarities are all close
 * to 1, so exp(s/0.1) barely tells near from far — σ only makes sense for a trained embedding.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/fashion-mnist';
import { imagesTensor } from '../data/fashion-mnist';
import { EmbeddingEvaluation, EvaluateEmbeddingsOptions, evaluateEmbeddings } from './evaluate';

/** The two splits to compare (e.g. `loadFashionMnist()` or stratified subsets of it). */
export interface RawPixelData {
  /** The references. */
  train: ImageSplit;
  /** The queries. */
  test: ImageSplit;
}

function checkSplit(split: unknown, name: string): ImageSplit {
  const s = split as ImageSplit;
  if (
    s === null ||
    typeof s !== 'object' ||
    !(s.images instanceof Uint8Array) ||
    !(s.labels instanceof Uint8Array) ||
    s.count === 0 ||
    s.labels.length !== s.count ||
    s.images.length !== s.count * s.height * s.width
  ) {
    throw new Error(`rawPixelBaselines: 'data.${name}' must be a non-empty image split ({ images, labels, count, height, width }, e.g. loadFashionMnist().${name})`);
  }
  return s;
}

/**
 * Raw-pixel baselines of `data.test` against `data.train`: cosine 1-NN top-1 and weighted kNN
 * top-1/top-5 (k from `defaultKnnNeighbours`: 200 on full data; σ = 0.1; unless `options` say otherwise).
 *
 * @param data `{ train, test }` image splits (uint8 pixels; used as floats in [0, 1]).
 * @param options as {@link evaluateEmbeddings} (`k`, `temperature`, `metric` — `'euclidean'` gives
 *   the L2 1-NN —, `chunkSize`, `onProgress`).
 * @returns `{ knnTop1, knnTop5, oneNNTop1, k, temperature, numTrain, numTest, seconds }`, accuracies in [0, 1].
 * @example
 * const raw = await rawPixelBaselines(loadFashionMnist());
 * console.log(`raw pixels: 1-NN ${(100 * raw.oneNNTop1).toFixed(2)} %`);
 */
export async function rawPixelBaselines(data: RawPixelData, options: EvaluateEmbeddingsOptions = {}): Promise<EmbeddingEvaluation> {
  if (data === null || typeof data !== 'object') throw new Error("rawPixelBaselines: 'data' must be { train, test } image splits");
  const train = checkSplit(data.train, 'train');
  const test = checkSplit(data.test, 'test');
  if (train.height * train.width !== test.height * test.width) {
    throw new Error(`rawPixelBaselines: 'data.test' images are ${test.height}×${test.width} but 'data.train' images are ${train.height}×${train.width}`);
  }
  const trainPixels = imagesTensor(train, undefined, 'flat') as tf.Tensor2D; // [numTrain, 784]
  const testPixels = imagesTensor(test, undefined, 'flat') as tf.Tensor2D; // [numTest, 784]
  try {
    return await evaluateEmbeddings({ embeddings: trainPixels, labels: train.labels }, { embeddings: testPixels, labels: test.labels }, options);
  } finally {
    tf.dispose([trainPixels, testPixels]);
  }
}

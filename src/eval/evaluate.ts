/**
 * The kit's headline evaluation, shared by every notebook and its results file: weighted kNN
 * (k = 200, σ = 0.1, InstDisc/MoCo protocol; k scaled down for small train sets, see
 * {@link defaultKnnNeighbours}) top-1/top-5 and 1-NN top-1 of test embeddings against train
 * embeddings, all from ONE exact cosine search.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { requireInteger, requirePositiveFinite } from '../checks';
import { checkTrainTest, LabelledEmbeddings, numClassesOf } from './inputs';
import { nearestNeighborAccuracy, weightedKnnAccuracy } from './knn-classify';
import { KnnMetric, knnSearch } from './knn-search';

/** The protocol's k (InstDisc `test.py`, the MoCo kNN monitor): 200 neighbours vote. */
export const PROTOCOL_KNN_NEIGHBOURS = 200;

/**
 * The weighted kNN's default k for a train set: {@link PROTOCOL_KNN_NEIGHBOURS}, but never more than
 * a third of the smallest class, so that the vote stays among a class's nearest members. Full
 * Fashion-MNIST (6 000 per class) and the mini subset (600 per class): 200; fast mode's 256 per
 * class: 85, 200 per class: 66. With k = 200 and about 200 images per class, the whole class and
 * then other classes vote, and weighted kNN falls well below 1-NN.
 *
 * @param trainLabels class of each train (reference) embedding. // [numTrain]
 * @returns k, an integer in [1, 200].
 * @example
 * defaultKnnNeighbours(data.train.labels); // 200 on the full training set
 */
export function defaultKnnNeighbours(trainLabels: ArrayLike<number>): number {
  const fn = 'defaultKnnNeighbours';
  if (trainLabels === null || typeof trainLabels !== 'object' || typeof trainLabels.length !== 'number' || trainLabels.length === 0) {
    throw new Error(`${fn}: 'trainLabels' must be a non-empty array of class indices`);
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < trainLabels.length; i++) {
    const label = trainLabels[i];
    if (!Number.isInteger(label) || label < 0) throw new Error(`${fn}: 'trainLabels'[${i}] must be a class index (integer ≥ 0), got ${label}`);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const smallestClass = Math.min(...counts.values());
  return Math.max(1, Math.min(PROTOCOL_KNN_NEIGHBOURS, Math.floor(smallestClass / 3)));
}

/** Options of {@link evaluateEmbeddings}. */
export interface EvaluateEmbeddingsOptions {
  /**
   * Neighbours that vote in the weighted kNN (default {@link defaultKnnNeighbours} of the train
   * labels: 200 on full Fashion-MNIST; clamped to the train size).
   */
  k?: number;
  /** σ of the weights exp(s/σ) (default 0.1). */
  temperature?: number;
  /** Similarity (default `'cosine'`, which L2-normalises inside; see {@link KnnMetric}). */
  metric?: KnnMetric;
  /** Query rows per matmul (see {@link knnSearch}). */
  chunkSize?: number;
  /** Progress callback (queries done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** The headline numbers, accuracies in [0, 1]. */
export interface EmbeddingEvaluation {
  /** Weighted kNN top-1 (k, σ below). The results files' `knnTop1`. */
  knnTop1: number;
  /** Weighted kNN top-5. */
  knnTop5: number;
  /** 1-NN top-1. The results files' `oneNNTop1`. */
  oneNNTop1: number;
  /** Neighbours that voted (the requested or default k, clamped to the train size). */
  k: number;
  /** σ used. */
  temperature: number;
  /** Train (reference) and test (query) sizes. */
  numTrain: number;
  numTest: number;
  /** Wall time of the evaluation, seconds. */
  seconds: number;
}

/**
 * Weighted kNN top-1/top-5 and 1-NN top-1 of `test` against `train`.
 *
 * @param train labelled reference embeddings. // embeddings [numTrain, dim], labels [numTrain]
 * @param test labelled query embeddings. // embeddings [numTest, dim], labels [numTest]
 * @param options `k` (200 on full data, see {@link defaultKnnNeighbours}), `temperature` σ (0.1), `metric` ('cosine', normalising inside), `chunkSize`, `onProgress`.
 * @returns `{ knnTop1, knnTop5, oneNNTop1, ... }` in [0, 1].
 * @example
 * const { knnTop1, oneNNTop1 } = await evaluateEmbeddings(
 *   { embeddings: trainEmbeddings, labels: trainLabels },
 *   { embeddings: testEmbeddings, labels: testLabels },
 * );
 */
export async function evaluateEmbeddings(
  train: LabelledEmbeddings,
  test: LabelledEmbeddings,
  options: EvaluateEmbeddingsOptions = {},
): Promise<EmbeddingEvaluation> {
  const fn = 'evaluateEmbeddings';
  const started = Date.now();
  const { trainEmbeddings, testEmbeddings, trainLabels, testLabels } = checkTrainTest(train, test, fn);
  const k = requireInteger(fn, 'k', options.k ?? defaultKnnNeighbours(trainLabels), 1);
  const temperature = requirePositiveFinite(fn, 'temperature', options.temperature ?? 0.1);
  const neighbors = await knnSearch(testEmbeddings, trainEmbeddings, {
    k,
    metric: options.metric,
    chunkSize: options.chunkSize,
    onProgress: options.onProgress,
  });
  const numClasses = numClassesOf(trainLabels, testLabels);
  const knn = weightedKnnAccuracy(neighbors, trainLabels, testLabels, { temperature, numClasses });
  return {
    knnTop1: knn.top1,
    knnTop5: knn.top5,
    oneNNTop1: nearestNeighborAccuracy(neighbors, trainLabels, testLabels),
    k: neighbors.k,
    temperature,
    numTrain: trainEmbeddings.shape[0],
    numTest: testEmbeddings.shape[0],
    seconds: (Date.now() - started) / 1000,
  };
}

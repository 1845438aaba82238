/**
 * The kit's headline evaluation of an encoder: embed the train and test images with the frozen
 * encoder (in chunks, inference mode), then {@link evaluateEmbeddings} — weighted kNN top-1/top-5
 * (k = 200 on full data, scaled for small train sets; σ = 0.1) and 1-NN top-1 of the test images against the train images. What notebooks
 * 01–03 report for every trained (and untrained) encoder.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { optionsObject, requireBoolean, requireOneOf } from '../checks';
import type { ImageSplit } from '../data/fashion-mnist';
import { embedSplit, withSplitEmbeddings } from '../models/embed';
import { evaluateEmbeddings, type EmbeddingEvaluation, type EvaluateEmbeddingsOptions } from './evaluate';

/** Options of {@link evaluateEncoder}: how the images enter the encoder, plus the evaluation's options. */
export interface EvaluateEncoderOptions extends EvaluateEmbeddingsOptions {
  /** Input layout the encoder takes: `'nhwc'` [n, 28, 28, 1] (CNN, the default) or `'flat'` [n, 784] (MLP). */
  layout?: 'nhwc' | 'flat';
  /**
   * L2-normalise the embeddings before the search (default true, as {@link embedSplit}). The
   * cosine metric normalises inside anyway; give `false` with `metric: 'euclidean'` to compare
   * the raw outputs (e.g. an unnormalised 2-D map).
   */
  normalize?: boolean;
}

/**
 * Weighted kNN top-1/top-5 and 1-NN top-1 of `encoder`'s embeddings of `test` against those of
 * `train`. The encoder is not changed; the embeddings are disposed before it returns.
 *
 * @param encoder a model mapping images [batch, ...] → embeddings [batch, dim].
 * @param train the reference split (e.g. the training images).
 * @param test the query split (e.g. the test images).
 * @param options `layout` ('nhwc'), `normalize` (true) and {@link EvaluateEmbeddingsOptions}
 *   (`k` 200 on full data — see `defaultKnnNeighbours` —, `temperature` 0.1, `metric` 'cosine', …).
 * @returns `{ knnTop1, knnTop5, oneNNTop1, ... }` in [0, 1].
 * @example
 * const evaluation = await evaluateEncoder(encoder, trainSplit, testSplit, { layout: 'flat' });
 * console.log(`weighted kNN top-1 ${pct(evaluation.knnTop1)}, 1-NN ${pct(evaluation.oneNNTop1)}`);
 */
export async function evaluateEncoder(
  encoder: Parameters<typeof embedSplit>[0],
  train: ImageSplit,
  test: ImageSplit,
  options: EvaluateEncoderOptions = {},
): Promise<EmbeddingEvaluation> {
  return evaluateSplits('evaluateEncoder', encoder, train, test, options);
}

/** {@link evaluateEncoder}'s work, with errors that name `fn`. */
async function evaluateSplits(
  fn: string,
  encoder: Parameters<typeof embedSplit>[0],
  train: ImageSplit,
  test: ImageSplit,
  options: EvaluateEncoderOptions,
): Promise<EmbeddingEvaluation> {
  if (!encoder || typeof encoder.apply !== 'function') throw new Error(`${fn}: 'encoder' must be a tf.LayersModel`);
  if (!train || !(train.images instanceof Uint8Array)) throw new Error(`${fn}: 'train' must be an ImageSplit from loadFashionMnist`);
  if (!test || !(test.images instanceof Uint8Array)) throw new Error(`${fn}: 'test' must be an ImageSplit from loadFashionMnist`);
  const { layout, normalize, ...evaluateOptions } = optionsObject(fn, options);
  if (layout !== undefined) requireOneOf(fn, 'layout', layout, ['nhwc', 'flat']);
  if (normalize !== undefined) requireBoolean(fn, 'normalize', normalize);
  return withSplitEmbeddings(encoder, train, test, { layout, normalize }, (trainEmbeddings, testEmbeddings) =>
    evaluateEmbeddings({ embeddings: trainEmbeddings, labels: train.labels }, { embeddings: testEmbeddings, labels: test.labels }, evaluateOptions),
  );
}

/**
 * The two headline accuracies of {@link knnAccuracies}, fractions in [0, 1]. A type, not an
 * interface, so that it is a `Record<string, number>` (what `loadOrTrain`'s `evaluate` and a
 * training monitor return).
 */
export type KnnAccuracies = {
  /** Weighted kNN top-1 (k from `defaultKnnNeighbours`: 200 on full data; σ = 0.1). */
  knnTop1: number;
  /** 1-NN top-1. */
  oneNNTop1: number;
};

/**
 * Weighted kNN top-1 and 1-NN top-1 of `encoder`'s test embeddings against its train embeddings
 * ({@link evaluateEncoder}), and nothing else: the two numbers a notebook's results rows, a
 * training monitor (its progress line prints every value it returns) and a checkpoint's manifest
 * entry record for an encoder.
 *
 * @param encoder a model mapping images [batch, ...] → embeddings [batch, dim].
 * @param train the reference split.
 * @param test the query split.
 * @param options as {@link evaluateEncoder}.
 * @returns `{ knnTop1, oneNNTop1 }` in [0, 1].
 * @example
 * const untrained = await knnAccuracies(createCnnEncoder(), trainSplit, testSplit);
 * console.log(`untrained CNN: weighted kNN ${pct(untrained.knnTop1)}`);
 * @see notebooks/04-instance-discrimination.ipynb
 * @see notebooks/05-moco.ipynb
 */
export async function knnAccuracies(
  encoder: Parameters<typeof embedSplit>[0],
  train: ImageSplit,
  test: ImageSplit,
  options: EvaluateEncoderOptions = {},
): Promise<KnnAccuracies> {
  const { knnTop1, oneNNTop1 } = await evaluateSplits('knnAccuracies', encoder, train, test, options);
  return { knnTop1, oneNNTop1 };
}

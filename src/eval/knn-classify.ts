/**
 * Weighted kNN classification — the InstDisc / MoCo evaluation protocol (Wu et al. 2018,
 * https://arxiv.org/abs/1805.01978, `test.py` `kNN(..., K=200, sigma)`; the MoCo CIFAR Colab
 * `knn_predict(k=200, t=0.1)`): the k nearest training embeddings of a test embedding vote for
 * their class with weight exp(s/σ), s their cosine similarity; the class score is the sum of the
 * weights of the neighbours with that class; top-1 / top-5 rank the classes by score.
 * 1-NN is the special case k = 1.
 *
 * Ranking rule (documented because the references leave it to `argsort`): classes are ranked by
 * score, ties by the lower class index; a class with no neighbour has score 0 and ranks after
 * every class that has one.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/04-instance-discrimination.ipynb
 */
import type { KnnResult } from './knn-search';
import { requireInteger, requirePositiveFinite } from '../checks';
import { Labels, numClassesOf, toLabelArray } from './inputs';

/** Options of the weighted kNN classifier. */
export interface WeightedKnnOptions {
  /** Neighbours that vote: the first k of the search result (default: all of them, `neighbors.k`). */
  k?: number;
  /** σ in the weight exp(s/σ) (default 0.1, the InstDisc/MoCo value). */
  temperature?: number;
  /** Number of classes (default: one more than the largest label seen). */
  numClasses?: number;
}

/** Top-1 and top-5 accuracy, both in [0, 1]. */
export interface TopKAccuracy {
  /** Fraction of queries whose best-scored class is their label. */
  top1: number;
  /** Fraction of queries whose label is among the 5 best-scored classes. */
  top5: number;
}

function checkNeighbors(neighbors: KnnResult, fn: string): void {
  if (
    neighbors === null ||
    typeof neighbors !== 'object' ||
    !(neighbors.indices instanceof Int32Array) ||
    !(neighbors.similarities instanceof Float32Array) ||
    neighbors.indices.length !== neighbors.numQueries * neighbors.k
  ) {
    throw new Error(`${fn}: 'neighbors' must be a result of knnSearch ({ numQueries, k, indices, similarities })`);
  }
}

/**
 * The weighted kNN class scores of every query, as LOG scores: log Σ_{j ∈ kNN, c_j = c} exp(s_j/σ)
 * (a log-sum-exp, so small σ neither overflows nor underflows; the ranking is that of the plain
 * sums). Classes without a neighbour get −Infinity (a plain score of 0).
 *
 * @param neighbors a {@link knnSearch} result (queries vs the labelled references).
 * @param referenceLabels the class of each reference row. // [numReferences]
 * @param options `k` (first k neighbours vote), `temperature` σ (default 0.1), `numClasses`.
 * @returns the log scores, row-major, and the number of classes. // [numQueries * numClasses]
 */
export function weightedKnnLogScores(
  neighbors: KnnResult,
  referenceLabels: Labels,
  options: WeightedKnnOptions = {},
  fn = 'weightedKnnLogScores',
): { logScores: Float64Array; numClasses: number; k: number } {
  checkNeighbors(neighbors, fn);
  const labels = toLabelArray(referenceLabels, fn, 'referenceLabels');
  const temperature = requirePositiveFinite(fn, 'temperature', options.temperature ?? 0.1);
  const k = options.k === undefined ? neighbors.k : requireInteger(fn, 'k', options.k, 1);
  if (k > neighbors.k) {
    throw new Error(`${fn}: 'k' (${k}) must be ≤ the neighbours searched (${neighbors.k}); search with a larger k`);
  }
  const numClasses = options.numClasses === undefined ? numClassesOf(labels) : requireInteger(fn, 'numClasses', options.numClasses, 1);
  const { numQueries, indices, similarities } = neighbors;
  const logScores = new Float64Array(numQueries * numClasses).fill(-Infinity);
  const classMax = new Float64Array(numClasses);
  const classSum = new Float64Array(numClasses);
  for (let q = 0; q < numQueries; q++) {
    classMax.fill(-Infinity);
    classSum.fill(0);
    const row = q * neighbors.k;
    for (let j = row; j < row + k; j++) {
      const index = indices[j];
      if (index >= labels.length) throw new Error(`${fn}: 'referenceLabels' has ${labels.length} labels but a neighbour index is ${index}`);
      const c = labels[index];
      if (c >= numClasses) throw new Error(`${fn}: label ${c} is ≥ 'numClasses' (${numClasses})`);
      const logit = similarities[j] / temperature;
      if (logit > classMax[c]) {
        classSum[c] = classSum[c] * Math.exp(classMax[c] - logit) + 1; // rescale the running sum
        classMax[c] = logit;
      } else {
        classSum[c] += Math.exp(logit - classMax[c]);
      }
    }
    for (let c = 0; c < numClasses; c++) {
      if (classSum[c] > 0) logScores[q * numClasses + c] = classMax[c] + Math.log(classSum[c]);
    }
  }
  return { logScores, numClasses, k };
}

/**
 * The classes of every query ranked by score (best first), ties by lower class index.
 *
 * @param scores row-major scores (e.g. `weightedKnnLogScores(...).logScores`). // [numQueries * numClasses]
 * @param numClasses classes per row.
 * @param topK how many ranked classes to keep per row.
 * @returns the ranked class ids. // [numQueries * topK]
 */
export function rankClasses(scores: ArrayLike<number>, numClasses: number, topK: number): Int32Array {
  requireInteger('rankClasses', 'numClasses', numClasses, 1);
  requireInteger('rankClasses', 'topK', topK, 1, numClasses);
  const numQueries = scores.length / numClasses;
  if (!Number.isInteger(numQueries)) throw new Error(`rankClasses: 'scores' length ${scores.length} is not a multiple of numClasses = ${numClasses}`);
  const out = new Int32Array(numQueries * topK);
  const order = Array.from({ length: numClasses }, (_, c) => c);
  for (let q = 0; q < numQueries; q++) {
    const base = q * numClasses;
    // −Infinity − −Infinity is NaN, and NaN || a − b orders those by index too.
    order.sort((a, b) => scores[base + b] - scores[base + a] || a - b);
    for (let r = 0; r < topK; r++) out[q * topK + r] = order[r];
  }
  return out;
}

/**
 * Top-1 and top-5 accuracy of the weighted kNN classifier (InstDisc/MoCo protocol).
 *
 * @param neighbors {@link knnSearch} result of the queries (test set) vs the references (train set).
 * @param referenceLabels classes of the references. // [numReferences]
 * @param queryLabels true classes of the queries. // [numQueries]
 * @param options `k` (default all searched), `temperature` σ (default 0.1), `numClasses`.
 * @returns top-1 and top-5 accuracy in [0, 1] (top-5 is 1 when there are ≤ 5 classes).
 * @example
 * const neighbors = await knnSearch(testEmbeddings, trainEmbeddings, { k: 200 });
 * const { top1 } = weightedKnnAccuracy(neighbors, trainLabels, testLabels, { temperature: 0.1 });
 */
export function weightedKnnAccuracy(
  neighbors: KnnResult,
  referenceLabels: Labels,
  queryLabels: Labels,
  options: WeightedKnnOptions = {},
): TopKAccuracy {
  const fn = 'weightedKnnAccuracy';
  checkNeighbors(neighbors, fn);
  const truth = toLabelArray(queryLabels, fn, 'queryLabels', neighbors.numQueries);
  const references = toLabelArray(referenceLabels, fn, 'referenceLabels');
  const numClasses = options.numClasses ?? numClassesOf(references, truth);
  const { logScores } = weightedKnnLogScores(neighbors, references, { ...options, numClasses }, fn);
  let top1 = 0;
  let top5 = 0;
  for (let q = 0; q < neighbors.numQueries; q++) {
    const base = q * numClasses;
    const own = logScores[base + truth[q]];
    // Rank of the true class: classes scored higher, plus equal-scored ones with a lower index.
    let rank = 0;
    for (let c = 0; c < numClasses; c++) {
      const other = logScores[base + c];
      if (other > own || (other === own && c < truth[q])) rank++;
    }
    if (rank === 0) top1++;
    if (rank < 5) top5++;
  }
  return { top1: top1 / neighbors.numQueries, top5: top5 / neighbors.numQueries };
}

/**
 * 1-NN accuracy: the fraction of queries whose nearest reference has the query's class.
 *
 * @param neighbors {@link knnSearch} result (only the first neighbour of each query is used).
 * @param referenceLabels classes of the references. // [numReferences]
 * @param queryLabels true classes of the queries. // [numQueries]
 * @returns accuracy in [0, 1].
 */
export function nearestNeighborAccuracy(neighbors: KnnResult, referenceLabels: Labels, queryLabels: Labels): number {
  const fn = 'nearestNeighborAccuracy';
  checkNeighbors(neighbors, fn);
  const truth = toLabelArray(queryLabels, fn, 'queryLabels', neighbors.numQueries);
  const references = toLabelArray(referenceLabels, fn, 'referenceLabels');
  let correct = 0;
  for (let q = 0; q < neighbors.numQueries; q++) {
    const nearest = neighbors.indices[q * neighbors.k];
    if (nearest >= references.length) throw new Error(`${fn}: 'referenceLabels' has ${references.length} labels but a neighbour index is ${nearest}`);
    if (references[nearest] === truth[q]) correct++;
  }
  return correct / neighbors.numQueries;
}

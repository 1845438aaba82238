/**
 * Retrieval metrics of metric learning, on exact neighbours from {@link knnSearch}:
 *
 * - **Recall@K** (the deep-metric-learning definition, e.g. Song et al. 2016, TF-Similarity
 *   `RecallAtK`): the fraction of queries with at least one same-class reference among their K
 *   nearest.
 * - **MAP@R** (Musgrave, Belongie, Lim 2020, "A Metric Learning Reality Check",
 *   https://arxiv.org/abs/2003.08505): for a query with R same-class references,
 *   AP@R = (1/R) Σ_{i=1}^{R} P(i)·rel(i), with rel(i) = 1 when the i-th neighbour has the query's
 *   class and P(i) the precision of the first i neighbours; MAP@R is its mean over queries.
 *   Queries whose class has no other reference ("lone" labels, R = 0) are left out and counted.
 *
 * With `excludeSelf` (queries = references, leave-one-out) a query is not its own neighbour and
 * R does not count it.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireInteger, requireMatrix } from '../checks';
import { Labels, toLabelArray } from './inputs';
import { forEachKnnChunk, KnnMetric, KnnResult } from './knn-search';

/**
 * Recall@K for each K in `ks`.
 *
 * @param neighbors {@link knnSearch} result with k ≥ max(ks) (search with `excludeSelf` for
 *   leave-one-out).
 * @param queryLabels classes of the queries. // [numQueries]
 * @param referenceLabels classes of the references. // [numReferences]
 * @param ks the K values, e.g. [1, 2, 4, 8].
 * @returns K → Recall@K in [0, 1].
 */
export function recallAtK(neighbors: KnnResult, queryLabels: Labels, referenceLabels: Labels, ks: number[]): Record<number, number> {
  const fn = 'recallAtK';
  if (neighbors === null || typeof neighbors !== 'object' || !(neighbors.indices instanceof Int32Array)) {
    throw new Error(`${fn}: 'neighbors' must be a result of knnSearch`);
  }
  const queries = toLabelArray(queryLabels, fn, 'queryLabels', neighbors.numQueries);
  const references = toLabelArray(referenceLabels, fn, 'referenceLabels');
  if (!Array.isArray(ks) || ks.length === 0) throw new Error(`${fn}: 'ks' must be a non-empty array of integers ≥ 1`);
  for (const K of ks) {
    requireInteger(fn, 'ks[]', K, 1);
    if (K > neighbors.k) throw new Error(`${fn}: 'ks' asks for K = ${K} but only ${neighbors.k} neighbours were searched`);
  }
  // For each query, the rank (1-based) of its first same-class neighbour (Infinity if none).
  const firstHit = new Float64Array(neighbors.numQueries).fill(Infinity);
  for (let q = 0; q < neighbors.numQueries; q++) {
    for (let j = 0; j < neighbors.k; j++) {
      const index = neighbors.indices[q * neighbors.k + j];
      if (index >= references.length) throw new Error(`${fn}: 'referenceLabels' has ${references.length} labels but a neighbour index is ${index}`);
      if (references[index] === queries[q]) {
        firstHit[q] = j + 1;
        break;
      }
    }
  }
  const out: Record<number, number> = {};
  for (const K of ks) {
    let hits = 0;
    for (let q = 0; q < firstHit.length; q++) if (firstHit[q] <= K) hits++;
    out[K] = hits / neighbors.numQueries;
  }
  return out;
}

/** Options of {@link meanAveragePrecisionAtR}. */
export interface MapAtROptions {
  /** Leave-one-out: queries ARE the references (query i = reference i). Default false. */
  excludeSelf?: boolean;
  /** Similarity (default `'cosine'`, normalising inside). */
  metric?: KnnMetric;
  /** Query rows per matmul (see {@link knnSearch}). */
  chunkSize?: number;
}

/** MAP@R and how many queries it averaged. */
export interface MapAtRResult {
  /** Mean of AP@R over the scored queries, in [0, 1] (NaN when no query could be scored). */
  mapAtR: number;
  /** Queries scored (R ≥ 1). */
  numScored: number;
  /** Queries left out because no other reference shares their class (R = 0). */
  numLone: number;
}

/**
 * AP@R of one query from its ranked neighbour classes: (1/R) Σ_{i≤R} P(i)·rel(i).
 *
 * @param relevant rel(i) for i = 1 … (at least) R: whether the i-th neighbour shares the query's class.
 * @param R the number of same-class references (R ≥ 1).
 */
export function averagePrecisionAtR(relevant: ArrayLike<boolean | number>, R: number): number {
  requireInteger('averagePrecisionAtR', 'R', R, 1);
  if (relevant.length < R) throw new Error(`averagePrecisionAtR: 'relevant' must have at least R = ${R} entries, got ${relevant.length}`);
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < R; i++) {
    if (relevant[i]) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / R;
}

/**
 * MAP@R (Musgrave et al. 2020) of the queries against the references. Searches exactly
 * max(R) neighbours per query, streaming chunk by chunk (memory: chunkSize × max(R) per chunk).
 *
 * @param queries query embeddings. // [numQueries, dim]
 * @param references reference embeddings (the same tensor as `queries` for leave-one-out). // [numReferences, dim]
 * @param queryLabels classes of the queries. // [numQueries]
 * @param referenceLabels classes of the references. // [numReferences]
 * @param options `excludeSelf`, `metric` (default cosine), `chunkSize`.
 * @returns `{ mapAtR, numScored, numLone }`.
 */
export async function meanAveragePrecisionAtR(
  queries: tf.Tensor2D,
  references: tf.Tensor2D,
  queryLabels: Labels,
  referenceLabels: Labels,
  options: MapAtROptions = {},
): Promise<MapAtRResult> {
  const fn = 'meanAveragePrecisionAtR';
  requireMatrix(fn, 'queries', queries);
  requireMatrix(fn, 'references', references);
  const queryClasses = toLabelArray(queryLabels, fn, 'queryLabels', queries.shape[0]);
  const referenceClasses = toLabelArray(referenceLabels, fn, 'referenceLabels', references.shape[0]);
  const excludeSelf = options.excludeSelf ?? false;
  if (excludeSelf) {
    for (let i = 0; i < queryClasses.length && i < referenceClasses.length; i++) {
      if (queryClasses[i] !== referenceClasses[i]) {
        throw new Error(`${fn}: with 'excludeSelf' query i is reference i, but queryLabels[${i}] = ${queryClasses[i]} ≠ referenceLabels[${i}] = ${referenceClasses[i]}`);
      }
    }
  }
  const classSize = new Map<number, number>();
  for (const c of referenceClasses) classSize.set(c, (classSize.get(c) ?? 0) + 1);
  const rOf = (q: number) => (classSize.get(queryClasses[q]) ?? 0) - (excludeSelf ? 1 : 0);
  let maxR = 0;
  for (let q = 0; q < queryClasses.length; q++) maxR = Math.max(maxR, rOf(q));
  if (maxR === 0) return { mapAtR: NaN, numScored: 0, numLone: queryClasses.length };

  let sum = 0;
  let numScored = 0;
  const relevant = new Uint8Array(maxR);
  await forEachKnnChunk(
    queries,
    references,
    { k: maxR, metric: options.metric, chunkSize: options.chunkSize, excludeSelf },
    (chunk) => {
      for (let row = 0; row < chunk.count; row++) {
        const q = chunk.start + row;
        const R = rOf(q);
        if (R === 0) continue;
        for (let i = 0; i < R; i++) relevant[i] = referenceClasses[chunk.indices[row * chunk.k + i]] === queryClasses[q] ? 1 : 0;
        sum += averagePrecisionAtR(relevant, R);
        numScored++;
      }
    },
    fn,
  );
  return { mapAtR: numScored > 0 ? sum / numScored : NaN, numScored, numLone: queryClasses.length - numScored };
}

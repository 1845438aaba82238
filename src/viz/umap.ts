/**
 * Seeded UMAP to two dimensions, fast enough for 10 000 points in a notebook cell.
 *
 * Pipeline: the exact kNN graph from the evaluation code (`knnSearch`, chunked matmul; or a
 * table you pass in) → UMAP's fuzzy graph (umap-js' per-point code, typed-array union:
 * `umapEdges`) → a PCA start (umap-learn's `init='pca'`, rescaled to [0, 10]) → umap-js' layout
 * optimisation on typed arrays (`optimizeUmapLayout`). Every random number comes from the kit's
 * PRNG (`rngFor('umap')` unless `rng` is given), so the same seed gives the same picture.
 *
 * Why not `new UMAP().fit()` from umap-js directly: with the exact neighbours passed in
 * (`setPrecomputedKNN`), its `fit` on 10 000 × 128 clustered points took 35 s of CPU here
 * (string-keyed sparse matrices for the graph, arrays of arrays and two `Math.pow` per sample in
 * the layout loop, 200 epochs from a random start). This pipeline took 9.6 s of CPU for the same
 * points, kNN search included (kNN 3.0 s, PCA 0.4 s, graph ~1 s, layout 5.5 s for 100 epochs),
 * at the same trustworthiness (0.9525 vs umap-js 0.9531; `scripts/umap-timing.ts --compare`). The PCA start
 * is what lets 100 epochs suffice; `nEpochs: 50` halves the layout time (Fashion-MNIST test set:
 * trustworthiness 0.974 instead of 0.975, slightly looser clusters). `engine: 'umap-js'` runs
 * umap-js' own optimiser on the same graph and start, for comparison.
 *
 * McInnes, Healy & Melville 2018, https://arxiv.org/abs/1802.03426.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { UMAP } from 'umap-js';
import { Rng, rngFor } from '../runtime/random';
import { knnDistances, knnSearch, KnnResult } from '../eval/knn-search';
import { describe, requireInteger, requireNonNegative, requirePositive } from '../checks';
import { DenseMatrix, Matrix, toDenseMatrix } from './inputs';
import { Layout2D, layoutFromInterleaved } from './layout-2d';
import { pcaOfDense } from './pca';
import { NeighbourTable, tableRows, umapEdges } from './umap-graph';
import { optimizeUmapLayout } from './umap-optimize';

/** Options of {@link umapLayout}. Defaults are umap-learn's except `nEpochs` and `init`. */
export interface UmapOptions {
  /** Neighbours per point, the point itself included (default 15). */
  nNeighbors?: number;
  /** How tightly points may pack in the picture (default 0.1). */
  minDist?: number;
  /** Scale of the picture (default 1). */
  spread?: number;
  /** Optimisation epochs (default 100 with the PCA start, 200 with `init: 'random'`). */
  nEpochs?: number;
  /** Negative samples per positive sample (default 5). */
  negativeSampleRate?: number;
  /** Initial learning rate (default 1). */
  learningRate?: number;
  /** Weight of the repulsion (default 1). */
  repulsionStrength?: number;
  /** Distance in the original space: `'euclidean'` (default) or `'cosine'` (1 − cos). */
  metric?: 'euclidean' | 'cosine';
  /**
   * Start: `'pca'` (default; deterministic, needs fewer epochs), `'random'` (umap-js' uniform
   * [−10, 10]) or a previous layout of the same points (e.g. the last snapshot of an embedding
   * evolution, so consecutive pictures stay comparable).
   */
  init?: 'pca' | 'random' | Layout2D;
  /**
   * Precomputed neighbours from `knnSearch(x, x, { k, metric })` (same metric; k ≥ nNeighbors,
   * with or without `excludeSelf`). Saves the search when you already ran it for evaluation.
   */
  knn?: KnnResult;
  /** The random stream (default `rngFor('umap')`: follows the kit-wide seed). */
  rng?: Rng;
  /** `'kit'` (default, typed arrays) or `'umap-js'` (umap-js' own fit with the same graph and start: slower, for comparison). */
  engine?: 'kit' | 'umap-js';
  /** Called after each epoch with (epochsDone, nEpochs). */
  onEpoch?: (epochsDone: number, nEpochs: number) => void;
}

/** What {@link umapLayout} returns. */
export interface UmapLayout extends Layout2D {
  /** Epochs run. */
  nEpochs: number;
  /** Edges of the fuzzy graph that were sampled (NaN with `engine: 'umap-js'`, which keeps them private). */
  numEdges: number;
  /** Wall time of each stage in seconds. */
  seconds: { knn: number; graph: number; layout: number; total: number };
}

/** A fast uniform stream (xorshift32) seeded from the kit's PRNG: [0, 1). */
export function uniformStream(rng: Rng): () => number {
  let state = rng.uint32() || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/**
 * Converts a {@link KnnResult} into UMAP's table: row i starts with i itself (distance 0), then
 * its nNeighbors − 1 nearest other points.
 */
export function neighbourTableFromKnn(knn: KnnResult, numPoints: number, nNeighbors: number, metric: 'euclidean' | 'cosine'): NeighbourTable {
  const fn = 'umapLayout';
  if (knn === null || typeof knn !== 'object' || !(knn.indices instanceof Int32Array)) {
    throw new Error(`${fn}: 'knn' must be a result of knnSearch, got ${describe(knn)}`);
  }
  if (knn.metric !== metric) throw new Error(`${fn}: 'knn' was searched with metric '${knn.metric}' but 'metric' is '${metric}'`);
  if (knn.numQueries !== numPoints) throw new Error(`${fn}: 'knn' must have one row per point (${numPoints}), got ${knn.numQueries}`);
  if (knn.k < nNeighbors - 1) throw new Error(`${fn}: 'knn' must have k ≥ nNeighbors − 1 = ${nNeighbors - 1}, got ${knn.k}`);
  const distances = knnDistances(knn);
  const indices = new Int32Array(numPoints * nNeighbors);
  const out = new Float32Array(numPoints * nNeighbors);
  for (let i = 0; i < numPoints; i++) {
    let at = i * nNeighbors;
    indices[at] = i;
    out[at] = 0;
    at++;
    for (let j = 0; j < knn.k && at < (i + 1) * nNeighbors; j++) {
      const neighbour = knn.indices[i * knn.k + j];
      if (neighbour === i) continue;
      if (neighbour < 0 || neighbour >= numPoints) throw new Error(`${fn}: 'knn' row ${i} holds index ${neighbour}, outside [0, ${numPoints})`);
      indices[at] = neighbour;
      out[at] = distances[i * knn.k + j];
      at++;
    }
    if (at < (i + 1) * nNeighbors) throw new Error(`${fn}: 'knn' row ${i} has fewer than ${nNeighbors - 1} neighbours other than itself`);
  }
  return { numPoints, k: nNeighbors, indices, distances: out };
}

/** The start positions, interleaved [numPoints * 2]. */
function initialPositions(data: DenseMatrix, init: 'pca' | 'random' | Layout2D, random: () => number): Float64Array {
  const n = data.rows;
  const start = new Float64Array(n * 2);
  if (typeof init === 'object') {
    for (let i = 0; i < n; i++) {
      start[2 * i] = init.x[i] + (random() - 0.5) * 1e-4;
      start[2 * i + 1] = init.y[i] + (random() - 0.5) * 1e-4;
    }
    return start;
  }
  if (init === 'random') {
    for (let i = 0; i < 2 * n; i++) start[i] = random() * 20 + -10; // umap-js' start, same draw order
    return start;
  }
  const pca = pcaOfDense(data);
  // umap-learn rescales every start to [0, 10] per axis; a tiny jitter separates duplicates.
  for (const [axis, values] of [[0, pca.x], [1, pca.y]] as const) {
    let low = Infinity;
    let high = -Infinity;
    for (let i = 0; i < n; i++) {
      low = Math.min(low, values[i]);
      high = Math.max(high, values[i]);
    }
    const scale = high > low ? 10 / (high - low) : 0;
    for (let i = 0; i < n; i++) start[2 * i + axis] = (values[i] - low) * scale + (random() - 0.5) * 1e-4;
  }
  return start;
}

/**
 * UMAP of `embeddings` to two dimensions, seeded.
 *
 * Cost: about 1 s of CPU per 1 000 points at 128-d (kNN, PCA, graph, 100 epochs), measured on
 * 10 000 × 128 with `npx ts-node -T scripts/umap-timing.ts` (9.6 s CPU; wall time is higher when
 * the machine is busy). All of it runs on the main thread.
 *
 * @param embeddings the points. // [numPoints, dim]
 * @param options see {@link UmapOptions}.
 * @returns x, y per point, the epochs and edges used, and the time of each stage.
 * @example
 * const view = await umapLayout(testEmbeddings, { metric: 'cosine' });
 * showFigure(embeddingScatter(view, { labels: testLabels, classNames: FASHION_MNIST_CLASS_NAMES }));
 * @see notebooks/01-contrastive-loss.ipynb
 */
export async function umapLayout(embeddings: Matrix, options: UmapOptions = {}): Promise<UmapLayout> {
  const fn = 'umapLayout';
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be an object, got ${describe(options)}`);
  const started = Date.now();
  const data = toDenseMatrix(embeddings, fn, 'embeddings');
  const n = data.rows;
  const nNeighbors = requireInteger(fn, 'nNeighbors', options.nNeighbors ?? 15, 2);
  if (n <= nNeighbors) throw new Error(`${fn}: 'embeddings' needs more rows (${n}) than nNeighbors (${nNeighbors})`);
  const metric = options.metric ?? 'euclidean';
  if (metric !== 'euclidean' && metric !== 'cosine') throw new Error(`${fn}: 'metric' must be 'euclidean' or 'cosine', got '${String(metric)}'`);
  const init = options.init ?? 'pca';
  if (typeof init === 'object' && init !== null) {
    const { x, y, numPoints } = init as Layout2D;
    if (numPoints !== n || !x || !y || x.length !== n || y.length !== n) {
      throw new Error(`${fn}: 'init' as a layout must hold the same ${n} points, got ${describe(init)} with numPoints ${String(numPoints)}`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new Error(`${fn}: 'init' point ${i} is not finite`);
    }
  } else if (init !== 'pca' && init !== 'random') {
    throw new Error(`${fn}: 'init' must be 'pca', 'random' or a layout of the same points, got '${String(init)}'`);
  }
  const engine = options.engine ?? 'kit';
  if (engine !== 'kit' && engine !== 'umap-js') throw new Error(`${fn}: 'engine' must be 'kit' or 'umap-js', got '${String(engine)}'`);
  const nEpochs = requireInteger(fn, 'nEpochs', options.nEpochs ?? (init === 'random' ? 200 : 100), 1);
  const minDist = requireNonNegative(fn, 'minDist', options.minDist ?? 0.1);
  const spread = requirePositive(fn, 'spread', options.spread ?? 1);
  if (minDist > spread) throw new Error(`${fn}: 'minDist' (${minDist}) must not exceed 'spread' (${spread})`);
  const negativeSampleRate = requirePositive(fn, 'negativeSampleRate', options.negativeSampleRate ?? 5);
  const learningRate = requirePositive(fn, 'learningRate', options.learningRate ?? 1);
  const repulsionStrength = requireNonNegative(fn, 'repulsionStrength', options.repulsionStrength ?? 1);
  if (options.rng !== undefined && !(options.rng instanceof Rng)) throw new Error(`${fn}: 'rng' must be an Rng (e.g. rngFor('umap')), got ${describe(options.rng)}`);
  const random = uniformStream(options.rng ?? rngFor('umap'));

  let knn = options.knn;
  if (knn === undefined) {
    const points = tf.tensor2d(data.values, [n, data.columns]);
    try {
      knn = await knnSearch(points, points, { k: nNeighbors, metric });
    } finally {
      points.dispose();
    }
  }
  const table = neighbourTableFromKnn(knn, n, nNeighbors, metric);
  const knnDone = Date.now();

  const start = initialPositions(data, init, random);
  if (engine === 'umap-js') {
    const umap = new UMAP({ nNeighbors, minDist, spread, nEpochs, negativeSampleRate, learningRate, repulsionStrength, random });
    umap.setPrecomputedKNN(tableRows(table.indices, n, nNeighbors), tableRows(table.distances, n, nNeighbors));
    const rows = Array.from({ length: n }, () => [0]); // umap-js only reads X.length when the kNN is given
    umap.initializeFit(rows);
    const graphDone = Date.now();
    const positions = umap.getEmbedding();
    for (let i = 0; i < n; i++) {
      positions[i][0] = start[2 * i];
      positions[i][1] = start[2 * i + 1];
    }
    for (let epoch = 0; epoch < nEpochs; epoch++) {
      umap.step();
      options.onEpoch?.(epoch + 1, nEpochs);
    }
    const flat = new Float64Array(n * 2);
    positions.forEach((p, i) => {
      flat[2 * i] = p[0];
      flat[2 * i + 1] = p[1];
    });
    const end = Date.now();
    return {
      ...layoutFromInterleaved(flat),
      nEpochs,
      numEdges: NaN,
      seconds: { knn: (knnDone - started) / 1000, graph: (graphDone - knnDone) / 1000, layout: (end - graphDone) / 1000, total: (end - started) / 1000 },
    };
  }

  const edges = umapEdges(table, nEpochs);
  const graphDone = Date.now();
  optimizeUmapLayout(start, edges, {
    nEpochs,
    minDist,
    spread,
    negativeSampleRate,
    learningRate,
    repulsionStrength,
    random,
    onEpoch: options.onEpoch ? (done) => options.onEpoch?.(done, nEpochs) : undefined,
  });
  const end = Date.now();
  return {
    ...layoutFromInterleaved(start),
    nEpochs,
    numEdges: edges.head.length,
    seconds: { knn: (knnDone - started) / 1000, graph: (graphDone - knnDone) / 1000, layout: (end - graphDone) / 1000, total: (end - started) / 1000 },
  };
}

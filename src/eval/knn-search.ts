/**
 * Exact k-nearest-neighbour search by chunked matrix multiply: no index structure, no faiss,
 * bounded memory. The references are prepared once (normalised and transposed to [dim, n], so
 * every chunk is a plain `matMul` — the transposed-operand path is several times slower on the
 * wasm backend), then the queries go through in chunks of `chunkSize` rows: one
 * [chunkSize, dim]·[dim, n] product and one `tf.topk` per chunk. Peak extra memory is about
 * chunkSize × n floats (the similarity block) plus the prepared references.
 *
 * Used by the kNN classifier, the retrieval metrics, the raw-pixel baselines and UMAP's
 * precomputed neighbours.
 *
 * @see notebooks/01-contrastive-loss.ipynb (first kNN evaluation)
 */
import * as tf from '@tensorflow/tfjs';
import { requireFiniteValues, requireInteger, requireMatrix, requireSameColumns } from '../checks';

/**
 * How nearness is measured.
 * - `'cosine'` (default): rows are L2-normalised inside (a zero row stays zero), similarity =
 *   cosine in [−1, 1]. Passing already-normalised embeddings is fine: normalising again changes
 *   nothing but costs one pass.
 * - `'dot'`: the plain inner product, no normalisation (use it when the inputs are known to be
 *   L2-normalised and you want to skip the extra pass).
 * - `'euclidean'`: the returned "similarity" is the NEGATIVE SQUARED Euclidean distance
 *   −‖q − r‖² (so larger is nearer, like the others); see {@link knnDistances}.
 */
export type KnnMetric = 'cosine' | 'dot' | 'euclidean';

/** Options of {@link knnSearch}. */
export interface KnnSearchOptions {
  /** Neighbours per query. Clamped to the number of references available (n, or n − 1 with
   * `excludeSelf`); the result's `k` says what was used. */
  k: number;
  /** How nearness is measured (default `'cosine'`). */
  metric?: KnnMetric;
  /** Query rows per matrix multiply. Default: about 8M similarity entries per chunk
   * (32 MB), at most 256 rows (small chunks keep the wasm matmul in cache). */
  chunkSize?: number;
  /** Leave-one-out: query i IS reference i (pass the same rows twice), and a query never gets
   * itself as a neighbour. Other rows equal to the query still count. */
  excludeSelf?: boolean;
  /** Called after each chunk with the number of queries done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The neighbours of every query, nearest first, as plain typed arrays (nothing to dispose).
 * Row i of the [numQueries, k] tables is stored at offsets i·k … i·k + k − 1.
 * Ties in similarity are broken by the lower reference index.
 */
export interface KnnResult {
  /** Number of queries (rows). */
  numQueries: number;
  /** Neighbours per query actually returned (the requested k, clamped). */
  k: number;
  /** The metric used. */
  metric: KnnMetric;
  /** Reference row index of each neighbour. // [numQueries * k] */
  indices: Int32Array;
  /** Similarity of each neighbour (cosine, dot, or −squared distance; see {@link KnnMetric}). // [numQueries * k] */
  similarities: Float32Array;
}

/** One chunk of queries' neighbours, as given to the visitor of {@link forEachKnnChunk}. */
export interface KnnChunk {
  /** Index of the chunk's first query. */
  start: number;
  /** Number of queries in the chunk. */
  count: number;
  /** Neighbours per query. */
  k: number;
  /** Reference indices, row-major. // [count * k] */
  indices: Int32Array;
  /** Similarities, row-major. // [count * k] */
  similarities: Float32Array;
}

const DEFAULT_CHUNK_ENTRIES = 1 << 23;
const MAX_DEFAULT_CHUNK_ROWS = 256;
const METRICS: KnnMetric[] = ['cosine', 'dot', 'euclidean'];

/** L2-normalises rows, leaving zero rows at zero (like torch's F.normalize with eps 1e-12). */
function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => x.div(x.norm('euclidean', 1, true).maximum(1e-12)));
}

/**
 * Streams the exact k nearest references of each query, chunk by chunk, to `visit`. This is the
 * engine of {@link knnSearch}; use it directly when the full [numQueries, k] tables would be too
 * big (e.g. MAP@R with k = a class size).
 *
 * @param queries the query rows. // [numQueries, dim]
 * @param references the rows searched. // [numReferences, dim]
 * @param options see {@link KnnSearchOptions}.
 * @param visit receives each chunk in order; its arrays are fresh (safe to keep).
 * @returns the k actually used.
 */
export async function forEachKnnChunk(
  queries: tf.Tensor2D,
  references: tf.Tensor2D,
  options: KnnSearchOptions,
  visit: (chunk: KnnChunk) => void,
  fn = 'knnSearch',
): Promise<number> {
  requireMatrix(fn, 'queries', queries);
  requireMatrix(fn, 'references', references);
  requireSameColumns(fn, 'queries', queries, 'references', references);
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be an object with at least { k }`);
  const metric = options.metric ?? 'cosine';
  if (!METRICS.includes(metric)) throw new Error(`${fn}: 'metric' must be one of ${METRICS.join(', ')}; got '${metric}'`);
  requireInteger(fn, 'k', options.k, 1);
  const excludeSelf = options.excludeSelf ?? false;
  const [numQueries, dim] = queries.shape;
  const numReferences = references.shape[0];
  if (excludeSelf && numQueries !== numReferences) {
    throw new Error(`${fn}: 'excludeSelf' needs query i to be reference i, so as many queries as references; got ${numQueries} and ${numReferences}`);
  }
  if (excludeSelf && numReferences < 2) throw new Error(`${fn}: 'excludeSelf' needs at least 2 references, got ${numReferences}`);
  const available = excludeSelf ? numReferences - 1 : numReferences;
  const k = Math.min(options.k, available);
  const kSearched = excludeSelf ? k + 1 : k; // the self match may take one of the slots
  const chunkSize =
    options.chunkSize === undefined
      ? Math.max(1, Math.min(MAX_DEFAULT_CHUNK_ROWS, Math.floor(DEFAULT_CHUNK_ENTRIES / numReferences)))
      : requireInteger(fn, 'chunkSize', options.chunkSize, 1);
  requireFiniteValues(fn, 'queries', queries);
  if (references !== queries) requireFiniteValues(fn, 'references', references);

  // Prepared once: [dim, n] so each chunk is a plain matmul. For the Euclidean metric one more
  // row −‖r‖² (and a 1 appended to each query) makes the matmul give 2q·r − ‖r‖² directly: the
  // ranking of −‖q − r‖² without any [chunk, n]-sized elementwise pass; −‖q‖² is added to the k kept.
  const referencesT = tf.tidy(() => {
    const floats = references.toFloat() as tf.Tensor2D;
    if (metric === 'cosine') return normalizeRows(floats).transpose() as tf.Tensor2D; // [dim, n]
    if (metric === 'dot') return floats.transpose() as tf.Tensor2D; // [dim, n]
    const negativeSquaredNorms = floats.square().sum(1).neg().reshape([1, numReferences]); // [1, n]
    return tf.concat([floats.transpose().mul(2), negativeSquaredNorms], 0) as tf.Tensor2D; // [dim + 1, n]
  });
  try {
    for (let start = 0; start < numQueries; start += chunkSize) {
      const count = Math.min(chunkSize, numQueries - start);
      const top = tf.tidy(() => {
        let block = queries.slice([start, 0], [count, dim]).toFloat() as tf.Tensor2D; // [count, dim]
        if (metric === 'cosine') block = normalizeRows(block);
        if (metric !== 'euclidean') return tf.topk(tf.matMul(block, referencesT), kSearched, true); // of [count, n]
        const augmented = tf.concat([block, tf.ones([count, 1])], 1); // [count, dim + 1]
        const top = tf.topk(tf.matMul(augmented, referencesT), kSearched, true); // of 2q·r − ‖r‖², [count, n]
        // −‖q − r‖² = (2q·r − ‖r‖²) − ‖q‖², clamped at 0 against rounding.
        return { values: top.values.sub(block.square().sum(1, true)).minimum(0), indices: top.indices };
      });
      let indices: Int32Array;
      let similarities: Float32Array;
      try {
        indices = (await top.indices.data()) as Int32Array;
        similarities = (await top.values.data()) as Float32Array;
      } finally {
        top.indices.dispose();
        top.values.dispose();
      }
      if (excludeSelf) ({ indices, similarities } = dropSelf(indices, similarities, start, count, kSearched, k));
      visit({ start, count, k, indices, similarities });
      options.onProgress?.(start + count, numQueries);
    }
  } finally {
    referencesT.dispose();
  }
  return k;
}

/** Removes query i's own index from its row of k+1 neighbours (else drops the last one). */
function dropSelf(indices: Int32Array, similarities: Float32Array, start: number, count: number, kSearched: number, k: number) {
  const keptIndices = new Int32Array(count * k);
  const keptSimilarities = new Float32Array(count * k);
  for (let row = 0; row < count; row++) {
    const self = start + row;
    let out = row * k;
    const end = row * k + k;
    for (let j = row * kSearched; j < (row + 1) * kSearched && out < end; j++) {
      if (indices[j] === self) continue;
      keptIndices[out] = indices[j];
      keptSimilarities[out] = similarities[j];
      out++;
    }
  }
  return { indices: keptIndices, similarities: keptSimilarities };
}

/**
 * Exact k nearest neighbours of every query among the references (brute force, chunked).
 *
 * @param queries the query rows. // [numQueries, dim]
 * @param references the rows searched. // [numReferences, dim]
 * @param options `k` (required), `metric` (default `'cosine'`, normalising inside),
 *   `chunkSize`, `excludeSelf` (leave-one-out when queries = references), `onProgress`.
 * @returns typed arrays of indices and similarities, nearest first (nothing to dispose).
 * @example
 * const { indices, similarities, k } = await knnSearch(testEmbeddings, trainEmbeddings, { k: 200 });
 * const nearestOfQuery3 = indices[3 * k]; // its similarity: similarities[3 * k]
 * @see notebooks/01-contrastive-loss.ipynb
 */
export async function knnSearch(queries: tf.Tensor2D, references: tf.Tensor2D, options: KnnSearchOptions): Promise<KnnResult> {
  const numQueries = queries instanceof tf.Tensor && queries.rank === 2 ? queries.shape[0] : 0;
  let indices = new Int32Array(0);
  let similarities = new Float32Array(0);
  const k = await forEachKnnChunk(queries, references, options, (chunk) => {
    if (indices.length === 0) {
      indices = new Int32Array(numQueries * chunk.k);
      similarities = new Float32Array(numQueries * chunk.k);
    }
    indices.set(chunk.indices, chunk.start * chunk.k);
    similarities.set(chunk.similarities, chunk.start * chunk.k);
  });
  return { numQueries, k, metric: options.metric ?? 'cosine', indices, similarities };
}

/**
 * Distances for a {@link KnnResult}, e.g. for UMAP's precomputed neighbours:
 * cosine → 1 − cosine similarity (umap-js' cosine distance), euclidean → ‖q − r‖.
 *
 * @param result a result of {@link knnSearch} with metric `'cosine'` or `'euclidean'`.
 * @returns distances, nearest first. // [numQueries * k]
 */
export function knnDistances(result: KnnResult): Float32Array {
  if (result.metric === 'dot') {
    throw new Error("knnDistances: 'result' used the 'dot' metric, which has no distance; search with 'cosine' or 'euclidean'");
  }
  const out = new Float32Array(result.similarities.length);
  for (let i = 0; i < out.length; i++) {
    const s = result.similarities[i];
    out[i] = result.metric === 'cosine' ? Math.max(0, 1 - s) : Math.sqrt(Math.max(0, -s));
  }
  return out;
}

/**
 * The rows of a {@link KnnResult} as nested arrays (`[numQueries][k]`), the form umap-js'
 * `setPrecomputedKNN(indices, distances)` takes.
 *
 * @param values `result.indices`, `result.similarities` or `knnDistances(result)`. // [numQueries * k]
 * @param k neighbours per row (`result.k`).
 */
export function knnRows(values: ArrayLike<number>, k: number): number[][] {
  requireInteger('knnRows', 'k', k, 1);
  if (values.length % k !== 0) throw new Error(`knnRows: 'values' length ${values.length} is not a multiple of k = ${k}`);
  const rows: number[][] = [];
  for (let start = 0; start < values.length; start += k) rows.push(Array.from({ length: k }, (_, j) => values[start + j]));
  return rows;
}

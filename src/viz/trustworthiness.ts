/**
 * Trustworthiness of a low-dimensional view (Venna & Kaski 2001; the definition of
 * scikit-learn's `sklearn.manifold.trustworthiness`): how much the k nearest neighbours a point
 * has in the picture are real neighbours in the original space.
 *
 *   T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_i(k)} (r(i, j) − k)
 *
 * where U_i(k) are the points among i's k nearest in the view but not in the original space and
 * r(i, j) is j's rank among i's neighbours in the original space (1 = nearest). T = 1 means no
 * intruders; a random view of well-spread data scores about 0.5. Distances are Euclidean in both
 * spaces; ties are broken by the lower index.
 *
 * Venna & Kaski, "Neighborhood preservation in nonlinear projection methods: an experimental
 * study", ICANN 2001.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { rngFor } from '../runtime/random';
import { requireInteger } from '../checks';
import { DenseMatrix, Matrix, toDenseMatrix } from './inputs';
import { Layout2D, layoutMatrix } from './layout-2d';

/** Options of {@link trustworthiness}. */
export interface TrustworthinessOptions {
  /** Neighbourhood size k (default 15, UMAP's default nNeighbors). Must be < numPoints / 2. */
  k?: number;
  /**
   * Average over this many query points drawn at random (seeded by `rngFor('trustworthiness')`)
   * instead of all of them: an unbiased estimate in O(sample · n · dim) time. Default: all points
   * up to 1000, else 1000.
   */
  sampleSize?: number;
}

/** Squared Euclidean distances from row `i` to every row. */
function distancesFrom(data: DenseMatrix, i: number, out: Float64Array): void {
  const { values, rows, columns } = data;
  const base = i * columns;
  for (let m = 0; m < rows; m++) {
    let sum = 0;
    const other = m * columns;
    for (let d = 0; d < columns; d++) {
      const diff = values[base + d] - values[other + d];
      sum += diff * diff;
    }
    out[m] = sum;
  }
}

/** Whether m comes before j in i's neighbour order (distance, then index). */
function before(dist: Float64Array, m: number, j: number): boolean {
  return dist[m] < dist[j] || (dist[m] === dist[j] && m < j);
}

/** The k nearest rows to `i` (excluding i), nearest first. */
function nearest(dist: Float64Array, i: number, k: number): number[] {
  const best: number[] = [];
  for (let m = 0; m < dist.length; m++) {
    if (m === i) continue;
    if (best.length === k && !before(dist, m, best[k - 1])) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(m);
    while (at > 0 && before(dist, m, best[at - 1])) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = m;
  }
  return best;
}

/**
 * Trustworthiness of `view` as a picture of `original`.
 *
 * @param original the points in the original space. // [numPoints, dim]
 * @param view the same points in the picture: a {@link Layout2D} or any [numPoints, d] matrix.
 * @param options `k` (default 15) and `sampleSize` (see {@link TrustworthinessOptions}).
 * @returns T(k) in [0, 1] (1 = every picture neighbour is a true neighbour).
 * @example
 * const t = trustworthiness(testEmbeddings, umapView, { k: 15 });
 * expectThat(t > 0.9, `the UMAP picture is faithful (trustworthiness ${t.toFixed(3)})`);
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function trustworthiness(original: Matrix, view: Layout2D | Matrix, options: TrustworthinessOptions = {}): number {
  const fn = 'trustworthiness';
  const high = toDenseMatrix(original, fn, 'original');
  const low = toDenseMatrix(isLayout(view) ? layoutMatrix(view) : view, fn, 'view');
  const n = high.rows;
  if (low.rows !== n) throw new Error(`${fn}: 'view' must have one row per point of 'original' (${n}), got ${low.rows}`);
  const k = requireInteger(fn, 'k', options.k ?? 15, 1);
  if (k >= n / 2) throw new Error(`${fn}: 'k' must be < numPoints / 2 = ${n / 2}, got ${k}`);
  const sampleSize = requireInteger(fn, 'sampleSize', options.sampleSize ?? Math.min(n, 1000), 1, n);
  const queries = sampleSize === n ? null : rngFor('trustworthiness').permutation(n).subarray(0, sampleSize);

  const highDist = new Float64Array(n);
  const lowDist = new Float64Array(n);
  let penalty = 0;
  for (let q = 0; q < sampleSize; q++) {
    const i = queries ? queries[q] : q;
    distancesFrom(low, i, lowDist);
    const viewNeighbours = nearest(lowDist, i, k);
    distancesFrom(high, i, highDist);
    const trueNeighbours = new Set(nearest(highDist, i, k));
    for (const j of viewNeighbours) {
      if (trueNeighbours.has(j)) continue;
      // rank of j among i's neighbours in the original space: 1 + how many come before it.
      let rank = 1;
      for (let m = 0; m < n; m++) if (m !== i && m !== j && before(highDist, m, j)) rank++;
      if (rank > k) penalty += rank - k;
    }
  }
  // Scale the sampled sum up to n queries: the normaliser is the one for all n points.
  penalty *= n / sampleSize;
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

function isLayout(value: unknown): value is Layout2D {
  return value !== null && typeof value === 'object' && 'x' in value && 'y' in value && 'numPoints' in value;
}

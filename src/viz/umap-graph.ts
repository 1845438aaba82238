/**
 * UMAP's fuzzy neighbour graph, built from an exact kNN table with typed arrays.
 *
 * umap-js (1.4) builds this graph with string-keyed sparse matrices, which takes several seconds
 * for 10 000 points. Here the per-point steps are umap-js' own code (`smoothKNNDistance` and
 * `computeMembershipStrengths`, reached through {@link umapJsInternals}, the one place that
 * touches umap-js internals) and only the symmetrisation and edge listing are redone with plain
 * arrays, in the same order and with the same arithmetic, so the edge list is identical to the
 * one umap-js' `initializeFit` makes (tested).
 *
 * McInnes, Healy & Melville 2018, "UMAP: Uniform Manifold Approximation and Projection",
 * https://arxiv.org/abs/1802.03426 (§3.1, fuzzy union w_ij + w_ji − w_ij·w_ji).
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { UMAP } from 'umap-js';

/** A kNN table in UMAP's form: row i lists point i first (distance 0), then its neighbours. */
export interface NeighbourTable {
  /** Number of points. */
  numPoints: number;
  /** Entries per row (UMAP's nNeighbors, self included). */
  k: number;
  /** Neighbour indices, row-major. // [numPoints * k] */
  indices: Int32Array;
  /** Distances to them, ascending per row. // [numPoints * k] */
  distances: Float32Array | Float64Array;
}

/** The edges UMAP's layout optimisation samples, in umap-js' order. */
export interface UmapEdges {
  numPoints: number;
  /** Edge e pulls point head[e] towards tail[e]. // [numEdges] */
  head: Int32Array;
  /** // [numEdges] */
  tail: Int32Array;
  /** Epochs between two samples of each edge (1 for the strongest edge). // [numEdges] */
  epochsPerSample: Float64Array;
}

interface UmapJsInternals {
  smoothKNNDistance(distances: number[][], k: number, localConnectivity: number): { sigmas: number[]; rhos: number[] };
  computeMembershipStrengths(
    indices: number[][],
    distances: number[][],
    sigmas: number[],
    rhos: number[],
  ): { rows: number[]; cols: number[]; vals: number[] };
}

/** umap-js' per-point helpers (private methods of its `UMAP` class, umap-js 1.4). */
export function umapJsInternals(): UmapJsInternals {
  const instance = new UMAP({}) as unknown as Partial<UmapJsInternals>;
  if (typeof instance.smoothKNNDistance !== 'function' || typeof instance.computeMembershipStrengths !== 'function') {
    throw new Error('umapEdges: this umap-js version lacks smoothKNNDistance/computeMembershipStrengths (written for umap-js 1.4)');
  }
  return instance as UmapJsInternals;
}

/** Splits a flat row-major table into nested rows (umap-js' form). */
export function tableRows(values: ArrayLike<number>, numRows: number, k: number): number[][] {
  const rows: number[][] = new Array(numRows);
  for (let i = 0; i < numRows; i++) {
    const row = new Array<number>(k);
    for (let j = 0; j < k; j++) row[j] = values[i * k + j];
    rows[i] = row;
  }
  return rows;
}

/**
 * Builds the UMAP edge list from a neighbour table.
 *
 * @param table the kNN table (self first in each row).
 * @param nEpochs the number of optimisation epochs: edges weaker than max/nEpochs are dropped
 *   and each edge is sampled in proportion to its weight (as in umap-js and umap-learn).
 * @param localConnectivity UMAP's local connectivity (default 1).
 */
export function umapEdges(table: NeighbourTable, nEpochs: number, localConnectivity = 1): UmapEdges {
  const { numPoints: n, k } = table;
  const indexRows = tableRows(table.indices, n, k);
  const distanceRows = tableRows(table.distances, n, k);
  const internals = umapJsInternals();
  const { sigmas, rhos } = internals.smoothKNNDistance(distanceRows, k, localConnectivity);
  const { rows, cols, vals } = internals.computeMembershipStrengths(indexRows, distanceRows, sigmas, rhos);

  // Directed memberships w(i→j), keyed by i·n + j.
  const directed = new Map<number, number>();
  for (let e = 0; e < rows.length; e++) directed.set(rows[e] * n + cols[e], vals[e]);
  // Fuzzy union over both directions, in row-major key order (umap-js sorts its entries so).
  const keys: number[] = [];
  const seen = new Set<number>();
  for (let e = 0; e < rows.length; e++) {
    for (const key of [rows[e] * n + cols[e], cols[e] * n + rows[e]]) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  keys.sort((a, b) => a - b);
  const weights = new Float64Array(keys.length);
  let maxWeight = 0;
  for (let e = 0; e < keys.length; e++) {
    const row = Math.floor(keys[e] / n);
    const col = keys[e] - row * n;
    const forward = directed.get(keys[e]) ?? 0;
    const backward = directed.get(col * n + row) ?? 0;
    const product = forward * backward;
    weights[e] = forward + backward - product;
    if (weights[e] > maxWeight) maxWeight = weights[e];
  }
  const head: number[] = [];
  const tail: number[] = [];
  const epochsPerSample: number[] = [];
  for (let e = 0; e < keys.length; e++) {
    const weight = weights[e];
    if (!weight || weight < maxWeight / nEpochs) continue;
    const row = Math.floor(keys[e] / n);
    tail.push(row);
    head.push(keys[e] - row * n);
    epochsPerSample.push(nEpochs / ((weight / maxWeight) * nEpochs));
  }
  return { numPoints: n, head: Int32Array.from(head), tail: Int32Array.from(tail), epochsPerSample: Float64Array.from(epochsPerSample) };
}

/**
 * Small deterministic data sets for the visualisation tests (not exported from the package).
 */
import { Rng } from '../runtime/random';

/** `perCluster` Gaussian points around each of `numClusters` centres far apart, in `dim` dimensions. */
export function gaussianClusters(numClusters: number, perCluster: number, dim: number, seed = 1, separation = 10): { rows: number[][]; labels: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: numClusters }, () => Array.from({ length: dim }, () => rng.normal(0, separation)));
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < numClusters; c++) {
    for (let i = 0; i < perCluster; i++) {
      rows.push(centres[c].map((m) => m + rng.normal()));
      labels.push(c);
    }
  }
  return { rows, labels };
}

/** Exact kNN with self first, by brute force in float64 (Euclidean; ties by lower index). */
export function bruteForceKnn(rows: number[][], k: number): { indices: number[][]; distances: number[][] } {
  const indices: number[][] = [];
  const distances: number[][] = [];
  rows.forEach((q) => {
    const scored = rows.map((r, j) => ({ j, d: Math.sqrt(r.reduce((s, x, t) => s + (x - q[t]) ** 2, 0)) }));
    scored.sort((a, b) => a.d - b.d || a.j - b.j);
    indices.push(scored.slice(0, k).map((s) => s.j));
    distances.push(scored.slice(0, k).map((s) => s.d));
  });
  return { indices, distances };
}

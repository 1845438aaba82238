/**
 * The shape every 2-D view in the kit shares (UMAP, PCA, evolution snapshots).
 */

/** A 2-D layout of points. */
export interface Layout2D {
  /** Number of points. */
  numPoints: number;
  /** x coordinate of each point. // [numPoints] */
  x: Float32Array;
  /** y coordinate of each point. // [numPoints] */
  y: Float32Array;
}

/** Splits interleaved coordinates (x0 y0 x1 y1 …) into a {@link Layout2D}. */
export function layoutFromInterleaved(coordinates: ArrayLike<number>): Layout2D {
  const numPoints = Math.floor(coordinates.length / 2);
  const x = new Float32Array(numPoints);
  const y = new Float32Array(numPoints);
  for (let i = 0; i < numPoints; i++) {
    x[i] = coordinates[2 * i];
    y[i] = coordinates[2 * i + 1];
  }
  return { numPoints, x, y };
}

/** The layout as a flat row-major [numPoints, 2] matrix (for trustworthiness and kNN). */
export function layoutMatrix(layout: Layout2D): { values: Float32Array; columns: number } {
  const values = new Float32Array(layout.numPoints * 2);
  for (let i = 0; i < layout.numPoints; i++) {
    values[2 * i] = layout.x[i];
    values[2 * i + 1] = layout.y[i];
  }
  return { values, columns: 2 };
}

/**
 * PCA to two dimensions: the fast, deterministic alternative to UMAP. It keeps global structure
 * (directions of largest variance) but not local neighbourhoods, so clusters that UMAP separates
 * can overlap here; compare the two with `trustworthiness`.
 *
 * The covariance is computed with tfjs (one plain matmul) and diagonalised with ml-matrix's
 * symmetric eigen-solver, the same solver the evaluation code uses for the effective rank.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { DenseMatrix, Matrix, toDenseMatrix } from './inputs';
import { Layout2D } from './layout-2d';

/** What {@link pcaLayout} returns: the projection and what it kept. */
export interface PcaLayout extends Layout2D {
  /** Variance along each of the two components, largest first. // [2] */
  componentVariances: [number, number];
  /** Fraction of the total variance the two components explain, in [0, 1]. */
  explainedVarianceRatio: number;
  /** The two principal directions (unit vectors), sign fixed so each has a positive largest entry. // [2][dim] */
  components: [Float64Array, Float64Array];
}

/**
 * Projects rows onto their top two principal components.
 *
 * @param embeddings the points. // [numPoints, dim]
 * @returns x, y per point (centred), the component variances and directions.
 * @example
 * const view = pcaLayout(testEmbeddings);
 * console.log(`PCA keeps ${(100 * view.explainedVarianceRatio).toFixed(1)} % of the variance`);
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function pcaLayout(embeddings: Matrix): PcaLayout {
  const data = toDenseMatrix(embeddings, 'pcaLayout', 'embeddings');
  if (data.rows < 2) throw new Error(`pcaLayout: 'embeddings' needs at least 2 rows, got ${data.rows}`);
  return pcaOfDense(data);
}

/** {@link pcaLayout} on an already-checked dense matrix. */
export function pcaOfDense(data: DenseMatrix): PcaLayout {
  const { rows: n, columns: dim, values } = data;
  const covariance = tf.tidy(() => {
    const x = tf.tensor2d(values, [n, dim]);
    const centred = x.sub(x.mean(0, true));
    return tf.matMul(centred.transpose(), centred).div(n - 1).arraySync() as number[][]; // [dim, dim]
  });
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) covariance[i][j] = covariance[j][i] = (covariance[i][j] + covariance[j][i]) / 2;
  let total = 0;
  for (let i = 0; i < dim; i++) total += covariance[i][i];
  const eigen = new EigenvalueDecomposition(new MlMatrix(covariance), { assumeSymmetric: true });
  const eigenvalues = eigen.realEigenvalues;
  const vectors = eigen.eigenvectorMatrix;
  const order = eigenvalues.map((_, i) => i).sort((p, q) => eigenvalues[q] - eigenvalues[p] || p - q);
  const components: Float64Array[] = [];
  for (let c = 0; c < 2; c++) {
    const column = new Float64Array(dim);
    if (c < dim) {
      let largest = 0;
      for (let d = 0; d < dim; d++) {
        column[d] = vectors.get(d, order[c]);
        if (Math.abs(column[d]) > Math.abs(largest)) largest = column[d];
      }
      if (largest < 0) for (let d = 0; d < dim; d++) column[d] = -column[d];
    }
    components.push(column);
  }
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d] += values[i * dim + d] / n;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let px = 0;
    let py = 0;
    for (let d = 0; d < dim; d++) {
      const centred = values[i * dim + d] - mean[d];
      px += centred * components[0][d];
      py += centred * components[1][d];
    }
    x[i] = px;
    y[i] = py;
  }
  const variances: [number, number] = [Math.max(0, eigenvalues[order[0]] ?? 0), Math.max(0, dim > 1 ? eigenvalues[order[1]] : 0)];
  return {
    numPoints: n,
    x,
    y,
    componentVariances: variances,
    explainedVarianceRatio: total > 0 ? Math.min(1, (variances[0] + variances[1]) / total) : 0,
    components: [components[0], components[1]],
  };
}

/**
 * Exact all-pairs squared distances, one block of rows at a time (memory: chunkSize × n), for
 * the pairwise statistics (uniformity, mean pairwise distance).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Calls `reduce` inside a `tf.tidy` for each block of rows with the squared Euclidean distances
 * of those rows to all n rows (clamped at 0) and a mask of the self pairs (i = j); collects the
 * numbers it returns.
 *
 * @param rows the points. // [n, dim]
 * @param chunkSize rows per block.
 * @param reduce turns a block into a number. squaredDistances // [count, n], isSelf // [count, n] bool
 * @returns one number per block, in order.
 */
export function reducePairwiseBlocks(
  rows: tf.Tensor2D,
  chunkSize: number,
  reduce: (squaredDistances: tf.Tensor2D, isSelf: tf.Tensor2D) => tf.Scalar,
): number[] {
  const [n, dim] = rows.shape;
  const rowsT = tf.tidy(() => rows.transpose()); // [dim, n]: plain matmuls per block (fast on wasm)
  const squaredNorms = tf.tidy(() => rows.square().sum(1).reshape([1, n])); // [1, n]
  const out: number[] = [];
  try {
    for (let start = 0; start < n; start += chunkSize) {
      const count = Math.min(chunkSize, n - start);
      out.push(
        tf.tidy(() => {
          const block = rows.slice([start, 0], [count, dim]); // [count, dim]
          const blockNorms = squaredNorms.slice([0, start], [1, count]).reshape([count, 1]); // [count, 1]
          const squaredDistances = blockNorms.add(squaredNorms).sub(tf.matMul(block, rowsT).mul(2)).maximum(0) as tf.Tensor2D;
          const isSelf = tf.oneHot(tf.range(start, start + count, 1, 'int32'), n).cast('bool') as tf.Tensor2D;
          return reduce(squaredDistances, isSelf).dataSync()[0];
        }),
      );
    }
  } finally {
    tf.dispose([rowsT, squaredNorms]);
  }
  return out;
}

/** Default rows per block: about 4M pairs per block, at most 512 rows. */
export function defaultPairwiseChunk(n: number): number {
  return Math.max(1, Math.min(512, Math.floor((1 << 22) / n)));
}

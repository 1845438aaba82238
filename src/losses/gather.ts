/**
 * A differentiable row gather that works on every backend. `tf.gather`'s gradient needs the
 * `UnsortedSegmentSum` kernel, which the wasm backend (tfjs 4.22) does not register; this one
 * scatters the gradient back with `ScatterNd` (which sums repeated indices) instead.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';

const gatherOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const indices = args[1] as tf.Tensor1D;
  const save = args[2] as tf.GradSaveFunc;
  const shape = x.shape;
  save([indices]); // kept alive for the backward pass, which may run after the caller's tidy
  return {
    value: tf.gather(x, indices),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [index] = saved;
      return [tf.scatterND(tf.expandDims(index, 1), dy, shape), tf.zerosLike(index)];
    },
  };
}) as (x: tf.Tensor, indices: tf.Tensor1D) => tf.Tensor;

/**
 * Rows `indices` of `x` (along the first axis), differentiable with respect to `x` on every
 * backend; a row picked twice receives the sum of both gradients.
 *
 * @param x [n, ...] any float32 tensor.
 * @param indices [count] int32 row numbers in [0, n) (a tensor or an Int32Array / number[]).
 * @returns [count, ...].
 */
export function gatherRows<T extends tf.Tensor>(x: T, indices: tf.Tensor1D | Int32Array | number[]): T {
  return tf.tidy(() => {
    const index = indices instanceof tf.Tensor ? indices : tf.tensor1d(indices instanceof Int32Array ? indices : Int32Array.from(indices), 'int32');
    return gatherOp(x, index) as T;
  });
}

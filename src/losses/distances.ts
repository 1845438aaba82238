/**
 * Distance and similarity building blocks shared by the losses, the miners and the
 * design-your-own template: row-wise and pairwise (squared) Euclidean distances, a square root
 * whose gradient stays finite at 0, and `a·bᵀ` written so that the wasm backend takes its fast
 * matmul path.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** Below this squared distance a distance counts as exactly 0 (float32: |x|² ≈ 1e-12 ⇔ |x| ≈ 1e-6). */
export const DISTANCE_EPSILON = 1e-12;

/**
 * √x with a finite gradient everywhere: where x ≤ {@link DISTANCE_EPSILON} the value is 0 and the
 * gradient is 0 (instead of ∞·0 = NaN). Elsewhere it is the ordinary square root and its
 * gradient 1/(2√x).
 *
 * @param squared non-negative values, any shape (e.g. squared distances `[batch]`).
 * @returns √squared, same shape.
 */
export function safeSqrt(squared: tf.Tensor): tf.Tensor {
  return safeSqrtOp(squared);
}

// A custom gradient (rather than the "double where" trick) because tfjs cannot backpropagate
// through the comparison that would pick the branch ("gradient function not found for Greater").
const safeSqrtOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const positive = tf.greater(x, DISTANCE_EPSILON);
  const root = tf.where(positive, tf.sqrt(tf.maximum(x, DISTANCE_EPSILON)), tf.zerosLike(x));
  save([x, root]);
  return {
    value: root,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, y] = saved;
      const inside = tf.greater(input, DISTANCE_EPSILON);
      // d√x/dx = 1/(2√x) where x > ε, else 0.
      return tf.where(inside, tf.div(dy, tf.mul(2, tf.maximum(y, Math.sqrt(DISTANCE_EPSILON)))), tf.zerosLike(dy));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Squared Euclidean distance between matching rows: dᵢ² = ‖aᵢ − bᵢ‖².
 * @param a [batch, dim]
 * @param b [batch, dim]
 * @returns [batch]
 */
export function rowSquaredDistances(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.square(tf.sub(a, b)), -1) as tf.Tensor1D);
}

/**
 * Dot product between matching rows: aᵢ·bᵢ.
 * @param a [batch, dim]
 * @param b [batch, dim]
 * @returns [batch]
 */
export function rowDots(a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(a, b), -1) as tf.Tensor1D);
}

/**
 * a·bᵀ (`transposeB`; the kit's wasm kernel patches make that form as fast as a plain matmul).
 * @param a [n, dim]
 * @param b [m, dim]
 * @returns [n, m]
 */
export function matMulTransposed(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b, false, true);
}

/**
 * All pairwise squared Euclidean distances, Dᵢⱼ = ‖aᵢ − bⱼ‖² = ‖aᵢ‖² + ‖bⱼ‖² − 2 aᵢ·bⱼ, clamped at 0
 * (the expansion can round slightly below 0 in float32).
 * @param a [n, dim]
 * @param b [m, dim]
 * @returns [n, m]
 */
export function pairwiseSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const aNorms = tf.sum(tf.square(a), 1, true); // [n, 1]
    const bNorms = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]); // [1, m]
    const cross = matMulTransposed(a, b); // [n, m]
    return tf.relu(tf.sub(tf.add(aNorms, bNorms), tf.mul(2, cross))) as tf.Tensor2D;
  });
}

/**
 * All pairwise Euclidean distances ‖aᵢ − bⱼ‖, with a finite gradient where two points coincide.
 * @param a [n, dim]
 * @param b [m, dim]
 * @returns [n, m]
 */
export function pairwiseDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => safeSqrt(pairwiseSquaredDistances(a, b)) as tf.Tensor2D);
}

/**
 * Rows scaled to unit L2 norm (the losses' own copy; the package exports `l2Normalize` from models), xᵢ / max(‖xᵢ‖, 1e-12·…): a zero row stays zero instead of NaN.
 * @param x [n, dim]
 * @returns [n, dim]
 */
export function unitRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const squaredNorms = tf.sum(tf.square(x), 1, true); // [n, 1]
    return tf.mul(x, tf.rsqrt(tf.maximum(squaredNorms, DISTANCE_EPSILON))) as tf.Tensor2D;
  });
}

/**
 * The L2-normalise step that puts embeddings on the unit sphere, where a dot product is a cosine
 * similarity (InstDisc, MoCo and N-pair all compare unit vectors).
 *
 * @see notebooks/04-instance-discrimination.ipynb
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Divides each row by its Euclidean norm: x / max(‖x‖₂, epsilon). Differentiable; a zero row
 * stays zero instead of becoming NaN.
 *
 * @param x embeddings [batch, dim].
 * @param epsilon the smallest norm divided by (default 1e-12, as PyTorch's `F.normalize`).
 * @returns unit rows [batch, dim].
 */
export function l2Normalize(x: tf.Tensor2D, epsilon = 1e-12): tf.Tensor2D {
  if (!(x instanceof tf.Tensor) || x.rank !== 2) {
    throw new Error(`l2Normalize: 'x' must be a [batch, dim] tensor, got ${x instanceof tf.Tensor ? `[${x.shape}]` : typeof x}`);
  }
  if (!(epsilon > 0)) throw new Error(`l2Normalize: 'epsilon' must be > 0, got ${epsilon}`);
  return tf.tidy(() => {
    // max(‖x‖², ε²) before the square root: the same value as max(‖x‖, ε), but the gradient of
    // sqrt is never taken at 0, so a zero row has a finite gradient (1/ε) instead of NaN.
    const norms = tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), epsilon * epsilon)); // [batch, 1]
    return tf.div(x, norms) as tf.Tensor2D;
  });
}

/**
 * Runs `model` on `x` and L2-normalises the output: the embeddings the contrastive losses compare.
 *
 * @param model an encoder (e.g. from {@link createMlpEncoder}).
 * @param x inputs [batch, ...inputShape].
 * @param training passes `training` to layers that care (BatchNorm, dropout); default true.
 * @returns unit embeddings [batch, outputDim].
 */
export function encodeNormalized(model: tf.LayersModel, x: tf.Tensor, training = true): tf.Tensor2D {
  return tf.tidy(() => {
    const output = model.apply(x, { training }) as tf.Tensor;
    if (output.rank !== 2) throw new Error(`encodeNormalized: the model must output [batch, dim], got [${output.shape}]`);
    return l2Normalize(output as tf.Tensor2D);
  });
}

/**
 * The embedding dimension of an encoder, checking that it maps [batch, ...] to [batch, dim].
 *
 * @param model the encoder.
 * @param caller the calling function's name, for the error message.
 * @returns dim.
 */
export function embeddingDimOf(model: tf.LayersModel, caller: string): number {
  if (!(model instanceof tf.LayersModel)) throw new Error(`${caller}: 'encoder' must be a tf.LayersModel, got ${typeof model}`);
  const shape = model.outputs[0].shape;
  if (shape.length !== 2 || typeof shape[1] !== 'number') throw new Error(`${caller}: 'encoder' must output [batch, dim], got [${shape}]`);
  return shape[1];
}

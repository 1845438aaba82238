/**
 * Seeded weight initialisation: every weight of a tf.layers model is drawn from the kit's
 * {@link Rng} (not from tfjs' own initializers, whose seeds are not reliable — tensorflow/tfjs#7104),
 * so the same seed gives the same initial weights on every run and every backend.
 *
 * Two schemes (per layer with a kernel):
 * - `'he'` (the kit's default, as Keras): a kernel followed by ReLU gets He (Kaiming) uniform,
 *   limit √(6 / fanIn); any other kernel (a linear output) gets Glorot (Xavier) uniform, limit
 *   √(6 / (fanIn + fanOut)); biases are zero.
 * - `'pytorch'` (PyTorch's default for nn.Linear / nn.Conv2d): kernel and bias uniform with limit
 *   1 / √fanIn — a third of He's standard deviation, so the untrained network's outputs are
 *   about 3× smaller per layer. Reference implementations written in PyTorch start from this;
 *   for losses on unnormalised outputs (DrLIM's margin, N-pair's inner products) the starting
 *   scale changes the trajectory (measured in notebook 03).
 * - BatchNorm in both: γ = 1, β = 0, moving mean 0, moving variance 1.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../runtime/random';

/** Fan-in and fan-out of a dense kernel [in, out] or a conv kernel [kh, kw, in, out]. */
export function fansOf(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  if (shape.length === 4) {
    const receptive = shape[0] * shape[1];
    return { fanIn: receptive * shape[2], fanOut: receptive * shape[3] };
  }
  throw new Error(`fansOf: 'shape' must be a dense [in, out] or conv [kh, kw, in, out] kernel shape, got [${shape}]`);
}

/** Which activation a layer applies to its own output ('linear' when none). */
function activationOf(layer: tf.layers.Layer): string {
  const config = layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : 'linear';
}

/** Whether the layer at `index` feeds a ReLU, possibly through a BatchNormalization. */
function followedByRelu(layers: tf.layers.Layer[], index: number): boolean {
  let next = index + 1;
  while (next < layers.length && layers[next].getClassName() === 'BatchNormalization') next++;
  return next < layers.length && layers[next].getClassName() === 'Activation' && activationOf(layers[next]) === 'relu';
}

/** The initialisation schemes of {@link initializeWeights}. */
export type InitScheme = 'he' | 'pytorch';

/**
 * Overwrites every weight of `model` with seeded values (schemes above). Nested models (e.g. an
 * encoder stacked with a projection head) are walked recursively.
 *
 * @param model a tf.layers model (Sequential or functional).
 * @param rng the stream to draw from, e.g. `rngFor('weights')`.
 * @param scheme `'he'` (default) or `'pytorch'`.
 * @returns `model`, for chaining.
 */
export function initializeWeights<M extends tf.LayersModel>(model: M, rng: Rng, scheme: InitScheme = 'he'): M {
  if (!(model instanceof tf.LayersModel)) {
    throw new Error(`initializeWeights: 'model' must be a tf.LayersModel, got ${typeof model}`);
  }
  if (!(rng instanceof Rng)) throw new Error(`initializeWeights: 'rng' must be an Rng (from rngFor), got ${typeof rng}`);
  if (scheme !== 'he' && scheme !== 'pytorch') throw new Error(`initializeWeights: 'scheme' must be 'he' or 'pytorch', got ${JSON.stringify(scheme)}`);
  const visit = (layers: tf.layers.Layer[]) => {
    layers.forEach((layer, index) => {
      if (layer instanceof tf.LayersModel) {
        visit(layer.layers);
        return;
      }
      const weights = layer.getWeights();
      if (weights.length === 0) return;
      const isBatchNorm = layer.getClassName() === 'BatchNormalization';
      const relu = activationOf(layer) === 'relu' || followedByRelu(layers, index);
      const values = layer.weights.map((variable, i) => {
        const shape = weights[i].shape;
        const size = weights[i].size;
        const name = variable.originalName ?? variable.name;
        if (isBatchNorm) {
          const one = /gamma|moving_variance/.test(name);
          return tf.fill(shape, one ? 1 : 0);
        }
        if (scheme === 'pytorch') {
          // A bias has the fan-in of its layer's kernel (weights[0]).
          const limit = 1 / Math.sqrt(fansOf(weights[0].shape).fanIn);
          return tf.tensor(rng.uniformArray(size, -limit, limit), shape);
        }
        if (/bias/.test(name) || shape.length < 2) return tf.zeros(shape);
        const { fanIn, fanOut } = fansOf(shape);
        const limit = relu ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
        return tf.tensor(rng.uniformArray(size, -limit, limit), shape);
      });
      layer.setWeights(values);
      tf.dispose(values);
    });
  };
  visit(model.layers);
  return model;
}

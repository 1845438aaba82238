/**
 * The encoders every notebook trains: a multilayer perceptron and a small convolutional network,
 * both tf.layers models (so they have `apply`/`predict`, `getWeights`/`setWeights` for
 * checkpoints, and `summary()`), with weights drawn from the kit's seeded PRNG.
 *
 * **No BatchNorm by default.** BatchNorm normalises each sample with statistics of the whole
 * batch, so one sample's embedding depends on the other samples in the batch. A contrastive loss
 * can exploit that leak — the model learns to recognise "which batch am I in" instead of learning
 * good features — which is why MoCo (He et al. 2020, §3.3) needed Shuffle-BN. Pass
 * `batchNorm: true` to see the effect (notebook 05).
 *
 * Siamese use: ONE encoder applied to both inputs shares its weights by construction —
 * ```ts
 * const encoder = createMlpEncoder({ outputDim: 2 });
 * const loss = () => contrastiveLoss(encoder.apply(x1) as tf.Tensor2D, encoder.apply(x2) as tf.Tensor2D, similar, { margin: 1 });
 * optimizer.minimize(loss); // gradients from both branches add up in the same variables
 * ```
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireOneOf, requirePositiveInteger, requirePositiveIntegers } from '../checks';
import { Rng, rngFor } from '../runtime/random';
import { initializeWeights, type InitScheme } from './init';

/** Options of {@link createMlpEncoder}. */
export interface MlpEncoderOptions {
  /** Shape of one input sample without the batch axis (default [784]); an image shape like [28, 28, 1] is flattened first. */
  inputShape?: number[];
  /** Widths of the hidden layers, each followed by ReLU (default [512, 256]). */
  hiddenUnits?: number[];
  /** Width of the linear output layer: the embedding dimension (default 128). */
  outputDim?: number;
  /** Insert BatchNormalization before each hidden ReLU (default false; see the module docs for why). */
  batchNorm?: boolean;
  /** The stream the initial weights are drawn from (default `rngFor('weights')`). */
  rng?: Rng;
  /** Weight initialisation: `'he'` (default) or `'pytorch'` (PyTorch's default, see `initializeWeights`). */
  init?: InitScheme;
  /** Model name (default 'mlp-encoder'). */
  name?: string;
}

/** Options of {@link createCnnEncoder}. */
export interface CnnEncoderOptions {
  /** Input image shape [height, width, channels] (default [28, 28, 1]). */
  inputShape?: [number, number, number];
  /** Filters of each conv block (conv k×k 'valid' → ReLU → maxpool 2); default [32, 64]. */
  filters?: number[];
  /** Conv kernel size (default 3). */
  kernelSize?: number;
  /** Widths of the dense hidden layers after flatten, each followed by ReLU (default [128]). */
  denseUnits?: number[];
  /** Width of the linear output layer: the embedding dimension (default 128). */
  outputDim?: number;
  /** Insert BatchNormalization before each ReLU (default false; see the module docs for why). */
  batchNorm?: boolean;
  /** The stream the initial weights are drawn from (default `rngFor('weights')`). */
  rng?: Rng;
  /** Weight initialisation: `'he'` (default) or `'pytorch'` (PyTorch's default, see `initializeWeights`). */
  init?: InitScheme;
  /** Model name (default 'cnn-encoder'). */
  name?: string;
}

/**
 * An MLP encoder: [flatten →] (dense → ReLU)* → dense (linear output).
 * Defaults are the bench shape 784-512-256-128.
 *
 * @param options see {@link MlpEncoderOptions}.
 * @returns a tf.Sequential mapping [batch, ...inputShape] → [batch, outputDim] (not normalised;
 *   use {@link l2Normalize} for unit embeddings).
 * @example
 * const encoder = createMlpEncoder({ hiddenUnits: [64], outputDim: 2 });
 * const embeddings = encoder.predict(tf.zeros([8, 784])) as tf.Tensor2D; // [8, 2]
 */
export function createMlpEncoder(options: MlpEncoderOptions = {}): tf.Sequential {
  const fn = 'createMlpEncoder';
  const inputShape = requirePositiveIntegers(fn, 'inputShape', options.inputShape ?? [784]);
  const hiddenUnits = options.hiddenUnits ?? [512, 256];
  if (!Array.isArray(hiddenUnits)) throw new Error(`${fn}: 'hiddenUnits' must be an array, got ${JSON.stringify(hiddenUnits)}`);
  if (hiddenUnits.length > 0) requirePositiveIntegers(fn, 'hiddenUnits', hiddenUnits);
  const outputDim = requirePositiveInteger(fn, 'outputDim', options.outputDim ?? 128);
  const batchNorm = options.batchNorm ?? false;
  const model = tf.sequential({ name: options.name ?? 'mlp-encoder' });
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape }));
  const first = inputShape.length > 1 ? {} : { inputShape };
  hiddenUnits.forEach((units, i) => {
    const extra = i === 0 ? first : {};
    if (batchNorm) {
      model.add(tf.layers.dense({ ...extra, units, kernelInitializer: 'zeros', useBias: false }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
    } else {
      model.add(tf.layers.dense({ ...extra, units, activation: 'relu', kernelInitializer: 'zeros' }));
    }
  });
  model.add(tf.layers.dense({ ...(hiddenUnits.length === 0 ? first : {}), units: outputDim, kernelInitializer: 'zeros' }));
  return initializeWeights(model, options.rng ?? rngFor('weights'), options.init === undefined ? 'he' : requireOneOf<InitScheme>(fn, 'init', options.init, ['he', 'pytorch']));
}

/**
 * A small CNN encoder. Defaults are the bench shape for [28, 28, 1] inputs:
 * conv3×3·32 'valid' → ReLU → maxpool2 → conv3×3·64 'valid' → ReLU → maxpool2 → flatten →
 * dense128 → ReLU → dense128 (linear output).
 *
 * On the wasm backend, training a conv net needs the `Conv2DBackpropFilter` kernel that the kit
 * registers when the backend is selected (`selectBackend`).
 *
 * @param options see {@link CnnEncoderOptions}.
 * @returns a tf.Sequential mapping [batch, h, w, c] → [batch, outputDim] (not normalised).
 */
export function createCnnEncoder(options: CnnEncoderOptions = {}): tf.Sequential {
  const fn = 'createCnnEncoder';
  const inputShape = options.inputShape ?? [28, 28, 1];
  if (inputShape.length !== 3) throw new Error(`${fn}: 'inputShape' must be [height, width, channels], got ${JSON.stringify(inputShape)}`);
  requirePositiveIntegers(fn, 'inputShape', inputShape);
  const filters = requirePositiveIntegers(fn, 'filters', options.filters ?? [32, 64]);
  const kernelSize = requirePositiveInteger(fn, 'kernelSize', options.kernelSize ?? 3);
  const denseUnits = options.denseUnits ?? [128];
  if (!Array.isArray(denseUnits)) throw new Error(`${fn}: 'denseUnits' must be an array, got ${JSON.stringify(denseUnits)}`);
  if (denseUnits.length > 0) requirePositiveIntegers(fn, 'denseUnits', denseUnits);
  const outputDim = requirePositiveInteger(fn, 'outputDim', options.outputDim ?? 128);
  const batchNorm = options.batchNorm ?? false;
  // Check the spatial size stays positive through every block.
  let [height, width] = inputShape;
  for (const _ of filters) {
    height = Math.floor((height - kernelSize + 1) / 2);
    width = Math.floor((width - kernelSize + 1) / 2);
    if (height < 1 || width < 1) {
      throw new Error(`${fn}: input ${JSON.stringify(inputShape)} is too small for ${filters.length} conv(${kernelSize})+pool blocks`);
    }
  }
  const model = tf.sequential({ name: options.name ?? 'cnn-encoder' });
  filters.forEach((count, i) => {
    const extra = i === 0 ? { inputShape } : {};
    if (batchNorm) {
      model.add(tf.layers.conv2d({ ...extra, filters: count, kernelSize, padding: 'valid', useBias: false, kernelInitializer: 'zeros' }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
    } else {
      model.add(tf.layers.conv2d({ ...extra, filters: count, kernelSize, padding: 'valid', activation: 'relu', kernelInitializer: 'zeros' }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  });
  model.add(tf.layers.flatten());
  for (const units of denseUnits) {
    if (batchNorm) {
      model.add(tf.layers.dense({ units, useBias: false, kernelInitializer: 'zeros' }));
      model.add(tf.layers.batchNormalization());
      model.add(tf.layers.activation({ activation: 'relu' }));
    } else {
      model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'zeros' }));
    }
  }
  model.add(tf.layers.dense({ units: outputDim, kernelInitializer: 'zeros' }));
  return initializeWeights(model, options.rng ?? rngFor('weights'), options.init === undefined ? 'he' : requireOneOf<InitScheme>(fn, 'init', options.init, ['he', 'pytorch']));
}

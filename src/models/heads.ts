/**
 * Projection heads: the small network between the encoder's features and the embedding the loss
 * sees. MoCo v1 uses a linear head; MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297)
 * replaces it by a 2-layer MLP (dense → ReLU → dense), which alone raised ImageNet linear-probe
 * accuracy from 60.6 % to 66.2 % (MoCo v2 paper, Table 1).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireOneOf, requirePositiveInteger } from '../checks';
import { Rng, rngFor } from '../runtime/random';
import { initializeWeights } from './init';

/** Options of {@link createProjectionHead}. */
export interface ProjectionHeadOptions {
  /** Width of the features the head receives. */
  inputDim: number;
  /** Width of the embedding it outputs (default 128). */
  outputDim?: number;
  /** 'linear' (MoCo v1, InstDisc) or 'mlp' (MoCo v2: dense → ReLU → dense). Default 'linear'. */
  kind?: 'linear' | 'mlp';
  /** Hidden width of the 'mlp' head (default `inputDim`, as MoCo v2). */
  hiddenUnits?: number;
  /** The stream the initial weights are drawn from (default `rngFor('head-weights')`). */
  rng?: Rng;
  /** Model name (default 'projection-head'). */
  name?: string;
}

/**
 * A projection head.
 *
 * @returns a tf.Sequential [batch, inputDim] → [batch, outputDim].
 */
export function createProjectionHead(options: ProjectionHeadOptions): tf.Sequential {
  const fn = 'createProjectionHead';
  const { inputDim } = options;
  const outputDim = options.outputDim ?? 128;
  const kind = options.kind ?? 'linear';
  const hiddenUnits = options.hiddenUnits ?? inputDim;
  for (const [what, value] of [['inputDim', inputDim], ['outputDim', outputDim], ['hiddenUnits', hiddenUnits]] as const) requirePositiveInteger(fn, what, value);
  requireOneOf(fn, 'kind', kind, ['linear', 'mlp']);
  const model = tf.sequential({ name: options.name ?? 'projection-head' });
  if (kind === 'mlp') {
    model.add(tf.layers.dense({ inputShape: [inputDim], units: hiddenUnits, activation: 'relu', kernelInitializer: 'zeros' }));
    model.add(tf.layers.dense({ units: outputDim, kernelInitializer: 'zeros' }));
  } else {
    model.add(tf.layers.dense({ inputShape: [inputDim], units: outputDim, kernelInitializer: 'zeros' }));
  }
  return initializeWeights(model, options.rng ?? rngFor('head-weights'));
}

/**
 * Stacks an encoder (backbone) and a head into one model whose weights are the union of both
 * (the same variables: training the stack trains the parts).
 *
 * @param backbone [batch, ...inputShape] → [batch, features].
 * @param head [batch, features] → [batch, outputDim].
 * @returns a tf.Sequential [batch, ...inputShape] → [batch, outputDim].
 */
export function withProjectionHead(backbone: tf.LayersModel, head: tf.LayersModel, name = 'encoder-with-head'): tf.Sequential {
  const fn = 'withProjectionHead';
  const features = backbone.outputs[0].shape;
  const expected = head.inputs[0].shape;
  if (features[features.length - 1] !== expected[expected.length - 1]) {
    throw new Error(`${fn}: the head expects ${expected[expected.length - 1]} features but the backbone outputs [${features}]`);
  }
  const model = tf.sequential({ name });
  model.add(backbone);
  model.add(head);
  return model;
}

/**
 * The momentum (key) encoder of MoCo (He et al. 2020, https://arxiv.org/abs/1911.05722, Eq. 2):
 * a copy of the query encoder whose weights follow the query's as an exponential moving average,
 * θk ← m·θk + (1−m)·θq, updated once per step BEFORE the keys are encoded. It never receives
 * gradients (its variables are not trainable), so the keys in the queue change slowly and stay
 * comparable with each other. m = 0 makes it a plain copy (MoCo's ablation: training fails),
 * m = 1 freezes it; the paper uses 0.999, the CIFAR Colab 0.99.
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { encodeNormalized } from './normalize';

/**
 * A structural copy of a tf.layers model with the same weight values (new variables).
 *
 * @param model a Sequential or functional tf.layers model.
 * @returns an independent model: training one does not change the other.
 */
export function cloneModel<M extends tf.LayersModel>(model: M): M {
  if (!(model instanceof tf.LayersModel)) throw new Error(`cloneModel: 'model' must be a tf.LayersModel, got ${typeof model}`);
  const ctor = model.constructor as unknown as {
    fromConfig: (cls: unknown, config: tf.serialization.ConfigDict) => M;
  };
  const copy = ctor.fromConfig(model.constructor, model.getConfig() as unknown as tf.serialization.ConfigDict);
  const pairs: Array<[tf.LayerVariable, tf.LayerVariable]> = [];
  pairWeights(model.layers, copy.layers, pairs);
  tf.tidy(() => pairs.forEach(([from, to]) => to.write(from.read().clone())));
  return copy;
}

/**
 * The weights of two models with the same architecture, paired layer by layer. (A model's
 * `weights` lists trainable weights first, so a frozen copy lists them in another order: pairing
 * by position in `model.weights` would mix up BatchNorm statistics and kernels.)
 */
function pairWeights(query: tf.layers.Layer[], key: tf.layers.Layer[], out: Array<[tf.LayerVariable, tf.LayerVariable]>): void {
  if (query.length !== key.length) throw new Error(`MomentumEncoder: the key encoder has ${key.length} layers where the query has ${query.length}`);
  query.forEach((layer, i) => {
    const other = key[i];
    if (layer instanceof tf.LayersModel && other instanceof tf.LayersModel) {
      pairWeights(layer.layers, other.layers, out);
      return;
    }
    const [q, k] = [layer.weights, other.weights];
    if (q.length !== k.length || q.some((w, j) => w.shape.join() !== k[j].shape.join())) {
      throw new Error(`MomentumEncoder: layer ${i} (${layer.name}) has weights [${q.map((w) => `[${w.shape}]`)}] in the query, [${k.map((w) => `[${w.shape}]`)}] in the key`);
    }
    q.forEach((w, j) => out.push([w, k[j]]));
  });
}

/** Options of {@link MomentumEncoder}. */
export interface MomentumEncoderOptions {
  /** m in θk ← m·θk + (1−m)·θq, in [0, 1] (default 0.999 as MoCo; 0.99 for small data). */
  momentum?: number;
  /** An existing key encoder to use instead of a fresh copy (its weights are overwritten by the query's). */
  key?: tf.LayersModel;
}

/** A query encoder and its momentum-updated key encoder. */
export class MomentumEncoder {
  /** The encoder trained by gradients (q = f_q(x_q)). */
  readonly query: tf.LayersModel;
  /** The momentum encoder (k = f_k(x_k)); not trainable. */
  readonly key: tf.LayersModel;
  private momentumValue: number;

  /**
   * @param query the query encoder; the key encoder starts as an exact copy of it.
   * @param options see {@link MomentumEncoderOptions}.
   */
  constructor(query: tf.LayersModel, options: MomentumEncoderOptions = {}) {
    if (!(query instanceof tf.LayersModel)) throw new Error(`MomentumEncoder: 'query' must be a tf.LayersModel, got ${typeof query}`);
    this.query = query;
    this.momentumValue = MomentumEncoder.checkMomentum(options.momentum ?? 0.999);
    this.key = options.key ?? cloneModel(query);
    this.key.trainable = false;
    pairWeights(query.layers, this.key.layers, this.pairs);
    // Start as an exact copy (also when an existing key encoder was given).
    tf.tidy(() => this.pairs.forEach(([q, k]) => k.write(q.read().clone())));
  }

  /** [query weight, key weight] pairs, layer by layer. */
  private readonly pairs: Array<[tf.LayerVariable, tf.LayerVariable]> = [];

  private static checkMomentum(momentum: number): number {
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
      throw new Error(`MomentumEncoder: 'momentum' must be a number in [0, 1], got ${momentum}`);
    }
    return momentum;
  }

  /** The current m (a schedule may change it between steps). */
  get momentum(): number {
    return this.momentumValue;
  }

  set momentum(value: number) {
    this.momentumValue = MomentumEncoder.checkMomentum(value);
  }

  /**
   * One momentum step: θk ← m·θk + (1−m)·θq for every trainable weight of the query encoder.
   * Non-trainable weights (BatchNorm moving statistics) are the key encoder's own, as in the
   * reference code (it averages `parameters()`, not buffers). Call it before encoding the keys.
   */
  update(): void {
    const m = this.momentumValue;
    tf.tidy(() => {
      this.pairs.forEach(([queryWeight, k]) => {
        if (m === 1 || !queryWeight.trainable) return;
        const q = queryWeight.read();
        k.write(m === 0 ? q.clone() : tf.add(tf.mul(k.read(), m), tf.mul(q, 1 - m)));
      });
    });
  }

  /**
   * Encodes keys with the key encoder, L2-normalised, outside any gradient.
   *
   * @param x key views [batch, ...inputShape].
   * @returns k [batch, dim], unit rows.
   */
  encodeKeys(x: tf.Tensor): tf.Tensor2D {
    return encodeNormalized(this.key, x, true);
  }

  /** Disposes the key encoder's variables (the query encoder belongs to the caller). */
  dispose(): void {
    this.key.dispose();
  }
}

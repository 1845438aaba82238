/**
 * A tiny labelled image set for tests of encoder-level helpers (evaluation, probes): four classes,
 * class c bright in the c-th band of seven image rows, and a flat encoder that reads the bands.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/fashion-mnist';
import { Rng } from '../runtime/random';

/** `count` noisy 28×28 images; image i has class i mod 4, bright (150–250) in band i mod 4, dark (30–130) elsewhere. */
export function bandSplit(name: 'train' | 'test', count: number, seed: number): ImageSplit {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 4;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.round((Math.floor(p / 196) === labels[i] ? 150 : 30) + 100 * rng.next());
  }
  return { name, images, labels, count, height: 28, width: 28 };
}

/** A flat encoder [batch, 784] → [batch, 5]: feature c is the mean of band c, feature 4 a fixed random projection. */
export function bandEncoder(): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 5, useBias: false })] });
  const kernel = new Float32Array(784 * 5);
  const rng = new Rng(1);
  for (let p = 0; p < 784; p++) {
    kernel[p * 5 + Math.floor(p / 196)] = 1 / 196;
    kernel[p * 5 + 4] = rng.normal() / 28;
  }
  model.layers[0].setWeights([tf.tensor2d(kernel, [784, 5])]);
  return model;
}

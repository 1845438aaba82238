/**
 * BatchNorm groups and Shuffle-BN for MoCo (He et al. 2020, https://arxiv.org/abs/1911.05722,
 * section 3.3), on one device.
 *
 * MoCo trains on several GPUs, and BatchNorm normalises with each GPU's own part of the batch. If a
 * query and its positive key were normalised with the same group of samples, the model could
 * "cheat" the pretext task: the batch statistics leak which key belongs to the query, and a low
 * loss no longer needs good features. MoCo's fix, Shuffle-BN: the key encoder's batch is shuffled
 * before it is split between the GPUs and unshuffled afterwards, so a query and its positive key
 * are normalised with different groups.
 *
 * Here the G "GPUs" are G equal chunks of the batch, each run through the encoder on its own (so
 * each BatchNorm layer sees only its chunk's statistics):
 * - {@link encodeInGroups}: the query side — chunk i is samples i·B/G … (i+1)·B/G − 1;
 * - {@link encodeKeysShuffled}: the key side — a random permutation first, chunks of the permuted
 *   batch, then the rows put back in their original order.
 *
 * Without BatchNorm the grouping changes nothing (every sample's output depends on itself only).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requireInteger } from '../checks';
import { Rng } from '../runtime/random';
import { l2Normalize } from './normalize';

function checkGroups(batch: number, groups: number, fn: string): void {
  requireInteger(fn, 'groups', groups, 1);
  if (batch % groups !== 0) throw new Error(`${fn}: the batch of ${batch} must split into 'groups' = ${groups} equal chunks`);
}

/**
 * Runs `model` on each of `groups` equal chunks of `x` separately (BatchNorm sees one chunk at a
 * time) and returns the L2-normalised outputs in the original order.
 *
 * @param model the encoder, [batch, ...] → [batch, dim].
 * @param x inputs [batch, ...inputShape]; batch must be a multiple of `groups`.
 * @param groups G, the number of BatchNorm groups (1: the whole batch at once).
 * @param training passed to the layers (default true: BatchNorm uses the chunk's statistics).
 * @returns unit embeddings [batch, dim].
 */
export function encodeInGroups(model: tf.LayersModel, x: tf.Tensor, groups: number, training = true): tf.Tensor2D {
  const fn = 'encodeInGroups';
  checkGroups(x.shape[0], groups, fn);
  return tf.tidy(() => {
    const chunks = groups === 1 ? [x] : tf.split(x, groups, 0);
    const outputs = chunks.map((chunk) => model.apply(chunk, { training }) as tf.Tensor2D); // G × [batch/G, dim]
    if (outputs[0].rank !== 2) throw new Error(`${fn}: the model must output [batch, dim], got [${outputs[0].shape}]`);
    return l2Normalize(groups === 1 ? outputs[0] : (tf.concat(outputs, 0) as tf.Tensor2D));
  });
}

/**
 * Shuffle-BN's key side: shuffles the batch with a permutation drawn from `rng`, encodes it in
 * `groups` chunks ({@link encodeInGroups}), and restores the original order, so row i of the
 * result is the key of input row i, normalised with a random group of other samples.
 *
 * @param model the key (momentum) encoder.
 * @param x key views [batch, ...inputShape]; batch must be a multiple of `groups`.
 * @param groups G, the number of BatchNorm groups.
 * @param rng the stream the permutation is drawn from (one permutation per call).
 * @returns unit keys [batch, dim], in the order of `x`.
 */
export function encodeKeysShuffled(model: tf.LayersModel, x: tf.Tensor, groups: number, rng: Rng): tf.Tensor2D {
  const fn = 'encodeKeysShuffled';
  checkGroups(x.shape[0], groups, fn);
  if (!(rng instanceof Rng)) throw new Error(`${fn}: 'rng' must be an Rng (e.g. rngFor('shuffle-bn')), got ${typeof rng}`);
  const batch = x.shape[0];
  const order = rng.permutation(batch); // position p of the shuffled batch holds input row order[p]
  const inverse = new Int32Array(batch); // input row i sits at position inverse[i]
  order.forEach((row, position) => { inverse[row] = position; });
  return tf.tidy(() => {
    const shuffled = tf.gather(x, tf.tensor1d(Int32Array.from(order), 'int32')); // [batch, ...]
    const keys = encodeInGroups(model, shuffled, groups, true); // [batch, dim] in shuffled order
    return tf.gather(keys, tf.tensor1d(inverse, 'int32')) as tf.Tensor2D;
  });
}

/**
 * Test helper: a small training state with one of each kind of part a checkpoint stores — an MLP
 * encoder, Adam, a MoCo queue, a memory bank, an RNG and a variable — and an Adam step to change it.
 * The checkpoint tests (src/train/checkpoint.test.ts) and loadOrTrain's (src/notebook/) use it.
 */
import * as tf from '@tensorflow/tfjs';
import { createMlpEncoder } from '../models/encoders';
import { MemoryBank } from '../models/memory-bank';
import { MocoQueue } from '../models/queue';
import { Rng } from '../runtime/random';
import type { TrainingState } from '../train/checkpoint';

/** The state {@link makeTrainingState} builds: every field present. */
export type FullTrainingState = TrainingState & {
  models: { encoder: tf.LayersModel };
  optimizer: tf.Optimizer;
  queue: MocoQueue;
  memoryBank: MemoryBank;
  rngs: { data: Rng };
  variables: { temperature: tf.Variable };
};

/**
 * A 3 → 4 → 2 MLP encoder seeded by `seed`, a fresh Adam (lr 0.01), a 4×2 queue and a 5×2 bank
 * seeded by `seed`, the RNG `data` (seed 11) and the variable `temperature` = 0.07·seed.
 */
export function makeTrainingState(seed: number): FullTrainingState {
  return {
    models: { encoder: createMlpEncoder({ inputShape: [3], hiddenUnits: [4], outputDim: 2, rng: new Rng(seed) }) },
    optimizer: tf.train.adam(0.01),
    queue: new MocoQueue({ queueSize: 4, dim: 2, rng: new Rng(seed) }),
    memoryBank: new MemoryBank({ size: 5, dim: 2, rng: new Rng(seed) }),
    rngs: { data: new Rng(11) },
    variables: { temperature: tf.variable(tf.scalar(0.07 * seed)) },
  };
}

/** Frees every tensor of a state from {@link makeTrainingState}. */
export function disposeTrainingState(state: FullTrainingState): void {
  state.models.encoder.dispose();
  state.optimizer.dispose();
  state.queue.dispose();
  state.memoryBank.dispose();
  state.variables.temperature.dispose();
}

/** One Adam step of the encoder on a fixed batch [2, 3], minimising the sum of its squared outputs. */
export function adamStep(state: FullTrainingState): void {
  const input = tf.tensor2d([[1, 2, 3], [-1, 0, 2]]); // [2, 3]
  const model = state.models.encoder;
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  tf.dispose(state.optimizer.minimize(() => tf.sum(tf.square(model.apply(input) as tf.Tensor)) as tf.Scalar, true, variables) as tf.Scalar);
  input.dispose();
}

/** A model's weights as plain arrays (to compare with deepEqual). */
export function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/**
 * tfjs' stateful objects as {@link Checkpointable}s: a model's weights, an optimizer's state
 * (Adam's moments and step count, through `getWeights`/`setWeights`) and a variable. The kit's own
 * stateful parts (the PRNG, the MoCo queue, the memory bank) implement the contract themselves.
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Checkpointable, expectStoredShape, storedTensor, tensorFromStored } from '../runtime/checkpointable';

/** What a checkpoint stores about each weight of a model besides its values. */
interface StoredWeight {
  name: string;
  shape: number[];
}

/** What a checkpoint stores about an optimizer besides its slots. */
interface StoredOptimizer {
  className: string;
  count: number;
}

/**
 * A model's weights as a {@link Checkpointable}: their names and shapes as JSON, their values as
 * tensors `0`, `1`, … in the model's weight order.
 */
export function checkpointableModel(model: tf.LayersModel): Checkpointable {
  return {
    saveCheckpoint() {
      const weights = model.weights;
      const layout: StoredWeight[] = weights.map((w) => ({ name: w.originalName ?? w.name, shape: w.shape as number[] }));
      return { json: layout, tensors: Object.fromEntries(weights.map((w, i) => [String(i), storedTensor(w.read())])) };
    },
    checkCheckpoint(stored) {
      const layout = stored.json as StoredWeight[];
      const weights = model.weights;
      if (layout.length !== weights.length) {
        stored.problem(`${stored.label} has ${layout.length} weight tensors in the checkpoint, ${weights.length} now`);
        return;
      }
      weights.forEach((w, i) => expectStoredShape(stored, `${stored.label} weight ${i} (${layout[i].name})`, stored.tensor(String(i)), w.shape));
    },
    restoreCheckpoint(stored) {
      const tensors = model.weights.map((_, i) => tensorFromStored(stored.tensor(String(i))!));
      model.setWeights(tensors);
      tf.dispose(tensors);
    },
  };
}

/**
 * An optimizer's state as a {@link Checkpointable}: its class and slot count as JSON, its slots
 * (`getWeights`: for Adam the step count, then the moments of each trainable weight in model
 * order) as tensors `0`, `1`, …. Restoring needs the same optimizer class.
 */
export function checkpointableOptimizer(optimizer: tf.Optimizer): Checkpointable {
  return {
    async saveCheckpoint() {
      const named = await optimizer.getWeights();
      const layout: StoredOptimizer = { className: optimizer.getClassName(), count: named.length };
      return { json: layout, tensors: Object.fromEntries(named.map((entry, i) => [String(i), storedTensor(entry.tensor)])) };
    },
    checkCheckpoint(stored) {
      const layout = stored.json as StoredOptimizer;
      if (layout.className !== optimizer.getClassName()) {
        stored.problem(`${stored.label} is ${layout.className} in the checkpoint, ${optimizer.getClassName()} now`);
        return;
      }
      for (let i = 0; i < layout.count; i++) stored.tensor(String(i));
    },
    async restoreCheckpoint(stored) {
      const { count } = stored.json as StoredOptimizer;
      const existing = await optimizer.getWeights(); // the slots it has now (replaced below)
      const named = Array.from({ length: count }, (_, i) => ({ name: existing[i]?.name ?? `slot-${i}`, tensor: tensorFromStored(stored.tensor(String(i))!) }));
      await optimizer.setWeights(named);
      tf.dispose(named.map((entry) => entry.tensor));
      tf.dispose(existing.map((entry) => entry.tensor)); // setWeights made new slot variables: free the old ones
    },
  };
}

/** A variable as a {@link Checkpointable}: its value as the part's one tensor (named `''`). */
export function checkpointableVariable(variable: tf.Variable): Checkpointable {
  return {
    saveCheckpoint: () => ({ tensors: { '': storedTensor(variable) } }),
    checkCheckpoint: (stored) => expectStoredShape(stored, stored.label, stored.tensor(''), variable.shape),
    restoreCheckpoint(stored) {
      const value = stored.tensor('')!;
      tf.tidy(() => variable.assign(tensorFromStored(value)));
    },
  };
}

/**
 * The two ways {@link train} runs a step, as one kind of function: batch in, loss and metrics out
 * as plain numbers.
 *
 * - loss mode ({@link lossModeStep}): the caller gives a loss; the step minimises it with the
 *   optimizer over the trainable variables;
 * - step mode ({@link stepModeStep}): the caller gives a whole step that applies its own
 *   gradients (e.g. a MoCo trainer, which also updates its key encoder and queue).
 *
 * Both run inside `tf.tidy`, so a step leaves no tensor behind.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** What a step is told about where it is in the run. */
export interface StepContext {
  /** Global step number (0-based; continues across epochs and resumed runs). */
  step: number;
  /** Epoch number (0-based). */
  epoch: number;
  /** Batch number within the epoch (0-based). */
  stepInEpoch: number;
  /** The learning rate set for this step. */
  learningRate: number;
}

/** What a full step returns: the loss and optional metrics, as plain numbers. */
export interface StepOutput {
  loss: number;
  metrics?: Record<string, number>;
}

/** A loss for loss mode: returns the scalar to minimise, optionally with metric scalars. */
export type LossFunction<B> = (batch: B, context: StepContext) => tf.Scalar | { loss: tf.Scalar; metrics?: Record<string, tf.Scalar> };

/** A full step for step mode (it applies its own gradients, e.g. a MoCo trainer). Must be synchronous. */
export type StepFunction<B> = (batch: B, context: StepContext) => StepOutput | number;

/** One step as the loop runs it, whichever the mode: the batch's loss and metrics as numbers. */
export type StepRunner<B> = (batch: B, context: StepContext) => StepOutput;

/** The function named in the step's errors: the caller's entry point. */
const fn = 'train';

/**
 * Loss mode: a step that minimises `loss` over `variables` with `optimizer` (one
 * `optimizer.minimize` inside `tf.tidy`) and reads the loss and the metric scalars back as numbers.
 *
 * @param loss returns the scalar to minimise, or `{ loss, metrics }` with metric scalars.
 * @param optimizer applies the gradients.
 * @param variables the variables to train.
 */
export function lossModeStep<B>(loss: LossFunction<B>, optimizer: tf.Optimizer, variables: tf.Variable[]): StepRunner<B> {
  return (batch, context) => {
    let metricTensors: Record<string, tf.Scalar> | undefined;
    const lossValue = tf.tidy(() => {
      const cost = optimizer.minimize(() => {
        const out = loss(batch, context);
        if (out instanceof tf.Tensor) return out;
        if (out === null || typeof out !== 'object' || !(out.loss instanceof tf.Tensor)) {
          throw new Error(`${fn}: 'loss' must return a scalar tensor or { loss, metrics? }`);
        }
        if (out.metrics) {
          metricTensors = {};
          for (const [name, value] of Object.entries(out.metrics)) metricTensors[name] = tf.keep(value);
        }
        return out.loss;
      }, true, variables);
      if (!cost || cost.size !== 1) throw new Error(`${fn}: 'loss' must return a scalar, got shape [${cost?.shape}]`);
      return cost.dataSync()[0];
    });
    const metrics: Record<string, number> | undefined = metricTensors
      ? Object.fromEntries(Object.entries(metricTensors).map(([name, value]) => [name, value.dataSync()[0]]))
      : undefined;
    if (metricTensors) tf.dispose(Object.values(metricTensors));
    return { loss: lossValue, metrics };
  };
}

/**
 * Step mode: runs the caller's full step inside `tf.tidy` (tensors it leaves are freed) and checks
 * that it returned a number or `{ loss: number, metrics? }`.
 *
 * @param step the caller's step, e.g. `createMocoTrainer(...).step`.
 */
export function stepModeStep<B>(step: StepFunction<B>): StepRunner<B> {
  return (batch, context) => {
    const out = tf.tidy(() => {
      const result = step(batch, context);
      return (typeof result === 'number' ? { loss: result } : result) as unknown as tf.TensorContainer;
    }) as unknown as StepOutput;
    if (out === null || typeof out !== 'object' || typeof out.loss !== 'number') {
      throw new Error(`${fn}: 'step' must return a number or { loss: number, metrics? }, got ${JSON.stringify(out)}`);
    }
    return out;
  };
}

/**
 * Chooses, once per run, how {@link train} steps: loss mode or step mode, the variables and
 * optimizer of loss mode (the loop's own Adam when none is given), and how each step's learning
 * rate is read and set.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { LearningRateSchedule, constantSchedule, learningRateDriver } from './schedules';
import { LossFunction, StepFunction, StepRunner, lossModeStep, stepModeStep } from './step-functions';

/** The options of {@link train} that decide how a step runs. */
export interface StepOptions<B> {
  /** Loss mode: the loss to minimise over `model`'s trainable weights (or `variables`). */
  loss?: LossFunction<B>;
  /** Step mode: a full step (e.g. `createMocoTrainer(...).step`); give this OR `loss`. */
  step?: StepFunction<B>;
  /** The model whose trainable weights are trained (loss mode). */
  model?: tf.LayersModel;
  /** The variables to train (loss mode; default: `model`'s trainable weights). */
  variables?: tf.Variable[];
  /** The optimizer (loss mode; default `tf.train.adam`). In step mode, pass the step's optimizer to let the schedule drive it. */
  optimizer?: tf.Optimizer;
  /**
   * A rate or a schedule step → rate, set on `optimizer` before every step. Default: 1e-3 for the
   * loop's own Adam; a given optimizer keeps its own rate. In step mode it needs `optimizer`.
   */
  learningRate?: number | LearningRateSchedule;
}

/** How every step of one run is done. */
export interface ChosenStep<B> {
  /** Runs one step on a batch. */
  run: StepRunner<B>;
  /** The learning rate of a step, set on the optimizer when there is a schedule; call once per step, before it. */
  learningRateFor(step: number): number;
  /** Frees what the choice created (the loop's own Adam); a given optimizer is the caller's. */
  dispose(): void;
}

/** The rate of the loop's own Adam when no `learningRate` is given. */
const DEFAULT_LEARNING_RATE = 1e-3;

function trainableVariablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/**
 * Checks the step options and chooses the step of the run (see {@link StepOptions}).
 *
 * @throws when neither or both of `loss` and `step` are given, when loss mode has nothing to
 *   train, when `learningRate` is neither a number nor a function, or when step mode has a
 *   learning rate but no optimizer to set it on.
 */
export function chooseStep<B>(options: StepOptions<B>): ChosenStep<B> {
  const fn = 'train';
  if ((options.loss === undefined) === (options.step === undefined)) throw new Error(`${fn}: give exactly one of 'loss' (loss mode) or 'step' (step mode)`);
  const stepMode = options.step !== undefined;
  let variables: tf.Variable[] | undefined;
  if (!stepMode) {
    variables = options.variables ?? (options.model ? trainableVariablesOf(options.model) : undefined);
    if (!variables || variables.length === 0) throw new Error(`${fn}: loss mode needs 'model' (with trainable weights) or 'variables'`);
  }
  const givenOptimizer = options.optimizer ?? null;
  const rate = options.learningRate ?? (stepMode || givenOptimizer !== null ? undefined : DEFAULT_LEARNING_RATE);
  const schedule: LearningRateSchedule | null = rate === undefined ? null : typeof rate === 'number' ? constantSchedule(rate) : rate;
  if (schedule !== null && typeof schedule !== 'function') throw new Error(`${fn}: 'learningRate' must be a number or a function step → rate`);
  if (stepMode) {
    if (schedule !== null && givenOptimizer === null) throw new Error(`${fn}: 'learningRate' in step mode needs the step's 'optimizer' to set it on`);
    return { run: stepModeStep(options.step as StepFunction<B>), learningRateFor: learningRateDriver(schedule, givenOptimizer), dispose: () => {} };
  }
  // The loop's own Adam: its rate is set from the schedule before every step.
  const ownOptimizer = givenOptimizer === null ? tf.train.adam(DEFAULT_LEARNING_RATE) : null;
  const optimizer = (givenOptimizer ?? ownOptimizer) as tf.Optimizer;
  return {
    run: lossModeStep(options.loss as LossFunction<B>, optimizer, variables as tf.Variable[]),
    learningRateFor: learningRateDriver(schedule, optimizer),
    dispose: () => ownOptimizer?.dispose(),
  };
}

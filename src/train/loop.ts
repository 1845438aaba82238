/**
 * The training loop every notebook uses: a batch source, a loss (or a whole step), an optimizer
 * and a budget in epochs, steps or seconds. It records the loss and metrics of every step and
 * every epoch, runs an optional monitor (e.g. a weighted-kNN accuracy from `src/eval`) every few
 * steps or epochs, shows progress on one line that updates in place in Jupyter (sparse log lines
 * in the headless runner and CI), and stops with a clear error naming the step when the loss stops
 * being finite.
 *
 * Memory: every step runs inside `tf.tidy` (and `optimizer.minimize` in loss mode) and batches are
 * disposed after their step, so the tensor count stays flat however long the run.
 *
 * @example
 * const encoder = createMlpEncoder({ outputDim: 2 });
 * const result = await train({
 *   model: encoder,
 *   batches: (epoch) => pairBatches(epoch),               // yields { x1, x2, similar }
 *   loss: (b) => contrastiveLoss(encoder.apply(b.x1) as tf.Tensor2D, encoder.apply(b.x2) as tf.Tensor2D, b.similar, { margin: 1 }),
 *   learningRate: 1e-3,
 *   budget: { epochs: 3 },
 * });
 * result.history.epochs.map((e) => e.meanLoss);
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { liveLine, LiveLine } from '../notebook/display';
import { LearningRateSchedule, constantSchedule, getLearningRate, setLearningRate } from './schedules';

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

/** How long to train: any combination; the run stops at the first limit reached. */
export interface TrainBudget {
  /** Total epochs (counting resumed ones). */
  epochs?: number;
  /** Total steps (counting resumed ones). */
  steps?: number;
  /** Wall-clock seconds of this call. */
  seconds?: number;
}

/** What a monitor sees. */
export interface MonitorContext {
  step: number;
  epoch: number;
  /** True when called at the end of an epoch. */
  endOfEpoch: boolean;
  history: TrainHistory;
}

/** A periodic evaluation during training (e.g. weighted kNN accuracy on a held-out set). */
export interface MonitorOptions {
  /** Run every this many steps (optional). */
  everySteps?: number;
  /** Run every this many epochs (default 1 when `everySteps` is not given). */
  everyEpochs?: number;
  /** Computes named values, e.g. `{ knnAccuracy: 0.78 }`. May be async. */
  evaluate: (context: MonitorContext) => Record<string, number> | Promise<Record<string, number>>;
}

/** One step of the record. */
export interface StepRecord {
  step: number;
  epoch: number;
  loss: number;
  learningRate: number;
  /** Seconds since the start of the run (resumed runs continue the count). */
  seconds: number;
  metrics?: Record<string, number>;
}

/** One epoch of the record. */
export interface EpochRecord {
  epoch: number;
  /** Steps done in this epoch. */
  steps: number;
  /** False when the budget ended the epoch early. */
  complete: boolean;
  meanLoss: number;
  /** Seconds since the start of the run at the end of the epoch. */
  seconds: number;
  /** Means of the step metrics over the epoch, plus the monitor's values if it ran at the epoch's end. */
  metrics: Record<string, number>;
}

/** One monitor evaluation. */
export interface MonitorRecord {
  step: number;
  epoch: number;
  seconds: number;
  values: Record<string, number>;
}

/** Everything recorded during training (plain JSON: checkpoints store it). */
export interface TrainHistory {
  steps: StepRecord[];
  epochs: EpochRecord[];
  monitor: MonitorRecord[];
}

/** Where a resumed run starts. */
export interface TrainStart {
  /** Global step to continue from. */
  step: number;
  /** Epoch to continue from (a resumed run starts at the beginning of this epoch). */
  epoch: number;
  /** The history so far; new records are appended. */
  history?: TrainHistory;
}

/** Options of {@link train}. */
export interface TrainOptions<B> {
  /** The data: epoch → an iterable of batches (a generator, an array, …). Called once per epoch. */
  batches: (epoch: number) => Iterable<B>;
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
  /** When to stop. */
  budget: TrainBudget;
  /** Periodic evaluation (optional). */
  monitor?: MonitorOptions;
  /** Called after every step with its record. */
  onStep?: (record: StepRecord) => void;
  /** Called after every epoch with its record (may be async, e.g. to save a checkpoint). */
  onEpochEnd?: (record: EpochRecord, history: TrainHistory) => void | Promise<void>;
  /** Name shown in the progress line (default 'train'). */
  label?: string;
  /** Show progress (default true). */
  progress?: boolean;
  /** Seconds between progress lines in logs (default 10; Jupyter updates in place ~4×/s). */
  logEverySeconds?: number;
  /** Dispose each batch's tensors after its step (default true: the loop owns the batches). */
  disposeBatches?: boolean;
  /** Resume from here (default the start). */
  start?: TrainStart;
}

/** What {@link train} returns. */
export interface TrainResult {
  history: TrainHistory;
  /** Global step count at the end. */
  steps: number;
  /** Completed epochs at the end. */
  epochs: number;
  /** Seconds spent in this call. */
  seconds: number;
  /** Which limit ended the run. */
  stoppedBy: 'epochs' | 'steps' | 'seconds';
}

/** The Error thrown when the loss is not finite; carries the history up to that step. */
export class NonFiniteLossError extends Error {
  constructor(message: string, readonly step: number, readonly epoch: number, readonly history: TrainHistory) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

function checkBudget(budget: TrainBudget): void {
  if (budget === null || typeof budget !== 'object') throw new Error(`train: 'budget' must be an object like { epochs: 3 }, got ${JSON.stringify(budget)}`);
  const { epochs, steps, seconds } = budget;
  if (epochs === undefined && steps === undefined && seconds === undefined) {
    throw new Error("train: 'budget' must set at least one of epochs, steps or seconds");
  }
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`train: 'budget.epochs' must be a non-negative integer, got ${epochs}`);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0)) throw new Error(`train: 'budget.steps' must be a non-negative integer, got ${steps}`);
  if (seconds !== undefined && !(seconds > 0)) throw new Error(`train: 'budget.seconds' must be > 0, got ${seconds}`);
}

function trainableVariablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(2) : value.toFixed(4);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains. See the module docs and {@link TrainOptions}.
 *
 * @returns the history and why the run stopped.
 * @throws NonFiniteLossError when a step's loss is NaN or ±Infinity (the message names the step).
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const fn = 'train';
  if (typeof options.batches !== 'function') throw new Error(`${fn}: 'batches' must be a function epoch → iterable of batches, got ${typeof options.batches}`);
  if ((options.loss === undefined) === (options.step === undefined)) throw new Error(`${fn}: give exactly one of 'loss' (loss mode) or 'step' (step mode)`);
  checkBudget(options.budget);
  const stepMode = options.step !== undefined;
  let variables: tf.Variable[] | undefined;
  let optimizer = options.optimizer ?? null;
  if (!stepMode) {
    variables = options.variables ?? (options.model ? trainableVariablesOf(options.model) : undefined);
    if (!variables || variables.length === 0) throw new Error(`${fn}: loss mode needs 'model' (with trainable weights) or 'variables'`);
  }
  const rate = options.learningRate ?? (stepMode || optimizer !== null ? undefined : 1e-3);
  const schedule: LearningRateSchedule | null = rate === undefined ? null : typeof rate === 'number' ? constantSchedule(rate) : rate;
  if (schedule !== null && typeof schedule !== 'function') throw new Error(`${fn}: 'learningRate' must be a number or a function step → rate`);
  if (stepMode && schedule !== null && optimizer === null) {
    throw new Error(`${fn}: 'learningRate' in step mode needs the step's 'optimizer' to set it on`);
  }
  const ownsOptimizer = !stepMode && optimizer === null;
  if (!stepMode && optimizer === null) optimizer = tf.train.adam(schedule ? schedule(options.start?.step ?? 0) : 1e-3);

  const monitor = options.monitor;
  if (monitor !== undefined) {
    if (typeof monitor.evaluate !== 'function') throw new Error(`${fn}: 'monitor.evaluate' must be a function`);
    for (const key of ['everySteps', 'everyEpochs'] as const) {
      const value = monitor[key];
      if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`${fn}: 'monitor.${key}' must be a positive integer, got ${value}`);
    }
  }
  const monitorEveryEpochs = monitor ? monitor.everyEpochs ?? (monitor.everySteps === undefined ? 1 : undefined) : undefined;

  const history: TrainHistory = options.start?.history
    ? { steps: options.start.history.steps.slice(), epochs: options.start.history.epochs.slice(), monitor: options.start.history.monitor.slice() }
    : { steps: [], epochs: [], monitor: [] };
  const secondsBefore = history.steps.length > 0 ? history.steps[history.steps.length - 1].seconds : 0;
  const { budget } = options;
  const label = options.label ?? 'train';
  const showProgress = options.progress ?? true;
  const line: LiveLine | null = showProgress ? liveLine({ logEverySeconds: options.logEverySeconds ?? 10 }) : null;
  const disposeBatches = options.disposeBatches ?? true;

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let step = options.start?.step ?? 0;
  let epoch = options.start?.epoch ?? 0;
  const firstStep = step;
  let stoppedBy: TrainResult['stoppedBy'] | null = null;
  let lastProgress = 0;
  let lastMonitorText = '';

  const describe = (loss: number, learningRate: number) => {
    const parts = [
      label,
      `epoch ${epoch + 1}${budget.epochs !== undefined ? `/${budget.epochs}` : ''}`,
      `step ${step}${budget.steps !== undefined ? `/${budget.steps}` : ''}`,
      `loss ${formatNumber(loss)}`,
    ];
    if (Number.isFinite(learningRate)) parts.push(`lr ${learningRate.toExponential(2)}`);
    const seconds = elapsed();
    if (step > firstStep) parts.push(`${((step - firstStep) / seconds).toFixed(2)} steps/s`);
    parts.push(`${seconds.toFixed(0)} s${budget.seconds !== undefined ? `/${budget.seconds}` : ''}`);
    if (lastMonitorText) parts.push(lastMonitorText);
    return parts.join(' · ');
  };

  const runMonitor = async (endOfEpoch: boolean) => {
    if (!monitor) return null;
    const values = await monitor.evaluate({ step, epoch, endOfEpoch, history });
    if (values === null || typeof values !== 'object') throw new Error(`${fn}: 'monitor.evaluate' must return an object of numbers, got ${JSON.stringify(values)}`);
    history.monitor.push({ step, epoch, seconds: secondsBefore + elapsed(), values: { ...values } });
    lastMonitorText = Object.entries(values).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ');
    return values;
  };

  const runStep = (batch: B, context: StepContext): StepOutput => {
    if (stepMode) {
      const out = tf.tidy(() => {
        const result = (options.step as StepFunction<B>)(batch, context);
        return (typeof result === 'number' ? { loss: result } : result) as unknown as tf.TensorContainer;
      }) as unknown as StepOutput;
      if (out === null || typeof out !== 'object' || typeof out.loss !== 'number') {
        throw new Error(`${fn}: 'step' must return a number or { loss: number, metrics? }, got ${JSON.stringify(out)}`);
      }
      return out;
    }
    let metricTensors: Record<string, tf.Scalar> | undefined;
    const lossValue = tf.tidy(() => {
      const cost = (optimizer as tf.Optimizer).minimize(() => {
        const out = (options.loss as LossFunction<B>)(batch, context);
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

  try {
    outer: while (true) {
      if (budget.epochs !== undefined && epoch >= budget.epochs) stoppedBy = 'epochs';
      else if (budget.steps !== undefined && step >= budget.steps) stoppedBy = 'steps';
      else if (budget.seconds !== undefined && elapsed() >= budget.seconds) stoppedBy = 'seconds';
      if (stoppedBy !== null) break;
      let stepInEpoch = 0;
      let lossSum = 0;
      const metricSums: Record<string, number> = {};
      let complete = true;
      const source = options.batches(epoch);
      if (source === null || typeof (source as Iterable<B>)[Symbol.iterator] !== 'function') {
        throw new Error(`${fn}: 'batches(${epoch})' must return an iterable of batches, got ${typeof source}`);
      }
      for (const batch of source) {
        if (budget.steps !== undefined && step >= budget.steps) stoppedBy = 'steps';
        else if (budget.seconds !== undefined && elapsed() >= budget.seconds) stoppedBy = 'seconds';
        if (stoppedBy !== null) {
          if (disposeBatches) tf.dispose(batch as unknown as tf.TensorContainer);
          complete = false;
          break;
        }
        const learningRate = schedule ? schedule(step) : optimizer ? getLearningRate(optimizer) : NaN;
        if (schedule && optimizer) setLearningRate(optimizer, learningRate);
        const context: StepContext = { step, epoch, stepInEpoch, learningRate };
        let output: StepOutput;
        try {
          output = runStep(batch, context);
        } finally {
          if (disposeBatches) tf.dispose(batch as unknown as tf.TensorContainer);
        }
        const record: StepRecord = { step, epoch, loss: output.loss, learningRate, seconds: secondsBefore + elapsed() };
        if (output.metrics) record.metrics = output.metrics;
        if (!Number.isFinite(output.loss)) {
          history.steps.push(record);
          throw new NonFiniteLossError(
            `${fn}: the loss is ${output.loss} at step ${step} (epoch ${epoch}, batch ${stepInEpoch} of the epoch); ` +
              'training stopped. Lower the learning rate, check the inputs for NaN, or raise the temperature.',
            step,
            epoch,
            history,
          );
        }
        history.steps.push(record);
        lossSum += output.loss;
        for (const [name, value] of Object.entries(output.metrics ?? {})) metricSums[name] = (metricSums[name] ?? 0) + value;
        options.onStep?.(record);
        step += 1;
        stepInEpoch += 1;
        if (monitor?.everySteps !== undefined && step % monitor.everySteps === 0) await runMonitor(false);
        if (line) {
          const now = performance.now();
          if (now - lastProgress > 250) {
            lastProgress = now;
            line.update(describe(output.loss, learningRate));
          }
        }
        await yieldToEventLoop();
      }
      if (stepInEpoch === 0 && stoppedBy === null) {
        throw new Error(`${fn}: 'batches(${epoch})' gave no batches; check the batch size against the data set size`);
      }
      if (stepInEpoch > 0) {
        const metrics: Record<string, number> = {};
        for (const [name, sum] of Object.entries(metricSums)) metrics[name] = sum / stepInEpoch;
        const record: EpochRecord = { epoch, steps: stepInEpoch, complete, meanLoss: lossSum / stepInEpoch, seconds: secondsBefore + elapsed(), metrics };
        if (complete && monitorEveryEpochs !== undefined && (epoch + 1) % monitorEveryEpochs === 0) {
          Object.assign(record.metrics, await runMonitor(true));
        }
        history.epochs.push(record);
        if (complete) await options.onEpochEnd?.(record, history);
        line?.update(describe(record.meanLoss, schedule ? schedule(Math.max(0, step - 1)) : optimizer ? getLearningRate(optimizer) : NaN), true);
      }
      if (stoppedBy !== null) break outer;
      epoch += 1;
    }
  } finally {
    if (ownsOptimizer) optimizer?.dispose();
  }
  const seconds = elapsed();
  const lastLoss = history.steps.length > 0 ? history.steps[history.steps.length - 1].loss : NaN;
  line?.done(`${label} done: ${step - firstStep} steps in ${seconds.toFixed(1)} s (stopped by ${stoppedBy}), last loss ${formatNumber(lastLoss)}${lastMonitorText ? ` · ${lastMonitorText}` : ''}`);
  return { history, steps: step, epochs: history.epochs.filter((e) => e.complete).length, seconds, stoppedBy: stoppedBy as TrainResult['stoppedBy'] };
}

/**
 * The training loop every notebook uses: a batch source, a loss (or a whole step), an optimizer
 * and a budget in epochs, steps or seconds. It records the loss and metrics of every step and
 * every epoch, runs an optional monitor (e.g. a weighted-kNN accuracy from `src/eval`) every few
 * steps or epochs, reports to callbacks — by default the progress line that updates in place in
 * Jupyter (sparse log lines in the headless runner and CI) — and stops with a clear error naming
 * the step when the loss stops being finite.
 *
 * Its parts, one file each: the step of the run is chosen once (`step-choice.ts`: loss mode or
 * step mode, `step-functions.ts`), the budget's one stop rule (`budget.ts`), the record
 * (`history.ts`), the monitor (`monitor.ts`), the callbacks (`callbacks.ts`) and the progress line
 * (`progress.ts`).
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
import { StopReason, TrainBudget, checkBudget, stopReason } from './budget';
import { CallbackList, ShorthandCallbackOptions, TrainCallbacks, TrainPosition, callbackList, shorthandCallbacks } from './callbacks';
import { EpochTally, MonitorRecord, StepRecord, TrainHistory, TrainResult, continueHistory } from './history';
import { MonitorOptions, ScheduledMonitor, scheduleMonitor } from './monitor';
import { progressLine } from './progress';
import { StepOptions, chooseStep } from './step-choice';
import { StepContext, StepOutput } from './step-functions';

/** Where a resumed run starts. */
export interface TrainStart {
  /** Global step to continue from. */
  step: number;
  /** Epoch to continue from (a resumed run starts at the beginning of this epoch). */
  epoch: number;
  /** The history so far; new records are appended. */
  history?: TrainHistory;
}

/** Options of {@link train}: how a step runs ({@link StepOptions}), the data, the budget and what to report. */
export interface TrainOptions<B> extends StepOptions<B>, ShorthandCallbackOptions {
  /** The data: epoch → an iterable of batches (a generator, an array, …). Called once per epoch. */
  batches: (epoch: number) => Iterable<B>;
  /** When to stop. */
  budget: TrainBudget;
  /** Periodic evaluation (optional). */
  monitor?: MonitorOptions;
  /** Name shown in the progress line (default 'train'). */
  label?: string;
  /**
   * Progress reporting: true (default) for the progress line ({@link progressLine}), false for
   * none, or your own {@link TrainCallbacks} instead of the line.
   */
  progress?: boolean | TrainCallbacks;
  /** Seconds between progress lines in logs (default 10; Jupyter updates in place ~4×/s). */
  logEverySeconds?: number;
  /** Dispose each batch's tensors after its step (default true: the loop owns the batches). */
  disposeBatches?: boolean;
  /** Resume from here (default the start). */
  start?: TrainStart;
}

/** The Error thrown when the loss is not finite; carries the history up to that step. */
export class NonFiniteLossError extends Error {
  constructor(message: string, readonly step: number, readonly epoch: number, readonly history: TrainHistory) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** The progress callbacks `progress` asks for: the line, none, or the caller's. */
function progressCallbacks(progress: TrainOptions<unknown>['progress'], logEverySeconds: number | undefined): TrainCallbacks[] {
  if (progress === false) return [];
  if (progress === undefined || progress === true) return [progressLine({ logEverySeconds })];
  if (progress === null || typeof progress !== 'object') throw new Error(`train: 'progress' must be true, false or callbacks like { onStepEnd(record) {…} }, got ${JSON.stringify(progress)}`);
  return [progress];
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
  checkBudget(fn, options.budget);
  const monitor = options.monitor === undefined ? null : scheduleMonitor(options.monitor);
  const callbacks: CallbackList = callbackList([shorthandCallbacks(options), ...progressCallbacks(options.progress, options.logEverySeconds)]);
  const chosen = chooseStep(options);

  const history = continueHistory(options.start?.history);
  const secondsBefore = history.steps.length > 0 ? history.steps[history.steps.length - 1].seconds : 0;
  const { budget } = options;
  const label = options.label ?? 'train';
  const disposeBatches = options.disposeBatches ?? true;
  const disposeBatch = (batch: B) => {
    if (disposeBatches) tf.dispose(batch as unknown as tf.TensorContainer);
  };

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let step = options.start?.step ?? 0;
  let epoch = options.start?.epoch ?? 0;
  const firstStep = step;
  const position = (): TrainPosition => ({ label, budget, firstStep, step, epoch, seconds: elapsed() });
  let stoppedBy: StopReason | null = null;
  const reachedLimit = () => stopReason(budget, { epoch, step, seconds: elapsed() });

  const runMonitor = async (scheduled: ScheduledMonitor, endOfEpoch: boolean): Promise<MonitorRecord> => {
    const record = await scheduled.evaluate({ step, epoch, endOfEpoch, history }, () => secondsBefore + elapsed());
    history.monitor.push(record);
    callbacks.onMonitor(record, position());
    return record;
  };

  callbacks.onTrainBegin(position());
  try {
    for (;;) {
      stoppedBy = reachedLimit();
      if (stoppedBy !== null) break;
      const tally = new EpochTally();
      const source = options.batches(epoch);
      if (source === null || typeof (source as Iterable<B>)[Symbol.iterator] !== 'function') {
        throw new Error(`${fn}: 'batches(${epoch})' must return an iterable of batches, got ${typeof source}`);
      }
      for (const batch of source) {
        stoppedBy = reachedLimit();
        if (stoppedBy !== null) {
          disposeBatch(batch);
          break;
        }
        const learningRate = chosen.learningRateFor(step);
        const context: StepContext = { step, epoch, stepInEpoch: tally.steps, learningRate };
        let output: StepOutput;
        try {
          output = chosen.run(batch, context);
        } finally {
          disposeBatch(batch);
        }
        const record: StepRecord = { step, epoch, loss: output.loss, learningRate, seconds: secondsBefore + elapsed() };
        if (output.metrics) record.metrics = output.metrics;
        history.steps.push(record);
        if (!Number.isFinite(output.loss)) {
          throw new NonFiniteLossError(
            `${fn}: the loss is ${output.loss} at step ${step} (epoch ${epoch}, batch ${tally.steps} of the epoch); ` +
              'training stopped. Lower the learning rate, check the inputs for NaN, or raise the temperature.',
            step,
            epoch,
            history,
          );
        }
        tally.add(output.loss, output.metrics);
        step += 1;
        if (monitor?.dueAfterStep(step)) await runMonitor(monitor, false);
        callbacks.onStepEnd(record, position());
        await yieldToEventLoop();
      }
      if (tally.steps === 0 && stoppedBy === null) {
        throw new Error(`${fn}: 'batches(${epoch})' gave no batches; check the batch size against the data set size`);
      }
      if (tally.steps > 0) {
        const complete = stoppedBy === null;
        const record = tally.record(epoch, complete, secondsBefore + elapsed());
        if (complete && monitor?.dueAtEpochEnd(epoch)) Object.assign(record.metrics, (await runMonitor(monitor, true)).values);
        history.epochs.push(record);
        await callbacks.onEpochEnd(record, history, position());
      }
      if (stoppedBy !== null) break;
      epoch += 1;
    }
  } finally {
    chosen.dispose();
  }
  const result: TrainResult = { history, steps: step, epochs: history.epochs.filter((e) => e.complete).length, seconds: elapsed(), stoppedBy: stoppedBy as StopReason };
  callbacks.onTrainEnd(result, position());
  return result;
}

/**
 * Callbacks of {@link train}, in the manner of tfjs `model.fit({ callbacks })`: an object of
 * optional hooks that the loop calls at fixed points of a run, in this order:
 *
 *   onTrainBegin → ( onStepEnd [after the step's monitor, with its onMonitor first]
 *                    … → onEpochEnd [after the epoch-end monitor] )… → onTrainEnd
 *
 * The progress line is one such object ({@link progressLine}, the default), and the `onStep` and
 * `onEpochEnd` options of `train` are another ({@link shorthandCallbacks}). A run that throws
 * (e.g. a non-finite loss) gets no `onTrainEnd`.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import type { TrainBudget } from './budget';
import type { EpochRecord, MonitorRecord, StepRecord, TrainHistory, TrainResult } from './history';

/** Where the run is when a callback is called. */
export interface TrainPosition {
  /** The run's name (`label`, default 'train'). */
  label: string;
  /** The run's budget. */
  budget: TrainBudget;
  /** The global step this call started from (0, or where a resumed run continues). */
  firstStep: number;
  /** Steps done so far (global: counting resumed ones). */
  step: number;
  /** The current epoch (0-based). */
  epoch: number;
  /** Seconds since this call started. */
  seconds: number;
}

/** Hooks into a run of {@link train}; every one is optional. */
export interface TrainCallbacks {
  /** Before the first step (after the options are checked). */
  onTrainBegin?(position: TrainPosition): void;
  /** After every step, with its record (already in the history), once the step's monitor, if due, has run. */
  onStepEnd?(record: StepRecord, position: TrainPosition): void;
  /** After every monitor evaluation, with its record (already in the history). */
  onMonitor?(record: MonitorRecord, position: TrainPosition): void;
  /**
   * After every epoch that ran at least one step, complete or not (`record.complete`), with its
   * record (already in the history, with the epoch-end monitor's values). May be async: the loop
   * waits for it.
   */
  onEpochEnd?(record: EpochRecord, history: TrainHistory, position: TrainPosition): void | Promise<void>;
  /** When the run ends within its budget, with what `train` returns. */
  onTrainEnd?(result: TrainResult, position: TrainPosition): void;
}

/** Several {@link TrainCallbacks} called as one: each hook calls theirs in the list's order. */
export interface CallbackList {
  onTrainBegin(position: TrainPosition): void;
  onStepEnd(record: StepRecord, position: TrainPosition): void;
  onMonitor(record: MonitorRecord, position: TrainPosition): void;
  /** Waits for each callback's `onEpochEnd` before calling the next. */
  onEpochEnd(record: EpochRecord, history: TrainHistory, position: TrainPosition): Promise<void>;
  onTrainEnd(result: TrainResult, position: TrainPosition): void;
}

/**
 * Calls `callbacks` as one, in order (like tfjs's `CallbackList`).
 *
 * @throws when an entry is not an object.
 */
export function callbackList(callbacks: TrainCallbacks[]): CallbackList {
  callbacks.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object') throw new Error(`train: callbacks must be objects of hooks like { onStepEnd(record) {…} }, got ${JSON.stringify(entry)} at ${i}`);
  });
  return {
    onTrainBegin: (position) => callbacks.forEach((c) => c.onTrainBegin?.(position)),
    onStepEnd: (record, position) => callbacks.forEach((c) => c.onStepEnd?.(record, position)),
    onMonitor: (record, position) => callbacks.forEach((c) => c.onMonitor?.(record, position)),
    async onEpochEnd(record, history, position) {
      for (const c of callbacks) await c.onEpochEnd?.(record, history, position);
    },
    onTrainEnd: (result, position) => callbacks.forEach((c) => c.onTrainEnd?.(result, position)),
  };
}

/** The `onStep` and `onEpochEnd` options of {@link train}. */
export interface ShorthandCallbackOptions {
  /** Called after every step (and after its monitor, when one is due) with its record. */
  onStep?: (record: StepRecord) => void;
  /** Called after every complete epoch with its record (may be async, e.g. to save a checkpoint). */
  onEpochEnd?: (record: EpochRecord, history: TrainHistory) => void | Promise<void>;
}

/**
 * The `onStep` and `onEpochEnd` options as callbacks: `onStep(record)` at every step's end, and
 * `onEpochEnd(record, history)` at the end of every complete epoch only (an epoch the budget cut
 * short is not passed to it).
 */
export function shorthandCallbacks(options: ShorthandCallbackOptions): TrainCallbacks {
  const { onStep, onEpochEnd } = options;
  return {
    onStepEnd: onStep && ((record) => onStep(record)),
    onEpochEnd: onEpochEnd && ((record, history) => (record.complete ? onEpochEnd(record, history) : undefined)),
  };
}

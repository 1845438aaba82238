/**
 * The periodic evaluation during training (e.g. a weighted-kNN accuracy from `src/eval`): when it
 * is due, every few steps or at the end of every few epochs, and its checked, recorded result.
 *
 * @see notebooks/03-npair-loss.ipynb
 * @see notebooks/04-instance-discrimination.ipynb
 */
import type { MonitorRecord, TrainHistory } from './history';

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
  /** Computes named values, e.g. `{ knnTop1: 0.78 }`. May be async. */
  evaluate: (context: MonitorContext) => Record<string, number> | Promise<Record<string, number>>;
}

/** A checked monitor: when it is due, and one evaluation as a record. */
export interface ScheduledMonitor {
  /** True when it runs after the step that brings the run's step count to `stepsDone`. */
  dueAfterStep(stepsDone: number): boolean;
  /** True when it runs at the end of epoch `epoch` (0-based; ask only for complete epochs). */
  dueAtEpochEnd(epoch: number): boolean;
  /**
   * Evaluates and returns the record (not yet in `context.history`), timed by `seconds()` read
   * after the evaluation.
   */
  evaluate(context: MonitorContext, seconds: () => number): Promise<MonitorRecord>;
}

/**
 * Checks `monitor` and schedules it: every `everySteps` steps and/or at the end of every
 * `everyEpochs` epochs (default every epoch when `everySteps` is not given).
 *
 * @throws when `evaluate` is not a function or a period is not a positive integer; `evaluate`
 *   then throws when the evaluation returns something other than an object of numbers.
 */
export function scheduleMonitor(monitor: MonitorOptions): ScheduledMonitor {
  const fn = 'train';
  if (typeof monitor.evaluate !== 'function') throw new Error(`${fn}: 'monitor.evaluate' must be a function`);
  for (const key of ['everySteps', 'everyEpochs'] as const) {
    const value = monitor[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new Error(`${fn}: 'monitor.${key}' must be a positive integer, got ${value}`);
  }
  const everySteps = monitor.everySteps;
  const everyEpochs = monitor.everyEpochs ?? (everySteps === undefined ? 1 : undefined);
  return {
    dueAfterStep: (stepsDone) => everySteps !== undefined && stepsDone % everySteps === 0,
    dueAtEpochEnd: (epoch) => everyEpochs !== undefined && (epoch + 1) % everyEpochs === 0,
    async evaluate(context, seconds) {
      const values = await monitor.evaluate(context);
      if (values === null || typeof values !== 'object') throw new Error(`${fn}: 'monitor.evaluate' must return an object of numbers, got ${JSON.stringify(values)}`);
      return { step: context.step, epoch: context.epoch, seconds: seconds(), values: { ...values } };
    },
  };
}

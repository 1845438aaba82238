/**
 * How long {@link train} runs, and the one stop rule: a budget in epochs, steps or seconds (any
 * combination), and which of its limits, if any, a run has reached.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */

/** How long to train: any combination; the run stops at the first limit reached. */
export interface TrainBudget {
  /** Total epochs (counting resumed ones). */
  epochs?: number;
  /** Total steps (counting resumed ones). */
  steps?: number;
  /** Wall-clock seconds of this call. */
  seconds?: number;
}

/** The limit of a {@link TrainBudget} that ended a run. */
export type StopReason = 'epochs' | 'steps' | 'seconds';

/** Where a run is, as the stop rule reads it. */
export interface BudgetPosition {
  /** The epoch about to run or running (0-based, counting resumed ones): the epochs done before it. */
  epoch: number;
  /** Steps done so far (counting resumed ones). */
  step: number;
  /** Wall-clock seconds of this call so far. */
  seconds: number;
}

/**
 * Checks a budget: an object with at least one of `epochs`, `steps` (non-negative integers) and
 * `seconds` (> 0).
 *
 * @param fn the function named in the error (e.g. 'train').
 * @param budget the budget to check.
 */
export function checkBudget(fn: string, budget: TrainBudget): void {
  if (budget === null || typeof budget !== 'object') throw new Error(`${fn}: 'budget' must be an object like { epochs: 3 }, got ${JSON.stringify(budget)}`);
  const { epochs, steps, seconds } = budget;
  if (epochs === undefined && steps === undefined && seconds === undefined) {
    throw new Error(`${fn}: 'budget' must set at least one of epochs, steps or seconds`);
  }
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`${fn}: 'budget.epochs' must be a non-negative integer, got ${epochs}`);
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0)) throw new Error(`${fn}: 'budget.steps' must be a non-negative integer, got ${steps}`);
  if (seconds !== undefined && !(seconds > 0)) throw new Error(`${fn}: 'budget.seconds' must be > 0, got ${seconds}`);
}

/**
 * The stop rule: the first limit of `budget` that `position` has reached, in the order epochs,
 * steps, seconds; null while the run may go on. The loop asks before each epoch and before each
 * batch (inside an epoch the epoch limit is never reached, so the order decides only at an epoch's
 * start).
 *
 * @example
 * stopReason({ epochs: 2, steps: 6 }, { epoch: 1, step: 6, seconds: 3 }); // 'steps'
 */
export function stopReason(budget: TrainBudget, position: BudgetPosition): StopReason | null {
  if (budget.epochs !== undefined && position.epoch >= budget.epochs) return 'epochs';
  if (budget.steps !== undefined && position.step >= budget.steps) return 'steps';
  if (budget.seconds !== undefined && position.seconds >= budget.seconds) return 'seconds';
  return null;
}

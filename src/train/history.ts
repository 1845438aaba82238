/**
 * The record of a training run: one entry per step, per epoch and per monitor evaluation, in plain
 * JSON (checkpoints store it), what {@link train} returns, and the summary of an epoch's steps
 * into its record.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import type { StopReason } from './budget';

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
  stoppedBy: StopReason;
}

/**
 * The history a run appends to: a copy of `earlier` (a resumed run's history, which stays as it
 * was), or an empty one.
 */
export function continueHistory(earlier?: TrainHistory): TrainHistory {
  return earlier
    ? { steps: earlier.steps.slice(), epochs: earlier.epochs.slice(), monitor: earlier.monitor.slice() }
    : { steps: [], epochs: [], monitor: [] };
}

/**
 * Sums an epoch's step losses and metrics as they come, then gives the epoch's record: the mean
 * loss, and the mean of each metric over the steps of the epoch (a metric missing at some steps is
 * still divided by all of them).
 */
export class EpochTally {
  private lossSum = 0;
  private readonly metricSums: Record<string, number> = {};
  /** Steps added so far. */
  steps = 0;

  /** Adds one step's loss and metrics. */
  add(loss: number, metrics?: Record<string, number>): void {
    this.lossSum += loss;
    for (const [name, value] of Object.entries(metrics ?? {})) this.metricSums[name] = (this.metricSums[name] ?? 0) + value;
    this.steps += 1;
  }

  /** The record of epoch `epoch` (call after at least one step). */
  record(epoch: number, complete: boolean, seconds: number): EpochRecord {
    const metrics: Record<string, number> = {};
    for (const [name, sum] of Object.entries(this.metricSums)) metrics[name] = sum / this.steps;
    return { epoch, steps: this.steps, complete, meanLoss: this.lossSum / this.steps, seconds, metrics };
  }
}

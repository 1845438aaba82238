/**
 * Learning-rate schedules: functions from the step number (0-based) to a learning rate, and the
 * one place that knows how to set a tfjs optimizer's rate between steps.
 *
 * - constant (the kit's default with Adam);
 * - cosine decay (MoCo v2, Chen et al. 2020, https://arxiv.org/abs/2003.04297: lr·½(1 + cos(π·t/T))),
 *   with an optional linear warm-up;
 * - step decay (MoCo v1 / InstDisc: ×0.1 at fixed milestones).
 *
 * @see notebooks/05-moco.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositive, requirePositiveInteger } from '../checks';

/** A learning-rate schedule: step (0-based) → learning rate. */
export type LearningRateSchedule = (step: number) => number;

/**
 * A constant learning rate.
 * @param learningRate the rate (> 0).
 */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  requirePositive('constantSchedule', 'learningRate', learningRate);
  return () => learningRate;
}

/** Options of {@link cosineSchedule}. */
export interface CosineScheduleOptions {
  /** The peak learning rate (after warm-up). */
  learningRate: number;
  /** T, the total number of steps of the run (the rate reaches `finalLearningRate` there). */
  totalSteps: number;
  /** Steps of linear warm-up from ~0 to `learningRate` (default 0). */
  warmupSteps?: number;
  /** The rate at the end (default 0). */
  finalLearningRate?: number;
}

/**
 * Cosine decay: lr(t) = final + (peak − final)·½(1 + cos(π·(t − warmup)/(T − warmup))), after an
 * optional linear warm-up lr(t) = peak·(t + 1)/warmup. Steps past T keep the final rate.
 */
export function cosineSchedule(options: CosineScheduleOptions): LearningRateSchedule {
  const fn = 'cosineSchedule';
  const { learningRate, totalSteps } = options;
  const warmupSteps = options.warmupSteps ?? 0;
  const finalLearningRate = options.finalLearningRate ?? 0;
  requirePositive(fn, 'learningRate', learningRate);
  requirePositiveInteger(fn, 'totalSteps', totalSteps);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    throw new Error(`${fn}: 'warmupSteps' must be an integer in [0, totalSteps), got ${warmupSteps}`);
  }
  if (!(finalLearningRate >= 0 && finalLearningRate <= learningRate)) {
    throw new Error(`${fn}: 'finalLearningRate' must be in [0, learningRate], got ${finalLearningRate}`);
  }
  return (step) => {
    if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
    return finalLearningRate + (learningRate - finalLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/**
 * Step decay: the rate is multiplied by `factor` at each milestone step.
 *
 * @param learningRate the initial rate.
 * @param milestones increasing step numbers where the rate drops.
 * @param factor the multiplier (default 0.1).
 */
export function stepDecaySchedule(learningRate: number, milestones: number[], factor = 0.1): LearningRateSchedule {
  const fn = 'stepDecaySchedule';
  requirePositive(fn, 'learningRate', learningRate);
  requirePositive(fn, 'factor', factor);
  if (!Array.isArray(milestones) || milestones.some((m, i) => !Number.isInteger(m) || m < 0 || (i > 0 && m <= milestones[i - 1]))) {
    throw new Error(`${fn}: 'milestones' must be increasing non-negative integers, got ${JSON.stringify(milestones)}`);
  }
  return (step) => learningRate * factor ** milestones.filter((m) => step >= m).length;
}

/**
 * Sets the learning rate of a tfjs optimizer between steps. SGD and momentum optimizers have
 * `setLearningRate`; Adam, AdaMax, RMSProp, Adagrad and Adadelta read their `learningRate` field on
 * every `applyGradients`, so assigning it takes effect at the next step.
 *
 * @param optimizer a `tf.train.*` optimizer.
 * @param learningRate the new rate (> 0).
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  requirePositive('setLearningRate', 'learningRate', learningRate);
  const target = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else if (typeof target.learningRate === 'number') target.learningRate = learningRate;
  else throw new Error(`setLearningRate: the optimizer ${optimizer.getClassName()} has no learning rate to set`);
}

/** The learning rate an optimizer will use at its next step (NaN when it has none). */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const value = (optimizer as unknown as { learningRate?: number }).learningRate;
  return typeof value === 'number' ? value : NaN;
}

/**
 * The learning rate of each step of a run, read once per step: with a schedule, `schedule(step)`,
 * set on `optimizer` before the step; without one, the optimizer's own rate (NaN without an
 * optimizer, e.g. a step that trains nothing the loop can see).
 *
 * @param schedule the run's schedule, or null to leave the optimizer's rate alone.
 * @param optimizer the optimizer the rate is set on (required with a schedule).
 * @returns step → the rate of that step.
 */
export function learningRateDriver(schedule: LearningRateSchedule | null, optimizer: tf.Optimizer | null): (step: number) => number {
  if (schedule !== null && optimizer === null) throw new Error('learningRateDriver: a schedule needs an optimizer to set the rate on');
  if (schedule === null) return () => (optimizer ? getLearningRate(optimizer) : NaN);
  return (step) => {
    const learningRate = schedule(step);
    setLearningRate(optimizer as tf.Optimizer, learningRate);
    return learningRate;
  };
}

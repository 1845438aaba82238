/**
 * Small summaries of a series of numbers (a run's losses, ages or accuracies per step): the mean
 * and a trailing moving average, as the notebooks use them to read and smooth training curves.
 *
 * @see notebooks/04-instance-discrimination.ipynb
 * @see notebooks/05-moco.ipynb
 */
import { requireInteger, valueText } from '../checks';

/** Throws unless `values` is an array-like of numbers. */
function requireSeries(fn: string, values: unknown): ArrayLike<number> {
  const ok =
    values !== null &&
    typeof values === 'object' &&
    typeof (values as ArrayLike<unknown>).length === 'number' &&
    Array.from(values as ArrayLike<unknown>).every((v) => typeof v === 'number');
  if (!ok) throw new Error(`${fn}: 'values' must be an array of numbers, got ${valueText(values)}`);
  return values as ArrayLike<number>;
}

/**
 * The arithmetic mean of `values`.
 *
 * @param values numbers (an array or a typed array), at least one.
 * @returns their sum divided by their count.
 * @example
 * mean([1, 2, 6]); // 3
 * mean(bank.staleness(step, indices)); // the mean age of the rows a step uses (notebook 04)
 */
export function mean(values: ArrayLike<number>): number {
  requireSeries('mean', values);
  if (values.length === 0) throw new Error("mean: 'values' must hold at least one number, got none");
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/**
 * The trailing moving average of `values` over `window` entries: entry i is the mean of entries
 * max(0, i − window + 1) … i, so the first entries average over fewer values and the result has
 * as many entries as `values` (it lines up with the same x axis).
 *
 * @param values the series, e.g. a per-step loss or accuracy.
 * @param window how many entries each average covers (an integer ≥ 1; 1 gives the values back).
 * @returns the smoothed series.
 * @example
 * movingAverage([1, 2, 3, 4], 2); // [1, 1.5, 2.5, 3.5]
 * trainingCurves([{ name: 'loss', y: movingAverage(losses, stepsPerEpoch) }]);
 */
export function movingAverage(values: ArrayLike<number>, window: number): number[] {
  requireSeries('movingAverage', values);
  requireInteger('movingAverage', 'window', window, 1);
  const out: number[] = new Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

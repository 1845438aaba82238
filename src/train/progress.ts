/**
 * The default progress display of {@link train}, as {@link TrainCallbacks}: one line that updates
 * in place in Jupyter (sparse log lines in the headless runner and CI, through the notebook
 * layer's `liveLine`), e.g.
 *
 *   siamese · epoch 3/12 · step 52/300 · loss 0.0602 · lr 1.00e-3 · 9.81 steps/s · 5 s · weighted kNN 71.00 %
 *
 * refreshed at most 4× a second, forced at every epoch's end, and a summary when the run ends:
 *
 *   siamese done: 300 steps in 5.3 s (stopped by steps), last loss 0.0471 · weighted kNN 71.00 %
 *
 * The monitor's accuracies (values named `…Top1`, `…Top5` or `…Accuracy`) are shown in % as every
 * table of the notebooks shows them, under the names the tables use (`knnTop1` → 'weighted kNN',
 * `oneNNTop1` → '1-NN'); other values as numbers under their own names.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { liveLine } from '../runtime/display';
import { pct } from '../runtime/percent';
import type { TrainCallbacks, TrainPosition } from './callbacks';

/** Options of {@link progressLine}. */
export interface ProgressLineOptions {
  /** Seconds between progress lines in logs (default 10; Jupyter updates in place ~4×/s). */
  logEverySeconds?: number;
}

/** Milliseconds between two refreshes of the line after steps. */
const REFRESH_MS = 250;

/** A loss or metric for the line: 4 decimals, or 3 significant digits when very small or large. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5) ? value.toExponential(2) : value.toFixed(4);
}

/** How the line names the monitor values the notebooks' tables name otherwise. */
const MONITOR_NAMES: Record<string, string> = {
  knnTop1: 'weighted kNN',
  knnTop5: 'weighted kNN top-5',
  oneNNTop1: '1-NN',
  bankKnnTop1: 'weighted kNN (bank)',
};

/** Whether a monitor value is an accuracy (a fraction shown in %): its name ends in Top1, Top5 or Accuracy. */
const isAccuracy = (name: string) => /(?:Top\d+|Accuracy)$/.test(name);

/**
 * One monitor value for the line: 'weighted kNN 71.00 %', 'distinctRows 127',
 * 'testSharedDirection 0.0123'.
 */
export function formatMonitorValue(name: string, value: number): string {
  const shown = isAccuracy(name) && Number.isFinite(value) ? pct(value) : Number.isInteger(value) ? String(value) : formatNumber(value);
  return `${MONITOR_NAMES[name] ?? name} ${shown}`;
}

/** The line's text: where the run is against its budget, the loss and rate, the speed, the last monitor values. */
function describe(position: TrainPosition, loss: number, learningRate: number, monitorText: string): string {
  const { budget } = position;
  const parts = [
    position.label,
    `epoch ${position.epoch + 1}${budget.epochs !== undefined ? `/${budget.epochs}` : ''}`,
    `step ${position.step}${budget.steps !== undefined ? `/${budget.steps}` : ''}`,
    `loss ${formatNumber(loss)}`,
  ];
  if (Number.isFinite(learningRate)) parts.push(`lr ${learningRate.toExponential(2)}`);
  if (position.step > position.firstStep) parts.push(`${((position.step - position.firstStep) / position.seconds).toFixed(2)} steps/s`);
  parts.push(`${position.seconds.toFixed(0)} s${budget.seconds !== undefined ? `/${budget.seconds}` : ''}`);
  if (monitorText) parts.push(monitorText);
  return parts.join(' · ');
}

/**
 * The progress line of a run (the default `progress` of {@link train}). Use one per run.
 *
 * @param options.logEverySeconds how often to print in logs (default 10 s).
 */
export function progressLine(options: ProgressLineOptions = {}): TrainCallbacks {
  const line = liveLine({ logEverySeconds: options.logEverySeconds ?? 10 });
  let lastRefresh = 0;
  let lastLearningRate = NaN;
  let monitorText = '';
  return {
    onStepEnd(record, position) {
      lastLearningRate = record.learningRate;
      const now = performance.now();
      if (now - lastRefresh > REFRESH_MS) {
        lastRefresh = now;
        line.update(describe(position, record.loss, record.learningRate, monitorText));
      }
    },
    onMonitor(record) {
      monitorText = Object.entries(record.values).map(([name, value]) => formatMonitorValue(name, value)).join(' · ');
    },
    onEpochEnd(record, _history, position) {
      line.update(describe(position, record.meanLoss, lastLearningRate, monitorText), true);
    },
    onTrainEnd(result, position) {
      const steps = result.history.steps;
      const lastLoss = steps.length > 0 ? steps[steps.length - 1].loss : NaN;
      line.done(`${position.label} done: ${result.steps - position.firstStep} steps in ${result.seconds.toFixed(1)} s (stopped by ${result.stoppedBy}), last loss ${formatNumber(lastLoss)}${monitorText ? ` · ${monitorText}` : ''}`);
    },
  };
}

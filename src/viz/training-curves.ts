/**
 * Training curves (loss and other logged values over steps or epochs) with labelled horizontal
 * reference lines: the margin for the triplet loss, ln(K+1) (the loss of a uniform guess among
 * K+1 candidates) for InfoNCE and N-pair, or any value you want to compare against.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import { Figure, plainNumbers, plotColor, PlotTrace } from './figure';
import { builderFigure, FigureSizeOptions } from './figure-layout';
import { describe, requireInteger, requirePositive } from '../checks';

/** A horizontal line to compare curves against. */
export interface ReferenceLine {
  /** Height on the y axis. */
  y: number;
  /** What it means, e.g. 'margin α = 0.2' or 'ln(K+1): chance'. */
  label: string;
  /** Line colour (default grey). */
  color?: string;
}

/** One curve: its values and, optionally, their x positions (default 0, 1, 2, …). */
export interface CurveSeries {
  name: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  /** Dashed line (e.g. validation curves). */
  dashed?: boolean;
}

/** Options of {@link trainingCurves}. */
export interface TrainingCurvesOptions extends FigureSizeOptions {
  /** x-axis title (default 'step'). */
  xTitle?: string;
  /** y-axis title (default 'loss'). */
  yTitle?: string;
  /** Horizontal reference lines. */
  referenceLines?: ReferenceLine[];
  /** Logarithmic y axis (values must be > 0). */
  logY?: boolean;
  /**
   * The values (and the reference lines' heights) are fractions in [0, 1], e.g. accuracies: draw
   * them in % (× 100), as every table and printed line of the notebooks shows them, and add
   * ' (%)' to the y-axis title. Default false.
   */
  percent?: boolean;
}

/** The triplet loss' margin α as a reference line: a triplet stops contributing once d(a,n) − d(a,p) ≥ α, and the loss of a collapsed embedding (all distances equal) is exactly α. */
export function marginLine(margin: number): ReferenceLine {
  requirePositive('marginLine', 'margin', margin);
  return { y: margin, label: `margin α = ${margin} (collapsed embedding)`, color: '#d62728' };
}

/** ln(K+1), the InfoNCE / N-pair loss of a uniform guess among K negatives and 1 positive. */
export function chanceLossLine(numNegatives: number): ReferenceLine {
  requireInteger('chanceLossLine', 'numNegatives', numNegatives, 1);
  return { y: Math.log(numNegatives + 1), label: `ln(K+1) = ${Math.log(numNegatives + 1).toFixed(3)} (chance, K = ${numNegatives})`, color: '#7f7f7f' };
}

/** Normalises the series argument of the curve builders. */
export function toCurveSeries(series: Record<string, ArrayLike<number>> | CurveSeries[], fn: string): CurveSeries[] {
  const list: CurveSeries[] = Array.isArray(series)
    ? series
    : series !== null && typeof series === 'object'
      ? Object.entries(series).map(([name, y]) => ({ name, y }))
      : [];
  if (list.length === 0) throw new Error(`${fn}: 'series' must be { name: values } or [{ name, y, x? }] with at least one curve, got ${describe(series)}`);
  list.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.name !== 'string' || !s.y || typeof s.y.length !== 'number') {
      throw new Error(`${fn}: 'series'[${i}] must be { name: string, y: numbers, x?: numbers }`);
    }
    if (s.x && s.x.length !== s.y.length) throw new Error(`${fn}: series '${s.name}' has ${s.x.length} x values but ${s.y.length} y values`);
  });
  return list;
}

/**
 * Line chart of training curves with reference lines.
 *
 * @param series `{ loss: [...], 'val loss': [...] }` or `[{ name, y, x?, dashed? }]`.
 * @param options titles, `referenceLines` (see {@link marginLine}, {@link chanceLossLine}), `logY`,
 *   `percent` (fractions drawn in %, reference lines included).
 * @returns a figure for `showFigure`.
 * @example
 * showFigure(trainingCurves({ loss: history.loss }, { referenceLines: [chanceLossLine(4096)] }));
 * // Accuracies per epoch in %, against the untrained network's score (a fraction as well):
 * showFigure(trainingCurves([{ name: 'weighted kNN', x: epochs, y: knn }], {
 *   xTitle: 'epoch', yTitle: 'weighted kNN top-1', percent: true,
 *   referenceLines: [{ y: untrained.knnTop1, label: 'untrained CNN' }],
 * }));
 * @see notebooks/04-instance-discrimination.ipynb
 * @see notebooks/05-moco.ipynb
 */
export function trainingCurves(series: Record<string, ArrayLike<number>> | CurveSeries[], options: TrainingCurvesOptions = {}): Figure {
  const fn = 'trainingCurves';
  const list = toCurveSeries(series, fn);
  if (options.percent !== undefined && typeof options.percent !== 'boolean') throw new Error(`${fn}: 'percent' must be true or false, got ${describe(options.percent)}`);
  const scale = options.percent ? 100 : 1;
  const scaled = (values: ArrayLike<number>) => (scale === 1 ? values : Array.from(values, (v) => v * scale));
  const data: PlotTrace[] = list.map((s, i) => ({
    type: 'scatter',
    mode: s.y.length > 60 ? 'lines' : 'lines+markers',
    name: s.name,
    x: s.x ? plainNumbers(s.x, 8) : Array.from({ length: s.y.length }, (_, j) => j),
    y: plainNumbers(scaled(s.y), 6),
    line: { color: plotColor(i), width: 2, ...(s.dashed ? { dash: 'dash' } : {}) },
  }));
  const given = options.referenceLines ?? [];
  given.forEach((line, i) => {
    if (line === null || typeof line !== 'object' || !Number.isFinite(line.y) || typeof line.label !== 'string') {
      throw new Error(`${fn}: 'referenceLines'[${i}] must be { y: finite number, label: string }`);
    }
  });
  const lines = given.map((line) => ({ ...line, y: line.y * scale }));
  const yTitle = options.yTitle ?? 'loss';
  return builderFigure(
    data,
    options,
    {
      title: 'Training curves',
      axes: { x: options.xTitle ?? 'step', y: { title: options.percent ? `${yTitle} (%)` : yTitle, ...(options.logY ? { type: 'log' } : {}) } },
      layout: {
        shapes: lines.map((line) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: line.y, y1: line.y, line: { color: line.color ?? '#7f7f7f', dash: 'dash', width: 1.5 } })),
        annotations: lines.map((line) => ({ xref: 'paper', x: 1, xanchor: 'right', yref: 'y', y: line.y, yanchor: 'bottom', text: line.label, showarrow: false, font: { size: 11, color: line.color ?? '#7f7f7f' } })),
      },
    },
    fn,
  );
}

/**
 * Loss and gradient as functions of a distance: how a pair or triplet loss pushes and pulls.
 * You pass the loss as a plain function of the distance (built from the kit's losses or written
 * by hand), so this file depends on no loss; the gradient is its derivative by central finite
 * differences unless you pass it.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { Figure, plainNumbers, plotColor, PlotTrace } from './figure';
import { builderFigure, FigureSizeOptions } from './figure-layout';
import { describe, requireInteger } from '../checks';

/** One loss to plot. */
export interface LossCurve {
  /** Legend name, e.g. 'similar pair: d²/2' or 'dissimilar pair: max(0, m − d)²/2'. */
  name: string;
  /** The loss at distance d. */
  loss: (distance: number) => number;
  /** Its derivative dL/dd (default: central finite differences of `loss`). */
  gradient?: (distance: number) => number;
}

/** Options of {@link lossAndGradientCurves}. */
export interface LossCurvesOptions extends FigureSizeOptions {
  /** Distances plotted, [from, to] (default [0, 2]: unit vectors are at most 2 apart). */
  range?: [number, number];
  /** Sample points (default 201). */
  points?: number;
  /** x-axis title (default 'distance d'). */
  xTitle?: string;
  /** Vertical lines, e.g. the margin: `[{ x: 1, label: 'margin m' }]`. */
  verticalLines?: Array<{ x: number; label: string }>;
}

/** Central finite-difference derivative of `f` at `x` (step scaled to x). */
export function finiteDifference(f: (x: number) => number, x: number): number {
  const h = 1e-5 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
}

/**
 * Two panels side by side: the losses against the distance, and their gradients dL/dd
 * (negative = the loss pulls the points together, positive = pushes them apart).
 *
 * @param curves the losses, each a function of the distance.
 * @param options range, sampling, vertical lines (margins), titles.
 * @returns a figure for `showFigure`.
 * @example
 * const m = 1;
 * showFigure(lossAndGradientCurves([
 *   { name: 'similar: d²/2', loss: (d) => d * d / 2 },
 *   { name: 'dissimilar: max(0, m − d)²/2', loss: (d) => Math.max(0, m - d) ** 2 / 2 },
 * ], { verticalLines: [{ x: m, label: 'margin m' }] }));
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function lossAndGradientCurves(curves: LossCurve[], options: LossCurvesOptions = {}): Figure {
  const fn = 'lossAndGradientCurves';
  if (!Array.isArray(curves) || curves.length === 0) throw new Error(`${fn}: 'curves' must be a non-empty array of { name, loss }, got ${describe(curves)}`);
  const [from, to] = options.range ?? [0, 2];
  if (!(Number.isFinite(from) && Number.isFinite(to) && to > from)) throw new Error(`${fn}: 'range' must be [from, to] with from < to, got [${from}, ${to}]`);
  const count = requireInteger(fn, 'points', options.points ?? 201, 2);
  const xs = Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
  const data: PlotTrace[] = [];
  curves.forEach((curve, c) => {
    if (curve === null || typeof curve !== 'object' || typeof curve.name !== 'string' || typeof curve.loss !== 'function') {
      throw new Error(`${fn}: 'curves'[${c}] must be { name: string, loss: (d) => number, gradient? }`);
    }
    const losses = xs.map((d) => curve.loss(d));
    const gradients = xs.map((d) => (curve.gradient ? curve.gradient(d) : finiteDifference(curve.loss, d)));
    const bad = [...losses, ...gradients].findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) {
      const d = xs[bad % count];
      throw new Error(`${fn}: curve '${curve.name}' gives a non-finite ${bad < count ? 'loss' : 'gradient'} at d = ${d}`);
    }
    const color = plotColor(c);
    data.push({ type: 'scatter', mode: 'lines', name: curve.name, x: plainNumbers(xs), y: plainNumbers(losses), line: { color, width: 2 }, legendgroup: curve.name });
    data.push({ type: 'scatter', mode: 'lines', name: curve.name, showlegend: false, x: plainNumbers(xs), y: plainNumbers(gradients), xaxis: 'x2', yaxis: 'y2', line: { color, width: 2 }, legendgroup: curve.name });
  });
  const vertical = options.verticalLines ?? [];
  const shapes: unknown[] = [];
  const annotations: unknown[] = [];
  for (const line of vertical) {
    if (line === null || typeof line !== 'object' || !Number.isFinite(line.x) || typeof line.label !== 'string') {
      throw new Error(`${fn}: 'verticalLines' entries must be { x: finite number, label: string }`);
    }
    for (const [xref, yref] of [['x', 'y'], ['x2', 'y2']]) {
      shapes.push({ type: 'line', xref, x0: line.x, x1: line.x, yref: `${yref} domain`, y0: 0, y1: 1, line: { color: '#7f7f7f', dash: 'dash', width: 1.5 } });
      annotations.push({ xref, x: line.x, yref: `${yref} domain`, y: 1, yanchor: 'bottom', text: line.label, showarrow: false, font: { size: 11 } });
    }
  }
  const xTitle = options.xTitle ?? 'distance d';
  return builderFigure(
    data,
    options,
    {
      title: 'Loss and gradient against distance',
      width: 900,
      height: 420,
      axes: {
        x: { title: xTitle, domain: [0, 0.45], anchor: 'y' },
        y: { title: 'loss L(d)', anchor: 'x' },
        x2: { title: xTitle, domain: [0.55, 1], anchor: 'y2' },
        y2: { title: 'gradient dL/dd', anchor: 'x2', zeroline: true },
      },
      layout: { shapes, annotations },
    },
    fn,
  );
}

/**
 * Bar and line charts for ablations (accuracy per temperature, per queue size, per loss…) and
 * the triplet easy / semi-hard / hard counts over training.
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
import { Figure, plainNumbers, plotColor, PlotTrace } from './figure';
import { builderFigure, FigureSizeOptions } from './figure-layout';
import { describe } from '../checks';
import { CurveSeries, toCurveSeries } from './training-curves';

/** Options of {@link barChart} and {@link lineChart}: the titles are required (plain text). */
export interface ChartOptions extends FigureSizeOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Logarithmic x axis (line charts: temperatures, queue sizes). */
  logX?: boolean;
}

/**
 * Grouped bar chart: one group per category, one bar per series.
 *
 * @param categories the group labels, e.g. ['contrastive', 'triplet', 'InfoNCE']. // [numCategories]
 * @param series `{ 'kNN top-1': [...], 'linear probe': [...] }`, each with one value per category.
 * @param options `title`, `xTitle`, `yTitle` (required) and size.
 * @example
 * showFigure(barChart(['raw pixels', 'triplet', 'MoCo'], { 'kNN top-1 (%)': [78.9, 84.1, 86.0] }, { title: 'kNN top-1 by embedding', xTitle: 'embedding', yTitle: 'accuracy (%)' }));
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function barChart(categories: readonly string[], series: Record<string, ArrayLike<number>>, options: ChartOptions): Figure {
  const fn = 'barChart';
  if (!Array.isArray(categories) || categories.length === 0 || categories.some((c) => typeof c !== 'string')) {
    throw new Error(`${fn}: 'categories' must be a non-empty array of strings, got ${describe(categories)}`);
  }
  const list = toCurveSeries(series, fn);
  const data: PlotTrace[] = list.map((s, i) => {
    if (s.y.length !== categories.length) throw new Error(`${fn}: series '${s.name}' must have one value per category (${categories.length}), got ${s.y.length}`);
    return { type: 'bar', name: s.name, x: [...categories], y: plainNumbers(s.y, 6), marker: { color: plotColor(i) } };
  });
  return builderFigure(data, options, { axes: { x: { title: options?.xTitle, type: 'category' }, y: options?.yTitle }, layout: { barmode: 'group', showlegend: list.length > 1 } }, fn);
}

/**
 * Line chart of series against a shared x (e.g. accuracy against temperature).
 *
 * @param x the x values. // [numPoints]
 * @param series `{ name: values }` or `[{ name, y, dashed? }]`, each with one value per x.
 * @param options `title`, `xTitle`, `yTitle` (required), `logX`, size.
 * @see notebooks/05-moco.ipynb
 */
export function lineChart(x: ArrayLike<number>, series: Record<string, ArrayLike<number>> | CurveSeries[], options: ChartOptions): Figure {
  const fn = 'lineChart';
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number' || x.length === 0) throw new Error(`${fn}: 'x' must be a non-empty array of numbers, got ${describe(x)}`);
  const list = toCurveSeries(series, fn);
  const data: PlotTrace[] = list.map((s, i) => {
    if (s.y.length !== x.length) throw new Error(`${fn}: series '${s.name}' must have one value per x (${x.length}), got ${s.y.length}`);
    return { type: 'scatter', mode: 'lines+markers', name: s.name, x: plainNumbers(x, 8), y: plainNumbers(s.y, 6), line: { color: plotColor(i), width: 2, ...(s.dashed ? { dash: 'dash' } : {}) } };
  });
  return builderFigure(data, options, { axes: { x: { title: options?.xTitle, ...(options?.logX ? { type: 'log' } : {}) }, y: options?.yTitle } }, fn);
}

/** Triplet counts at one moment of training (e.g. per logged step). */
export interface TripletCounts {
  /** Step or epoch. */
  step: number;
  /** d(a,n) ≥ d(a,p) + margin: zero loss, no gradient. */
  easy: number;
  /** d(a,p) < d(a,n) < d(a,p) + margin. */
  semiHard: number;
  /** d(a,n) ≤ d(a,p). */
  hard: number;
}

/**
 * The easy / semi-hard / hard triplet counts over training (FaceNet's categories), as lines of
 * fractions of all triplets (or raw counts).
 *
 * @param history one entry per logged step.
 * @param options `fractions` (default true), titles.
 * @example
 * showFigure(tripletCountsChart(monitor.tripletCounts));
 * @see notebooks/02-triplet-loss.ipynb
 */
export function tripletCountsChart(history: readonly TripletCounts[], options: Partial<ChartOptions> & { fractions?: boolean } = {}): Figure {
  const fn = 'tripletCountsChart';
  if (!Array.isArray(history) || history.length === 0) throw new Error(`${fn}: 'history' must be a non-empty array of { step, easy, semiHard, hard }`);
  history.forEach((h, i) => {
    for (const key of ['step', 'easy', 'semiHard', 'hard'] as const) {
      if (h === null || typeof h !== 'object' || !Number.isFinite(h[key]) || h[key] < 0) {
        throw new Error(`${fn}: 'history'[${i}].${key} must be a finite number ≥ 0, got ${h === null || typeof h !== 'object' ? describe(h) : h[key]}`);
      }
    }
  });
  const fractions = options.fractions ?? true;
  const value = (h: TripletCounts, key: 'easy' | 'semiHard' | 'hard') => {
    const total = h.easy + h.semiHard + h.hard;
    return fractions ? (total > 0 ? h[key] / total : 0) : h[key];
  };
  const names = { easy: 'easy (no loss)', semiHard: 'semi-hard (inside the margin)', hard: 'hard (negative closer than positive)' };
  const colors = { easy: '#2ca02c', semiHard: '#ff7f0e', hard: '#d62728' };
  const data: PlotTrace[] = (['easy', 'semiHard', 'hard'] as const).map((key) => ({
    type: 'scatter',
    mode: history.length > 60 ? 'lines' : 'lines+markers',
    name: names[key],
    x: history.map((h) => h.step),
    y: plainNumbers(history.map((h) => value(h, key))),
    line: { color: colors[key], width: 2 },
  }));
  return builderFigure(
    data,
    options,
    { title: 'Triplets by difficulty', axes: { x: options.xTitle ?? 'step', y: { title: options.yTitle ?? (fractions ? 'fraction of triplets' : 'triplets'), ...(fractions ? { range: [0, 1] } : {}) } } },
    fn,
  );
}

/** One category of {@link seedSpreadChart}: its name and one value per seed. */
export interface SeedValues {
  name: string;
  /** One value per seed (e.g. kNN top-1 in %). */
  values: readonly number[];
}

/**
 * A dot per seed and a larger dot for the mean, one column per category: how far apart the seeds
 * of one loss land next to the gaps between losses (a bar of the mean alone hides that).
 *
 * @param entries the categories in display order, each with its per-seed values.
 * @param options `title`, `xTitle`, `yTitle` (required) and size.
 * @example
 * showFigure(seedSpreadChart(summary.map((s) => ({ name: s.name, values: s.knnTop1.values.map((v) => 100 * v) })),
 *   { title: 'kNN top-1 per seed', xTitle: 'loss', yTitle: 'kNN top-1 (%)' }));
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export function seedSpreadChart(entries: readonly SeedValues[], options: ChartOptions): Figure {
  const fn = 'seedSpreadChart';
  if (!Array.isArray(entries) || entries.length === 0) throw new Error(`${fn}: 'entries' must be a non-empty array of { name, values }, got ${describe(entries)}`);
  entries.forEach((entry, i) => {
    if (!entry || typeof entry.name !== 'string' || entry.name.length === 0) throw new Error(`${fn}: 'entries'[${i}].name must be a non-empty string`);
    if (!Array.isArray(entry.values) || entry.values.length === 0 || !entry.values.every(Number.isFinite)) {
      throw new Error(`${fn}: 'entries'[${i}].values must be a non-empty array of finite numbers, got ${describe(entry.values)}`);
    }
  });
  const seeds: PlotTrace = {
    type: 'scatter', mode: 'markers', name: 'each seed',
    x: entries.flatMap((entry) => entry.values.map(() => entry.name)),
    y: plainNumbers(entries.flatMap((entry) => [...entry.values]), 6),
    marker: { color: plotColor(0), size: 8, opacity: 0.7 },
  };
  const means: PlotTrace = {
    type: 'scatter', mode: 'markers', name: 'mean',
    x: entries.map((entry) => entry.name),
    y: plainNumbers(entries.map((entry) => entry.values.reduce((sum: number, v: number) => sum + v, 0) / entry.values.length), 6),
    marker: { color: plotColor(1), size: 14, opacity: 0.9 },
  };
  return builderFigure([seeds, means], options, { axes: { x: { title: options?.xTitle, type: 'category' }, y: options?.yTitle }, layout: { showlegend: true } }, fn);
}

/**
 * The figure description shared by the plot builders, the plotly display and the static SVG
 * fallback: plotly.js' own JSON form (`data`, `layout`, `config`, `frames`), so a figure can be
 * tweaked with anything from the plotly.js reference before it is shown.
 *
 * @see https://plotly.com/javascript/reference/
 */

/** One plotly trace. The kit's builders use `scatter` (markers/lines) and `bar`. */
export interface PlotTrace {
  type?: string;
  mode?: string;
  name?: string;
  x?: ArrayLike<number | string | null>;
  y?: ArrayLike<number | string | null>;
  xaxis?: string;
  yaxis?: string;
  showlegend?: boolean;
  marker?: { color?: string | ArrayLike<string | number>; size?: number; opacity?: number; [key: string]: unknown };
  line?: { color?: string; dash?: string; width?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** A plotly figure. */
export interface Figure {
  data: PlotTrace[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Animation frames (the embedding-evolution slider). */
  frames?: Array<{ name?: string; data: PlotTrace[]; layout?: Record<string, unknown>; [key: string]: unknown }>;
  /** Browser-side extras the kit's display adds (not sent as plotly JSON). */
  extras?: FigureExtras;
}

/** Extra browser-side behaviour of a displayed figure (not part of plotly's JSON). */
export interface FigureExtras {
  /**
   * Image per point shown in a box next to the cursor on hover (plotly's own hover labels cannot
   * show images): `hoverImages[traceIndex][pointIndex]` is a data URI (or null for none).
   */
  hoverImages?: Array<Array<string | null> | null>;
}

/** plotly.js' default colour sequence ("D3 category 10"). */
export const PLOT_COLORS: readonly string[] = Object.freeze([
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
]);

/** The colour of series `index` (cycling through {@link PLOT_COLORS}). */
export function plotColor(index: number): string {
  return PLOT_COLORS[((index % PLOT_COLORS.length) + PLOT_COLORS.length) % PLOT_COLORS.length];
}

/** The figure title text, whether `layout.title` is a string or `{ text }`. */
export function figureTitle(figure: Figure): string {
  const title = figure.layout?.title as unknown;
  if (typeof title === 'string') return title;
  if (title !== null && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') return (title as { text: string }).text;
  return '';
}

/** Axis title text of `layout[axisKey]` (e.g. 'xaxis', 'yaxis2'). */
export function axisTitle(layout: Record<string, unknown> | undefined, axisKey: string): string {
  const axis = layout?.[axisKey] as { title?: unknown } | undefined;
  const title = axis?.title;
  if (typeof title === 'string') return title;
  if (title !== null && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') return (title as { text: string }).text;
  return '';
}

/**
 * What a figure lacks in titles: a figure title, and a title on every axis a trace is drawn on
 * (hidden axes excepted). Empty when the figure is fully titled. A title counts only in the
 * `{ text }` form plotly.js 4 draws; a plain-string title is reported as not drawn.
 *
 * @param figure the figure (e.g. the `application/vnd.plotly.v1+json` of a notebook output).
 * @returns one line per problem, e.g. `"no title on axis yaxis2"`.
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function figureTitleProblems(figure: Figure): string[] {
  const problems: string[] = [];
  const layout = (figure?.layout ?? {}) as Record<string, unknown>;
  const drawn = (title: unknown) =>
    title !== null && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string' && (title as { text: string }).text.trim() !== '';
  if (typeof layout.title === 'string') problems.push('the figure title is a plain string, which plotly.js 4 does not draw');
  else if (!drawn(layout.title)) problems.push('no figure title');
  const axes = new Set<string>();
  for (const trace of figure?.data ?? []) {
    if (trace.type !== undefined && !['scatter', 'scattergl', 'bar', 'histogram', 'box', 'heatmap'].includes(trace.type)) continue;
    for (const key of ['xaxis', 'yaxis'] as const) {
      const id = typeof trace[key] === 'string' && /^[xy](?:[2-9]|[1-9]\d+)?$/.test(trace[key] as string) ? (trace[key] as string) : key[0];
      axes.add(`${id[0]}axis${id.slice(1)}`);
    }
  }
  for (const key of [...axes].sort()) {
    const axis = layout[key] as { title?: unknown; visible?: unknown } | undefined;
    if (axis?.visible === false) continue;
    if (typeof axis?.title === 'string') problems.push(`the title of ${key} is a plain string, which plotly.js 4 does not draw`);
    else if (!drawn(axis?.title)) problems.push(`no title on axis ${key}`);
  }
  return problems;
}

/** Rounds to `digits` significant digits (smaller JSON for big scatter plots). */
export function roundTo(value: number, digits = 5): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** A plain number array (typed arrays turn into objects in JSON), rounded to `digits` significant digits. */
export function plainNumbers(values: ArrayLike<number>, digits = 5): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = roundTo(values[i], digits);
  return out;
}

/** Copies a figure into plain JSON values (typed arrays → arrays), checking that it is a figure. */
export function plainFigure(figure: Figure, fn: string): Figure {
  if (figure === null || typeof figure !== 'object' || !Array.isArray(figure.data)) {
    throw new Error(`${fn}: 'figure' must be { data: traces[], layout?, config?, frames? }, got ${figure === null ? 'null' : typeof figure}`);
  }
  const plain = (value: unknown): unknown => {
    if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = plain(inner);
      return out;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return null; // JSON has no NaN/Infinity
    return value;
  };
  const layout = (figure.layout ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(layout)) {
    const title = key === 'title' ? layout.title : /^[xy]axis\d*$/.test(key) ? (layout[key] as { title?: unknown } | null)?.title : undefined;
    if (typeof title === 'string') {
      throw new Error(
        `${fn}: 'layout.${key === 'title' ? 'title' : `${key}.title`}' is a plain string, which plotly.js 4 does not draw: ` +
          `build the layout with figureLayout({ title, axes }) or plotFigure(traces, { title, axes }), or write { text: '${title.replace(/'/g, "\\'")}' }`,
      );
    }
  }
  const { extras: _extras, ...rest } = figure;
  return plain(rest) as Figure;
}

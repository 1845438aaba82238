/**
 * Figure titles the way plotly.js 4 reads them. plotly.js ≥ 3 ignores `title: 'text'` (a plain
 * string) on the layout and on axes and draws no title at all; it wants `title: { text }`.
 * {@link figureLayout} takes plain strings and writes that form, and every figure builder of the
 * kit (and every figure in the notebooks) gets its titles from it. `showFigure` refuses a layout
 * with a string title, so the mistake cannot pass silently.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 * @see https://plotly.com/javascript/reference/layout/#layout-title-text
 */
import type { Figure, PlotTrace } from './figure';

/** One axis of {@link figureLayout}: its title plus any other plotly axis setting. */
export interface AxisOptions {
  /** The axis title (plain text). */
  title: string;
  /** Other plotly axis settings (`domain`, `range`, `type`, `anchor`, `scaleanchor`, `zeroline`, …). */
  [setting: string]: unknown;
}

/** Options of {@link figureLayout} and {@link plotFigure}. */
export interface FigureLayoutOptions {
  /** The figure title (plain text). */
  title: string;
  /**
   * The axes by plotly's axis id — `x`, `y`, `x2`, `y2`, … (there is no `x1`: the first axes are
   * `x` and `y`) — each its title, or `{ title, ...settings }`.
   */
  axes: Record<string, string | AxisOptions>;
  /** Width in px (default 720). */
  width?: number;
  /** Height in px (default 420). */
  height?: number;
  /** Other plotly layout settings (`shapes`, `annotations`, `legend`, `barmode`, …); not titles or axes. */
  layout?: Record<string, unknown>;
}

const AXIS_ID = /^[xy](?:[2-9]|[1-9]\d+)?$/;
const AXIS_KEY = /^[xy]axis\d*$/;

function checkText(value: unknown, fn: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${fn}: '${name}' must be a non-empty string, got ${typeof value === 'string' ? `'${value}'` : value === null ? 'null' : typeof value}`);
  }
  return value;
}

/** plotly's layout key of an axis id: `x` → `xaxis`, `y2` → `yaxis2`. */
export function axisLayoutKey(axisId: string): string {
  return `${axisId[0]}axis${axisId.slice(1)}`;
}

/**
 * A plotly layout with titles in the `{ text }` form plotly.js 4 draws.
 *
 * @param options `title`, `axes` (id → title or `{ title, ...settings }`), `width`, `height`,
 *   other `layout` settings.
 * @param fn the function name errors start with (a builder passes its own).
 * @returns the layout for a {@link Figure}.
 * @example
 * figureLayout({ title: 'Loss per step', axes: { x: 'step', y: { title: 'loss', type: 'log' } } });
 * // → { title: { text: 'Loss per step' }, width: 720, height: 420,
 * //     xaxis: { title: { text: 'step' } }, yaxis: { type: 'log', title: { text: 'loss' } } }
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function figureLayout(options: FigureLayoutOptions, fn = 'figureLayout'): Record<string, unknown> {
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be { title, axes, width?, height?, layout? }, got ${options === null ? 'null' : typeof options}`);
  const title = checkText(options.title, fn, 'title');
  const axes = options.axes;
  if (axes === null || typeof axes !== 'object' || Array.isArray(axes) || Object.keys(axes).length === 0) {
    throw new Error(`${fn}: 'axes' must name at least one axis, e.g. { x: 'step', y: 'loss' }`);
  }
  const extra = options.layout ?? {};
  if (extra === null || typeof extra !== 'object' || Array.isArray(extra)) throw new Error(`${fn}: 'layout' must be an object of plotly layout settings`);
  for (const key of Object.keys(extra)) {
    if (key === 'title') throw new Error(`${fn}: 'layout.title' is not allowed: give the title as 'title'`);
    if (AXIS_KEY.test(key)) throw new Error(`${fn}: 'layout.${key}' is not allowed: give axes as 'axes' (e.g. axes: { x: 'step' })`);
  }
  const size = (value: unknown, name: string, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 50) throw new Error(`${fn}: '${name}' must be a number of pixels ≥ 50, got ${String(value)}`);
    return value;
  };
  const layout: Record<string, unknown> = {
    title: { text: title },
    width: size(options.width, 'width', 720),
    height: size(options.height, 'height', 420),
    ...extra,
  };
  for (const [id, axis] of Object.entries(axes)) {
    if (!AXIS_ID.test(id)) {
      throw new Error(`${fn}: 'axes' key '${id}' is not a plotly axis id: use x, y, x2, y2, … (the first axes are 'x' and 'y', not 'x1')`);
    }
    if (typeof axis === 'string') {
      layout[axisLayoutKey(id)] = { title: { text: checkText(axis, fn, `axes.${id}`) } };
    } else if (axis !== null && typeof axis === 'object' && !Array.isArray(axis)) {
      const { title: axisTitle, ...settings } = axis;
      layout[axisLayoutKey(id)] = { ...settings, title: { text: checkText(axisTitle, fn, `axes.${id}.title`) } };
    } else {
      throw new Error(`${fn}: 'axes.${id}' must be a title string or { title, ...settings }, got ${axis === null ? 'null' : typeof axis}`);
    }
  }
  return layout;
}

/** The title and size options every figure builder of the kit takes (`trainingCurves`, `barChart`, …). */
export interface FigureSizeOptions {
  /** The figure title (plain text). */
  title?: string;
  /** Width in px. */
  width?: number;
  /** Height in px. */
  height?: number;
}

/**
 * The figure a builder returns: its traces under the one base layout ({@link figureLayout}), with
 * the caller's title and size where given and the builder's own defaults otherwise.
 *
 * @param traces the builder's plotly traces.
 * @param options the caller's `title`, `width`, `height` (any may be missing).
 * @param base the builder's axes, other layout settings and default title and size.
 * @param fn the builder's name, for error messages.
 * @example
 * return builderFigure(data, options, { title: 'Training curves', axes: { x: 'step', y: 'loss' } }, 'trainingCurves');
 */
export function builderFigure(
  traces: PlotTrace[],
  options: FigureSizeOptions | undefined,
  base: Omit<FigureLayoutOptions, 'title'> & { title?: string },
  fn: string,
): Figure {
  const layout = figureLayout(
    { ...base, title: options?.title ?? base.title, width: options?.width ?? base.width, height: options?.height ?? base.height } as FigureLayoutOptions,
    fn,
  );
  return { data: traces, layout };
}

/**
 * A figure from plotly traces and plain-string titles: the way to draw something the kit's
 * builders do not cover (several panels, a custom scatter) with titles that plotly.js draws.
 *
 * @param traces plotly traces (`x`, `y`, `name`, `mode`, `xaxis: 'x2'`, …).
 * @param options titles, axes, size and other layout settings (see {@link figureLayout}).
 * @returns a figure for `showFigure`.
 * @example
 * showFigure(plotFigure([{ x: steps, y: losses, name: 'loss' }], { title: 'Training loss', axes: { x: 'step', y: 'loss' } }));
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function plotFigure(traces: PlotTrace[], options: FigureLayoutOptions): Figure {
  const layout = figureLayout(options, 'plotFigure');
  if (!Array.isArray(traces) || traces.length === 0) throw new Error(`plotFigure: 'traces' must be a non-empty array of plotly traces, got ${Array.isArray(traces) ? 'an empty array' : typeof traces}`);
  traces.forEach((trace, i) => {
    if (trace === null || typeof trace !== 'object') throw new Error(`plotFigure: 'traces'[${i}] must be a plotly trace object, got ${trace === null ? 'null' : typeof trace}`);
    for (const key of ['xaxis', 'yaxis'] as const) {
      const id = trace[key];
      if (id !== undefined && !(typeof id === 'string' && AXIS_ID.test(id))) {
        throw new Error(`plotFigure: 'traces'[${i}].${key} must be a plotly axis id (${key[0]}, ${key[0]}2, …), got '${String(id)}'`);
      }
      const axisId = typeof id === 'string' ? id : key[0];
      if (!(axisId in options.axes)) throw new Error(`plotFigure: 'traces'[${i}] is drawn on axis '${axisId}', which 'axes' does not name (it needs a title)`);
    }
  });
  return { data: traces, layout };
}

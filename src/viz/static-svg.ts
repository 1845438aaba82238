/**
 * A static SVG picture of a figure, made in Node without a browser: the fallback shown where no
 * script runs (an untrusted notebook in Jupyter, GitHub's notebook view, nbconvert HTML without
 * JavaScript). It draws what the kit's figures use — scatter markers and lines, bars, reference
 * lines (`layout.shapes` of type line), subplots placed by axis `domain`, axis titles, ticks, a
 * legend and the title — not every plotly feature. Frames and sliders show their current data.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { axisTitle, Figure, figureTitle, plotColor, PlotTrace } from './figure';

/** Options of {@link figureToSvg}. */
export interface StaticSvgOptions {
  /** Picture width in px (default `layout.width` or 720). */
  width?: number;
  /** Picture height in px (default `layout.height` or 450). */
  height?: number;
}

interface Axis {
  key: string; // 'xaxis', 'xaxis2', 'yaxis' …
  domain: [number, number];
  categories: string[] | null;
  low: number;
  high: number;
  log: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The layout key of a trace's axis reference: 'x' → 'xaxis', 'x2' → 'xaxis2'. */
function axisKey(reference: string | undefined, letter: 'x' | 'y'): string {
  const ref = reference && reference.startsWith(letter) ? reference : letter;
  return `${letter}axis${ref.slice(1)}`;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const scaled = raw / power;
  return (scaled < 1.5 ? 1 : scaled < 3 ? 2 : scaled < 7 ? 5 : 10) * power;
}

function formatTick(value: number, step: number): string {
  if (Math.abs(value) < step * 1e-6) return '0';
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-4) return value.toExponential(1);
  return value.toFixed(decimals);
}

function traceColor(trace: PlotTrace, index: number): string {
  const marker = trace.marker?.color;
  if (typeof marker === 'string') return marker;
  if (typeof trace.line?.color === 'string') return trace.line.color;
  return plotColor(index);
}

/**
 * Renders `figure` as an SVG document string.
 *
 * @param figure the plotly figure (its `data` and `layout` are used).
 * @param options picture size.
 * @returns `<svg …>…</svg>`.
 */
export function figureToSvg(figure: Figure, options: StaticSvgOptions = {}): string {
  const layout = figure.layout ?? {};
  const width = options.width ?? (typeof layout.width === 'number' ? layout.width : 720);
  const height = options.height ?? (typeof layout.height === 'number' ? layout.height : 450);
  const traces = figure.data.filter((t) => (t.visible as unknown) !== false);
  const title = figureTitle(figure);
  const legendItems = traces
    .map((t, i) => ({ name: t.name, color: traceColor(t, i), show: t.showlegend !== false && typeof t.name === 'string' && t.name !== '' }))
    .filter((item) => item.show && (layout.showlegend as unknown) !== false);
  const longestName = legendItems.reduce((m, item) => Math.max(m, String(item.name).length), 0);
  const margin = { left: 64, right: legendItems.length > 0 ? Math.min(300, Math.max(120, 40 + 6.5 * longestName)) : 20, top: title ? 44 : 18, bottom: 50 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;

  // Axes used by the traces, with their ranges.
  const axes = new Map<string, Axis>();
  const axisFor = (key: string): Axis => {
    let axis = axes.get(key);
    if (!axis) {
      const spec = (layout[key] ?? {}) as { domain?: [number, number]; range?: [number, number]; type?: string };
      axis = { key, domain: spec.domain ?? [0, 1], categories: null, low: Infinity, high: -Infinity, log: spec.type === 'log' };
      axes.set(key, axis);
    }
    return axis;
  };
  const include = (axis: Axis, value: unknown) => {
    if (typeof value === 'string') {
      axis.categories ??= [];
      if (!axis.categories.includes(value)) axis.categories.push(value);
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || (axis.log && value <= 0)) return;
    const v = axis.log ? Math.log10(value) : value;
    axis.low = Math.min(axis.low, v);
    axis.high = Math.max(axis.high, v);
  };
  for (const trace of traces) {
    const xAxis = axisFor(axisKey(trace.xaxis, 'x'));
    const yAxis = axisFor(axisKey(trace.yaxis, 'y'));
    const xs = trace.x ?? [];
    const ys = trace.y ?? [];
    for (let i = 0; i < xs.length; i++) include(xAxis, xs[i]);
    for (let i = 0; i < ys.length; i++) include(yAxis, ys[i]);
    if (trace.type === 'bar') include(yAxis, 0);
  }
  const shapes = Array.isArray(layout.shapes) ? (layout.shapes as Array<Record<string, unknown>>) : [];
  const isDataRef = (ref: unknown, letter: string): ref is string => typeof ref === 'string' && ref.startsWith(letter) && !ref.includes('domain');
  for (const shape of shapes) {
    if (shape.type !== 'line') continue;
    if (isDataRef(shape.yref, 'y')) for (const v of [shape.y0, shape.y1]) include(axisFor(axisKey(shape.yref, 'y')), v);
    if (isDataRef(shape.xref, 'x')) for (const v of [shape.x0, shape.x1]) include(axisFor(axisKey(shape.xref, 'x')), v);
  }
  for (const axis of axes.values()) {
    const range = ((layout[axis.key] ?? {}) as { range?: [number, number] }).range;
    if (Array.isArray(range) && range.length === 2) [axis.low, axis.high] = range;
    else if (axis.categories) [axis.low, axis.high] = [-0.5, axis.categories.length - 0.5];
    else if (!(axis.high >= axis.low)) [axis.low, axis.high] = [0, 1];
    else {
      const pad = axis.high > axis.low ? 0.05 * (axis.high - axis.low) : Math.max(1, Math.abs(axis.low) * 0.1);
      axis.low -= pad;
      axis.high += pad;
    }
  }
  const toPixel = (axis: Axis, value: unknown, letter: 'x' | 'y'): number => {
    let v: number;
    if (typeof value === 'string') v = axis.categories ? axis.categories.indexOf(value) : NaN;
    else if (typeof value === 'number') v = axis.log ? Math.log10(value) : value;
    else return NaN;
    const t = (v - axis.low) / (axis.high - axis.low);
    if (letter === 'x') return margin.left + plotWidth * (axis.domain[0] + t * (axis.domain[1] - axis.domain[0]));
    return margin.top + plotHeight * (1 - (axis.domain[0] + t * (axis.domain[1] - axis.domain[0])));
  };

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  if (title) parts.push(`<text x="${width / 2}" y="26" text-anchor="middle" font-size="16">${escapeXml(title)}</text>`);
  // Frames, ticks and axis titles.
  for (const axis of axes.values()) {
    const letter = axis.key[0] as 'x' | 'y';
    const start = margin[letter === 'x' ? 'left' : 'top'] + (letter === 'x' ? plotWidth * axis.domain[0] : plotHeight * (1 - axis.domain[1]));
    const length = (letter === 'x' ? plotWidth : plotHeight) * (axis.domain[1] - axis.domain[0]);
    // The crossing axis: the one named by `anchor`, else the one with the same number, else the first.
    const otherLetter = letter === 'x' ? 'y' : 'x';
    const anchor = ((layout[axis.key] ?? {}) as { anchor?: string }).anchor;
    const others = [...axes.values()].filter((a) => a.key[0] === otherLetter);
    const other =
      (anchor ? axes.get(axisKey(anchor, otherLetter)) : undefined) ?? others.find((a) => a.key.slice(5) === axis.key.slice(5)) ?? others[0];
    const otherDomain = other?.domain ?? [0, 1];
    const ticks: Array<{ value: number; label: string }> = [];
    if (axis.categories) axis.categories.forEach((c, i) => ticks.push({ value: i, label: c }));
    else {
      const step = niceStep(axis.high - axis.low, letter === 'x' ? 6 : 5);
      for (let v = Math.ceil(axis.low / step) * step; v <= axis.high + step * 1e-9; v += step) {
        ticks.push({ value: v, label: axis.log ? formatTick(Math.pow(10, v), 1) : formatTick(v, step) });
      }
    }
    if (letter === 'x') {
      const y = margin.top + plotHeight * (1 - otherDomain[0]);
      parts.push(`<line x1="${start.toFixed(1)}" y1="${y.toFixed(1)}" x2="${(start + length).toFixed(1)}" y2="${y.toFixed(1)}" stroke="#444"/>`);
      for (const tick of ticks) {
        const x = start + (length * (tick.value - axis.low)) / (axis.high - axis.low);
        parts.push(`<line x1="${x.toFixed(1)}" y1="${y.toFixed(1)}" x2="${x.toFixed(1)}" y2="${(y + 4).toFixed(1)}" stroke="#444"/>`);
        parts.push(`<text x="${x.toFixed(1)}" y="${(y + 16).toFixed(1)}" text-anchor="middle" font-size="11">${escapeXml(tick.label)}</text>`);
      }
      const label = axisTitle(layout, axis.key);
      if (label) parts.push(`<text x="${(start + length / 2).toFixed(1)}" y="${(y + 34).toFixed(1)}" text-anchor="middle" font-size="12">${escapeXml(label)}</text>`);
    } else {
      const x = margin.left + plotWidth * otherDomain[0];
      parts.push(`<line x1="${x.toFixed(1)}" y1="${start.toFixed(1)}" x2="${x.toFixed(1)}" y2="${(start + length).toFixed(1)}" stroke="#444"/>`);
      for (const tick of ticks) {
        const y = start + length - (length * (tick.value - axis.low)) / (axis.high - axis.low);
        parts.push(`<line x1="${(x - 4).toFixed(1)}" y1="${y.toFixed(1)}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#444"/>`);
        parts.push(`<text x="${(x - 6).toFixed(1)}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11">${escapeXml(tick.label)}</text>`);
      }
      const label = axisTitle(layout, axis.key);
      const cx = x - 46;
      const cy = start + length / 2;
      if (label) parts.push(`<text x="${cx.toFixed(1)}" y="${cy.toFixed(1)}" text-anchor="middle" font-size="12" transform="rotate(-90 ${cx.toFixed(1)} ${cy.toFixed(1)})">${escapeXml(label)}</text>`);
    }
  }
  // A position given against an axis ('x2'), an axis' domain ('y domain') or the whole plot ('paper').
  const refToPixel = (ref: unknown, value: unknown, letter: 'x' | 'y'): number => {
    const v = Number(value);
    const fraction = (domain: [number, number]) => domain[0] + v * (domain[1] - domain[0]);
    const place = (f: number) => (letter === 'x' ? margin.left + plotWidth * f : margin.top + plotHeight * (1 - f));
    if (ref === 'paper') return place(v);
    const name = typeof ref === 'string' && ref.startsWith(letter) ? ref.split(' ')[0] : letter;
    const axis = axes.get(axisKey(name, letter)) ?? [...axes.values()].find((a) => a.key[0] === letter);
    if (!axis) return NaN;
    if (typeof ref === 'string' && ref.endsWith(' domain')) return place(fraction(axis.domain));
    return toPixel(axis, value, letter);
  };
  // Reference lines and their labels.
  for (const shape of shapes) {
    if (shape.type !== 'line') continue;
    const [x0, x1] = [refToPixel(shape.xref, shape.x0, 'x'), refToPixel(shape.xref, shape.x1, 'x')];
    const [y0, y1] = [refToPixel(shape.yref, shape.y0, 'y'), refToPixel(shape.yref, shape.y1, 'y')];
    if (![x0, x1, y0, y1].every(Number.isFinite)) continue;
    const line = (shape.line ?? {}) as { color?: string; dash?: string; width?: number };
    const dash = line.dash && line.dash !== 'solid' ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<line x1="${x0.toFixed(1)}" y1="${y0.toFixed(1)}" x2="${x1.toFixed(1)}" y2="${y1.toFixed(1)}" stroke="${escapeXml(line.color ?? '#444')}" stroke-width="${line.width ?? 1.5}"${dash}/>`);
  }
  const annotations = Array.isArray(layout.annotations) ? (layout.annotations as Array<Record<string, unknown>>) : [];
  for (const note of annotations) {
    if (typeof note.text !== 'string') continue;
    const x = refToPixel(note.xref, note.x, 'x');
    const y = refToPixel(note.yref, note.y, 'y');
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const anchor = note.xanchor === 'right' ? 'end' : note.xanchor === 'left' ? 'start' : 'middle';
    const color = ((note.font ?? {}) as { color?: string }).color ?? '#444';
    parts.push(`<text x="${x.toFixed(1)}" y="${(y - 4).toFixed(1)}" text-anchor="${anchor}" font-size="11" fill="${escapeXml(color)}">${escapeXml(note.text)}</text>`);
  }
  // Traces.
  const barTraces = traces.filter((t) => t.type === 'bar');
  traces.forEach((trace, index) => {
    const xAxis = axisFor(axisKey(trace.xaxis, 'x'));
    const yAxis = axisFor(axisKey(trace.yaxis, 'y'));
    const color = escapeXml(traceColor(trace, index));
    const xs = trace.x ?? [];
    const ys = trace.y ?? [];
    const n = Math.min(xs.length, ys.length);
    if (trace.type === 'bar') {
      const slot = barTraces.indexOf(trace);
      const band = (plotWidth * (xAxis.domain[1] - xAxis.domain[0])) / (xAxis.high - xAxis.low);
      const barWidth = (0.8 * band) / barTraces.length;
      const zero = toPixel(yAxis, 0, 'y');
      for (let i = 0; i < n; i++) {
        const x = toPixel(xAxis, xs[i], 'x') - 0.4 * band + slot * barWidth;
        const y = toPixel(yAxis, ys[i], 'y');
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        parts.push(`<rect x="${x.toFixed(1)}" y="${Math.min(y, zero).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.abs(zero - y).toFixed(1)}" fill="${color}"/>`);
      }
      return;
    }
    const mode = trace.mode ?? (n > 20 ? 'lines' : 'lines+markers');
    if (mode.includes('lines')) {
      const dash = trace.line?.dash && trace.line.dash !== 'solid' ? ' stroke-dasharray="6 4"' : '';
      let path = '';
      let pen = false;
      for (let i = 0; i < n; i++) {
        const x = toPixel(xAxis, xs[i], 'x');
        const y = toPixel(yAxis, ys[i], 'y');
        if (!Number.isFinite(x) || !Number.isFinite(y)) {
          pen = false;
          continue;
        }
        path += `${pen ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
        pen = true;
      }
      if (path) parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="${trace.line?.width ?? 2}"${dash}/>`);
    }
    if (mode.includes('markers')) {
      const radius = (trace.marker?.size ?? 6) / 2;
      const opacity = trace.marker?.opacity ?? 1;
      const dots: string[] = [];
      for (let i = 0; i < n; i++) {
        const x = toPixel(xAxis, xs[i], 'x');
        const y = toPixel(yAxis, ys[i], 'y');
        if (Number.isFinite(x) && Number.isFinite(y)) dots.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${radius}"/>`);
      }
      parts.push(`<g fill="${color}" fill-opacity="${opacity}">${dots.join('')}</g>`);
    }
  });
  // Legend.
  legendItems.forEach((item, i) => {
    const y = margin.top + 8 + i * 18;
    const x = width - margin.right + 14;
    parts.push(`<rect x="${x}" y="${y - 8}" width="12" height="12" fill="${escapeXml(item.color)}"/>`);
    parts.push(`<text x="${x + 18}" y="${y + 2}" font-size="12">${escapeXml(String(item.name))}</text>`);
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="Arial, Helvetica, sans-serif">${parts.join('')}</svg>`
  );
}

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureTitleProblems } from './figure';
import { axisLayoutKey, builderFigure, figureLayout, plotFigure } from './figure-layout';
import { figureMimeBundle } from './plot-display';

test('figureLayout turns plain-string titles into the { text } form, keeps axis settings and other layout', () => {
  const layout = figureLayout({
    title: 'Loss (left) and gradient (right)',
    axes: { x: 'distance d', y: { title: 'loss', range: [0, 2.5] }, x2: { title: 'distance d', domain: [0.55, 1], anchor: 'y2' }, y2: 'dL/dd' },
    width: 900,
    layout: { showlegend: false },
  });
  assert.deepEqual(layout, {
    title: { text: 'Loss (left) and gradient (right)' },
    width: 900,
    height: 420,
    showlegend: false,
    xaxis: { title: { text: 'distance d' } },
    yaxis: { range: [0, 2.5], title: { text: 'loss' } },
    xaxis2: { domain: [0.55, 1], anchor: 'y2', title: { text: 'distance d' } },
    yaxis2: { title: { text: 'dL/dd' } },
  });
  assert.equal(axisLayoutKey('x'), 'xaxis');
  assert.equal(axisLayoutKey('y12'), 'yaxis12');
});

test('figureLayout names what is wrong', () => {
  assert.throws(() => figureLayout({ title: '', axes: { x: 'a' } }), /figureLayout: 'title' must be a non-empty string, got ''/);
  assert.throws(() => figureLayout({ title: 't', axes: {} }), /figureLayout: 'axes' must name at least one axis/);
  assert.throws(() => figureLayout({ title: 't', axes: { x1: 'a' } }), /'axes' key 'x1' is not a plotly axis id: use x, y, x2, y2, … \(the first axes are 'x' and 'y', not 'x1'\)/);
  assert.throws(() => figureLayout({ title: 't', axes: { x: { range: [0, 1] } as never } }), /'axes.x.title' must be a non-empty string, got undefined/);
  assert.throws(() => figureLayout({ title: 't', axes: { x: 'a' }, layout: { title: 'again' } }), /'layout.title' is not allowed: give the title as 'title'/);
  assert.throws(() => figureLayout({ title: 't', axes: { x: 'a' }, layout: { yaxis: {} } }), /'layout.yaxis' is not allowed: give axes as 'axes'/);
  assert.throws(() => figureLayout({ title: 't', axes: { x: 'a' }, height: Number.NaN }), /'height' must be a number of pixels ≥ 50, got NaN/);
  assert.throws(() => figureLayout(null as never, 'myChart'), /myChart: 'options' must be \{ title, axes/);
});

test('plotFigure needs a titled axis for every axis a trace is drawn on', () => {
  const figure = plotFigure([{ x: [0, 1], y: [1, 0] }, { x: [0, 1], y: [0, 1], xaxis: 'x2', yaxis: 'y2' }], {
    title: 'two panels',
    axes: { x: 'step', y: 'loss', x2: { title: 'step', anchor: 'y2' }, y2: { title: 'norm', anchor: 'x2' } },
  });
  assert.deepEqual(figureTitleProblems(figure), []);
  assert.throws(() => plotFigure([{ y: [1], yaxis: 'y2' }], { title: 't', axes: { x: 'a', y: 'b' } }), /plotFigure: 'traces'\[0\] is drawn on axis 'y2', which 'axes' does not name \(it needs a title\)/);
  assert.throws(() => plotFigure([{ y: [1], xaxis: 'x1' }], { title: 't', axes: { x: 'a', y: 'b' } }), /'traces'\[0\].xaxis must be a plotly axis id \(x, x2, …\), got 'x1'/);
  assert.throws(() => plotFigure([], { title: 't', axes: { x: 'a' } }), /plotFigure: 'traces' must be a non-empty array of plotly traces, got an empty array/);
});

test('figureTitleProblems reports a missing or plain-string title on the figure and on used axes only', () => {
  assert.deepEqual(figureTitleProblems({ data: [{ y: [1] }], layout: { title: 'loss', xaxis: { title: 'step' }, yaxis: { title: { text: 'loss' } }, yaxis3: {} } }), [
    'the figure title is a plain string, which plotly.js 4 does not draw',
    'the title of xaxis is a plain string, which plotly.js 4 does not draw',
  ]);
  assert.deepEqual(figureTitleProblems({ data: [{ y: [1], xaxis: 'x2' }], layout: { title: { text: ' ' }, xaxis2: { visible: false } } }), ['no figure title', 'no title on axis yaxis']);
});

test('showFigure refuses a plain-string title (plotly.js 4 would silently draw none) and says how to fix it', () => {
  assert.throws(() => figureMimeBundle({ data: [{ y: [1] }], layout: { title: 'loss' } }), /showFigure: 'layout.title' is a plain string, which plotly.js 4 does not draw: build the layout with figureLayout\(\{ title, axes \}\)/);
  assert.throws(() => figureMimeBundle({ data: [{ y: [1] }], layout: { xaxis2: { title: "it's" } } }), /'layout.xaxis2.title' is a plain string.*\{ text: 'it\\'s' \}/);
  const bundle = figureMimeBundle(plotFigure([{ y: [1, 2] }], { title: 'loss', axes: { x: 'step', y: 'loss' } }));
  assert.deepEqual((bundle['application/vnd.plotly.v1+json'] as { layout: { title: unknown } }).layout.title, { text: 'loss' });
});

test("builderFigure puts a builder's traces under the base layout: the caller's title and size over the builder's defaults", () => {
  const traces = [{ y: [1, 2] }];
  const base = { title: 'Training curves', height: 500, axes: { x: 'step', y: 'loss' }, layout: { showlegend: false } };
  const defaults = builderFigure(traces, undefined, base, 'f');
  assert.equal(defaults.data, traces);
  assert.deepEqual(defaults.layout, figureLayout(base));
  const chosen = builderFigure(traces, { title: 'Mine', width: 400 }, base, 'f');
  assert.deepEqual(chosen.layout, figureLayout({ ...base, title: 'Mine', width: 400 }));
  assert.throws(() => builderFigure(traces, {}, { axes: { x: 'a', y: 'b' } }, 'barChart'), /barChart: 'title' must be a non-empty string, got undefined/);
});

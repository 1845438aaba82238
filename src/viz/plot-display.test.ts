import * as assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Figure } from './figure';
import { figureMimeBundle, figureSummary, figuresPage, showFigure } from './plot-display';
import { plotlyLibrarySource, plotlyVersion, resetPlotlyLibrary, scriptSafe } from './plotly-bundle';
import { figureToSvg } from './static-svg';

// tslab's hook that writeDisplayData uses; set it to capture what a notebook front-end would get.
const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: ((m: { data: Record<string, unknown> }, u: boolean) => void) | null };

afterEach(() => {
  jupyter.lastWriteDisplayData = null;
  resetPlotlyLibrary();
});

const figure: Figure = {
  data: [
    { type: 'scatter', mode: 'markers', name: 'T-shirt </script><b>', x: new Float32Array([0, 1, 2]), y: [1, NaN, 3] },
    { type: 'bar', name: 'bars', x: ['a', 'b'], y: [2, 4] },
  ],
  layout: { title: { text: 'demo' }, width: 500, height: 300 },
};

test('figureMimeBundle offers plotly JSON (plain arrays, NaN → null), HTML with a static picture, and a summary', () => {
  const bundle = figureMimeBundle(figure);
  const json = bundle['application/vnd.plotly.v1+json'] as { data: Array<{ x: unknown; y: unknown }>; layout: unknown };
  assert.deepEqual(json.data[0].x, [0, 1, 2]);
  assert.deepEqual(json.data[0].y, [1, null, 3]);
  assert.deepEqual(json.layout, figure.layout);
  const html = bundle['text/html'] as string;
  assert.match(html, /<img class="ck-static" width="500" height="300" [^>]*src="data:image\/svg\+xml;base64,/);
  assert.doesNotMatch(html, /Plotly\.register|plotly\.js \(basic/, 'no library unless asked');
  // The trace name cannot close the script element early.
  assert.equal(html.split('</script>').length - 1, 1, 'exactly one closing script tag (the figure script)');
  assert.equal(bundle['text/plain'], '[figure] demo: 1 scatter, 1 bar trace(s), 5 points (T-shirt </script><b>, bars)');
  assert.equal(figureSummary(figure), bundle['text/plain']);
});

test('showFigure sends plotly.js with the first figure only; resetPlotlyLibrary sends it again', () => {
  const sent: Array<Record<string, unknown>> = [];
  jupyter.lastWriteDisplayData = (message) => sent.push(message.data);
  showFigure(figure);
  showFigure(figure);
  resetPlotlyLibrary();
  showFigure(figure);
  const hasLibrary = sent.map((data) => (data['text/html'] as string).includes(plotlyLibrarySource().slice(200, 400)));
  assert.deepEqual(hasLibrary, [true, false, true]);
  assert.equal(sent.length, 3);
  assert.ok(sent.every((data) => 'application/vnd.plotly.v1+json' in data && 'text/plain' in data));
});

test('showFigure in plain Node logs the summary and keeps the library pending', () => {
  const logged: string[] = [];
  const original = console.log;
  console.log = (text: string) => logged.push(text);
  try {
    assert.equal(showFigure(figure), undefined, 'nothing for tslab to print after the figure');
  } finally {
    console.log = original;
  }
  assert.deepEqual(logged, [figureSummary(figure)]);
  const sent: Array<Record<string, unknown>> = [];
  jupyter.lastWriteDisplayData = (message) => sent.push(message.data);
  showFigure(figure);
  assert.ok((sent[0]['text/html'] as string).includes('__ckPlotlyReady = !!window.Plotly'), 'the first displayed figure carries the library');
});

test('the inlined library is plotly.js from npm, made safe for an inline script', () => {
  assert.match(plotlyVersion(), /^\d+\.\d+\.\d+$/);
  assert.equal(scriptSafe('a</script>b<!--c'), 'a<\\/script>b<\\!--c');
  const page = figuresPage([{ figure }, { figure }]);
  assert.equal(page.split('__ckPlotlyReady = !!window.Plotly').length - 1, 1, 'library once per page');
  assert.doesNotMatch(page, /src="https?:/, 'nothing loaded from the network');
});

test('figureToSvg draws markers, bars, legend, title and escapes text', () => {
  const svg = figureToSvg(figure);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="500" height="300"/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 2, 'the NaN point is skipped');
  assert.equal((svg.match(/<rect x=/g) ?? []).length, 2 + 2, 'two bars and two legend swatches');
  assert.match(svg, />demo<\/text>/);
  assert.match(svg, /T-shirt &lt;\/script&gt;&lt;b&gt;/);
});

test('figureMimeBundle checks hover images against the traces', () => {
  assert.throws(() => figureMimeBundle(figure, { hoverImages: [['data:a']] }), /showFigure: 'hoverImages'\[0\] must have one entry per point of trace 0 \(3\), got 1/);
  assert.throws(() => figureMimeBundle({ layout: {} } as unknown as Figure), /showFigure: 'figure' must be \{ data: traces\[\], layout\?, config\?, frames\? \}/);
});

import * as assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Figure } from './figure';
import { figureMimeBundle, figureSummary, figuresPage, showFigure } from './plot-display';
import { PLOTLY_INLINE_MARKER, PLOTLY_KERNEL_NAME, plotlyLibrarySource, plotlyLoaderFunction, plotlyServedFileName, plotlyVersion, resetPlotlyLibrary, scriptSafe } from './plotly-bundle';
import * as vm from 'node:vm';
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
  assert.ok((sent[0]['text/html'] as string).includes(PLOTLY_INLINE_MARKER), 'the first displayed figure carries the library');
});

test('the inlined library is plotly.js from npm, made safe for an inline script', () => {
  assert.match(plotlyVersion(), /^\d+\.\d+\.\d+$/);
  assert.equal(scriptSafe('a</script>b<!--c'), 'a<\\/script>b<\\!--c');
  const page = figuresPage([{ figure }, { figure }]);
  assert.equal(page.split(PLOTLY_INLINE_MARKER).length - 1, 1, 'library once per page');
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

/** Runs the page loader in a fake page; resolves when it has drawn (ok) or failed (reason). */
async function runLoader(page: { baseUrl?: string; configBaseUrl?: string; respond: (url: string) => { status: number; text: string } }) {
  const fetched: string[] = [];
  const drawn: string[] = [];
  const window: Record<string, unknown> = { __ckPlotlyQueue: [() => drawn.push('figure 1')] };
  const document = {
    body: { getAttribute: (name: string) => (name === 'data-base-url' ? page.baseUrl ?? null : null) },
    getElementById: (name: string) => (name === 'jupyter-config-data' && page.configBaseUrl ? { textContent: JSON.stringify({ baseUrl: page.configBaseUrl }) } : null),
  };
  const fetch = async (url: string, init: { credentials: string }) => {
    assert.equal(init.credentials, 'same-origin');
    fetched.push(url);
    const { status, text } = page.respond(url);
    return { ok: status === 200, status, text: async () => text };
  };
  const context = vm.createContext({ window, document, fetch });
  vm.runInContext('window.window = window;', context);
  const outcome = await new Promise<string>((resolve) => {
    let done = false;
    const finish = (text: string) => { done = true; resolve(text); };
    vm.runInContext(`(${plotlyLoaderFunction()})`, context)((reason: string) => finish(`failed: ${reason}`));
    const poll = (): void => { if (drawn.length) finish('drawn'); else if (!done) setTimeout(poll, 5); };
    poll();
  });
  return { outcome, fetched, drawn, window };
}

test('a figure without plotly.js on the page loads it from the kernelspec Jupyter serves, then draws the waiting figures', async () => {
  const file = plotlyServedFileName();
  assert.match(file, /^plotly-basic-\d+\.\d+\.\d+\.min\.js$/);
  const classic = await runLoader({ baseUrl: '/user/me', respond: () => ({ status: 200, text: 'window.Plotly = { newPlot: function () {} };' }) });
  assert.equal(classic.outcome, 'drawn');
  assert.deepEqual(classic.fetched, [`/user/me/kernelspecs/${PLOTLY_KERNEL_NAME}/${file}`]);
  assert.equal(classic.window.__ckPlotlyReady, true);
  const lab = await runLoader({ configBaseUrl: '/lab-base/', respond: () => ({ status: 200, text: 'window.Plotly = {};' }) });
  assert.deepEqual(lab.fetched, [`/lab-base/kernelspecs/tslab/${file}`], 'JupyterLab / Notebook 7 give the base URL in jupyter-config-data');
  const missingFile = await runLoader({ baseUrl: '/', respond: () => ({ status: 404, text: '' }) });
  assert.equal(missingFile.outcome, `failed: HTTP 404 for /kernelspecs/tslab/${file}`);
  const notJupyter = await runLoader({ respond: () => ({ status: 200, text: '' }) });
  assert.equal(notJupyter.outcome, 'failed: the page is not served by Jupyter');
  assert.deepEqual(notJupyter.fetched, []);
});

test('every figure output can fetch plotly.js; only the first of a kernel carries it inline', () => {
  const sent: Array<Record<string, unknown>> = [];
  jupyter.lastWriteDisplayData = (message) => sent.push(message.data);
  showFigure(figure);
  showFigure(figure);
  const htmls = sent.map((data) => data['text/html'] as string);
  assert.ok(htmls.every((html) => html.includes(`kernelspecs/tslab/${plotlyServedFileName()}`)));
  assert.ok(htmls[0].length > 1e6 && htmls[1].length < 20_000, `sizes ${htmls.map((h) => h.length).join(', ')}`);
});

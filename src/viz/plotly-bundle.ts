/**
 * plotly.js for the notebook page, offline: the minified "basic" bundle (scatter, bar, pie; 1.2 MB)
 * from the npm package `plotly.js-basic-dist-min`, never fetched from a CDN. It reaches the page
 * two ways:
 *
 * 1. inlined into the first figure's output of each kernel process, so an executed notebook and
 *    its HTML export carry it (the figures of a saved, trusted notebook draw on reopening);
 * 2. served by Jupyter itself: `npm run kernel:install` puts the bundle into the kit's `tslab`
 *    kernelspec folder, which Jupyter (classic Notebook, JupyterLab, Notebook 7) serves at
 *    `<base url>kernelspecs/tslab/<file>` ({@link plotlyServedFileName}). A figure that finds no
 *    `window.Plotly` — after a page reload, on reopening, after a kernel restart, in a notebook
 *    whose saved outputs did not run — loads it from there, so every figure output can draw itself.
 *
 * Protocol on the page: every figure script pushes its draw function onto
 * `window.__ckPlotlyQueue`; whichever source installs the library defines `window.Plotly`, sets
 * `window.__ckPlotlyReady`, runs the queue, then replaces the queue by an object whose `push`
 * draws at once. So figures draw whatever order the outputs render in.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';

const PACKAGE = 'plotly.js-basic-dist-min';
const FILE = 'plotly-basic.min.js';

/** A comment that marks the inlined library in an output (tests and the browser check count it). */
export const PLOTLY_INLINE_MARKER = '/* contrastive-kit: plotly.js inline */';

/** The kernelspec name the kit registers (`npm run kernel:install`) and serves plotly.js from. */
export const PLOTLY_KERNEL_NAME = 'tslab';

let cachedSource: string | null = null;
let librarySent = false;

/** The plotly.js bundle's JavaScript source (read once from node_modules). */
export function plotlyLibrarySource(): string {
  if (cachedSource === null) cachedSource = fs.readFileSync(plotlyLibraryPath(), 'utf8');
  return cachedSource;
}

/** The path of the plotly.js bundle in node_modules. */
export function plotlyLibraryPath(): string {
  try {
    return require.resolve(`${PACKAGE}/${FILE}`);
  } catch {
    throw new Error(`showFigure: the npm package ${PACKAGE} is not installed (npm install in the repo root installs it)`);
  }
}

/**
 * The file name of the bundle in the kernelspec folder (versioned, so a kit with a newer
 * plotly.js never draws with an old copy): `plotly-basic-<version>.min.js`.
 */
export function plotlyServedFileName(): string {
  return `plotly-basic-${plotlyVersion()}.min.js`;
}

/** The plotly.js version inside the bundle (from its header comment). */
export function plotlyVersion(): string {
  const match = /plotly\.js[^\n]*?v(\d+\.\d+\.\d+)/.exec(plotlyLibrarySource().slice(0, 400));
  return match ? match[1] : 'unknown';
}

/** Makes text safe inside an inline `<script>` element (no `</script`, no `<!--`). */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Browser code: draw the figures waiting for plotly.js, and from now on draw at once. */
const RUN_QUEUE =
  'var waiting = window.__ckPlotlyQueue; window.__ckPlotlyQueue = { push: function (draw) { draw(); } };' +
  ' if (waiting && waiting.length) for (var i = 0; i < waiting.length; i++) waiting[i]();';

/**
 * The `<script>` that puts plotly.js on the page (idempotent on the page: a second copy does
 * nothing) and draws the figures waiting for it. `module`/`exports`/`define` are shadowed so the
 * bundle always sets `window.Plotly`, also next to RequireJS (classic Notebook).
 */
export function plotlyLibraryScript(): string {
  const source = scriptSafe(plotlyLibrarySource());
  return (
    '<script type="text/javascript">\n' +
    `${PLOTLY_INLINE_MARKER}\n` +
    '(function () {\n' +
    '  if (!window.__ckPlotlyReady) {\n' +
    `    (function (module, exports, define) {\n${source}\n    }).call(window);\n` +
    '    window.__ckPlotlyReady = !!window.Plotly;\n' +
    '  }\n' +
    `  ${RUN_QUEUE}\n` +
    '})();\n' +
    '</script>'
  );
}

/**
 * Browser code (a function expression) that loads plotly.js from the Jupyter server serving the
 * page — `<base url>kernelspecs/tslab/<file>` — when the page has none, then draws the waiting
 * figures. Idempotent on the page; a failed load is tried again by the next figure. On failure it
 * calls `failed(reason)`. Outside Jupyter (an HTML export) there is no server to ask: it fails
 * with "the page is not served by Jupyter".
 */
export function plotlyLoaderFunction(): string {
  return `function (failed) {
    if (window.Plotly) return;
    var state = window.__ckPlotlyLoad;
    if (state && !state.failed) return;
    var base = document.body && document.body.getAttribute('data-base-url');
    var config = document.getElementById('jupyter-config-data');
    if (!base && config) { try { base = JSON.parse(config.textContent).baseUrl; } catch (e) { base = null; } }
    if (!base) { window.__ckPlotlyLoad = { failed: 'the page is not served by Jupyter' }; failed(window.__ckPlotlyLoad.failed); return; }
    if (base.charAt(base.length - 1) !== '/') base += '/';
    var url = base + 'kernelspecs/${PLOTLY_KERNEL_NAME}/${plotlyServedFileName()}';
    window.__ckPlotlyLoad = { url: url };
    fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + url);
      return response.text();
    }).then(function (source) {
      if (!window.Plotly) (new Function('module', 'exports', 'define', source)).call(window);
      window.__ckPlotlyReady = !!window.Plotly;
      if (!window.Plotly) throw new Error(url + ' did not define Plotly');
      window.__ckPlotlyLoad = { url: url, loaded: true };
      ${RUN_QUEUE}
    }).catch(function (error) {
      window.__ckPlotlyLoad = { url: url, failed: String((error && error.message) || error) };
      failed(window.__ckPlotlyLoad.failed);
    });
  }`;
}

/**
 * Whether the next figure must carry the plotly.js library: true for the first figure shown by
 * this process (one notebook kernel), false afterwards.
 */
export function plotlyLibraryPending(): boolean {
  return !librarySent;
}

/** Records that the library went out with a figure. */
export function markPlotlyLibrarySent(): void {
  librarySent = true;
}

/**
 * Makes the next figure carry plotly.js inline again, e.g. before drawing a figure whose output
 * you will copy out of the notebook on its own. In Jupyter no call is needed: a figure that finds
 * no plotly.js on the page loads it from the kit's kernelspec.
 */
export function resetPlotlyLibrary(): void {
  librarySent = false;
}

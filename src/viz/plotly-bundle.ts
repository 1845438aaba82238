/**
 * plotly.js for the notebook page, offline: the minified "basic" bundle (scatter, bar, pie; 1.2 MB)
 * from the npm package `plotly.js-basic-dist-min`, inlined once per notebook (kernel process) into
 * the first figure's output, never fetched from a CDN.
 *
 * Protocol on the page: every figure script pushes its draw function onto
 * `window.__ckPlotlyQueue`; the library script (in the first figure's output) defines
 * `window.Plotly`, sets `window.__ckPlotlyReady` and runs the queue, then replaces the queue by
 * an object whose `push` draws at once. So figures draw whatever order the outputs render in.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as fs from 'fs';

const PACKAGE = 'plotly.js-basic-dist-min';
const FILE = 'plotly-basic.min.js';

let cachedSource: string | null = null;
let librarySent = false;

/** The plotly.js bundle's JavaScript source (read once from node_modules). */
export function plotlyLibrarySource(): string {
  if (cachedSource === null) {
    let file: string;
    try {
      file = require.resolve(`${PACKAGE}/${FILE}`);
    } catch {
      throw new Error(`showFigure: the npm package ${PACKAGE} is not installed (npm install in the repo root installs it)`);
    }
    cachedSource = fs.readFileSync(file, 'utf8');
  }
  return cachedSource;
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

/**
 * The `<script>` that puts plotly.js on the page (idempotent on the page: a second copy does
 * nothing) and draws the figures waiting for it. `module`/`exports`/`define` are shadowed so the
 * bundle always sets `window.Plotly`, also next to RequireJS (classic Notebook).
 */
export function plotlyLibraryScript(): string {
  const source = scriptSafe(plotlyLibrarySource());
  return (
    '<script type="text/javascript">\n' +
    '(function () {\n' +
    '  if (!window.__ckPlotlyReady) {\n' +
    `    (function (module, exports, define) {\n${source}\n    }).call(window);\n` +
    '    window.__ckPlotlyReady = !!window.Plotly;\n' +
    '  }\n' +
    '  var waiting = window.__ckPlotlyQueue;\n' +
    '  window.__ckPlotlyQueue = { push: function (draw) { draw(); } };\n' +
    '  if (waiting && waiting.length) for (var i = 0; i < waiting.length; i++) waiting[i]();\n' +
    '})();\n' +
    '</script>'
  );
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
 * Makes the next figure carry plotly.js again. Use it after clearing the output of the cell that
 * showed the notebook's first figure (that output held the library), then re-run a figure cell.
 */
export function resetPlotlyLibrary(): void {
  librarySent = false;
}

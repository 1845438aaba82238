/**
 * Shows plotly figures in notebooks: one display message with several mime types, so each
 * front-end picks what it can render —
 *
 * - `application/vnd.plotly.v1+json`: the figure JSON, for front-ends with a plotly renderer
 *   (VS Code, JupyterLab with the plotly extension);
 * - `text/html`: a div holding a static SVG picture of the figure, plus scripts that replace the
 *   picture by the live, interactive figure. plotly.js comes inlined with the first figure of each
 *   kernel process; any figure that finds no plotly.js on the page (after a reload, reopening or a
 *   kernel restart) loads it from the Jupyter server, which serves it from the kit's kernelspec
 *   (see plotly-bundle.ts). Where scripts do not run (an untrusted notebook, GitHub), the
 *   sanitised HTML still shows the static picture (an `<img>` with an SVG data URI);
 * - `text/plain`: a one-line summary, which is also what plain Node (tests, CI logs) prints.
 *
 * The message goes out through `writeDisplayData` (src/runtime/tslab-display.ts), the one
 * place of the library's display path that knows tslab's internals.
 *
 * @see notebooks/00-setup.ipynb
 */
import { MimeBundle, writeDisplayData } from '../runtime/tslab-display';
import { Figure, FigureExtras, figureTitle, plainFigure } from './figure';
import { markPlotlyLibrarySent, plotlyLibraryPending, plotlyLibraryScript, plotlyLoaderFunction, scriptSafe } from './plotly-bundle';
import { figureToSvg } from './static-svg';

/** Options of {@link showFigure} and {@link figureMimeBundle}. */
export interface ShowFigureOptions extends FigureExtras {
  /** Put the plotly.js library into this output (default: only for the notebook's first figure). */
  includeLibrary?: boolean;
  /** Leave out the static SVG picture (smaller output; blank where scripts do not run). */
  noStaticImage?: boolean;
}

let figureCounter = 0;

/** A one-line text description of a figure: title, traces and points. */
export function figureSummary(figure: Figure): string {
  const title = figureTitle(figure) || 'untitled figure';
  const traces = figure.data ?? [];
  const points = traces.reduce((sum, t) => sum + (t.x?.length ?? t.y?.length ?? 0), 0);
  const kinds = new Map<string, number>();
  for (const t of traces) kinds.set(t.type ?? 'scatter', (kinds.get(t.type ?? 'scatter') ?? 0) + 1);
  const names = traces.map((t) => t.name).filter((n): n is string => typeof n === 'string' && n !== '');
  const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
  const frames = figure.frames?.length ? `, ${figure.frames.length} frames` : '';
  return (
    `[figure] ${title}: ${[...kinds].map(([k, c]) => `${c} ${k}`).join(', ')} trace(s), ${points} points${frames}` +
    (shown ? ` (${shown})` : '')
  );
}

/** The browser script that draws one figure into the element with id `id`. */
function figureScript(id: string, figure: Figure, extras: FigureExtras): string {
  const spec = { data: figure.data, layout: figure.layout ?? {}, config: { responsive: true, displaylogo: false, ...(figure.config ?? {}) }, frames: figure.frames ?? null, hoverImages: extras.hoverImages ?? null };
  return `<script type="text/javascript">
(function () {
  var id = ${JSON.stringify(id)};
  var spec = ${scriptSafe(JSON.stringify(spec))};
  function attachHoverImages(root, plot) {
    if (!spec.hoverImages) return;
    var box = document.createElement('div');
    box.className = 'ck-hover-image';
    box.style.cssText = 'position:absolute;display:none;pointer-events:none;background:#fff;border:1px solid #888;padding:3px;z-index:1000;box-shadow:0 1px 4px rgba(0,0,0,.3)';
    var image = document.createElement('img');
    image.style.cssText = 'width:84px;height:84px;image-rendering:pixelated;display:block';
    var caption = document.createElement('div');
    caption.style.cssText = 'font:11px sans-serif;text-align:center;max-width:84px';
    box.appendChild(image);
    box.appendChild(caption);
    root.appendChild(box);
    plot.on('plotly_hover', function (event) {
      var point = event.points && event.points[0];
      var list = point && spec.hoverImages[point.curveNumber];
      var source = list && list[point.pointNumber];
      if (!source) { box.style.display = 'none'; return; }
      image.src = source;
      caption.textContent = (point.data && point.data.name) || '';
      var rect = root.getBoundingClientRect();
      var mouse = event.event || { clientX: rect.left, clientY: rect.top };
      // Left of and below the cursor: plotly's own label sits to its right.
      var left = mouse.clientX - rect.left - 110;
      box.style.left = (left < 0 ? mouse.clientX - rect.left + 24 : left) + 'px';
      box.style.top = (mouse.clientY - rect.top + 16) + 'px';
      box.style.display = 'block';
    });
    plot.on('plotly_unhover', function () { box.style.display = 'none'; });
  }
  function draw(attempt) {
    var root = document.getElementById(id);
    // A front-end may run the script before it attaches the output to the page: try again shortly.
    if (!root) { if ((attempt || 0) < 100) setTimeout(function () { draw((attempt || 0) + 1); }, 100); return; }
    if (root.getAttribute('data-ck-drawn')) return;
    root.setAttribute('data-ck-drawn', '1');
    root.style.position = 'relative';
    var note = root.querySelector('.ck-missing');
    if (note) note.parentNode.removeChild(note);
    var plot = document.createElement('div');
    plot.className = 'ck-plot';
    root.appendChild(plot);
    window.Plotly.newPlot(plot, spec.data, spec.layout, spec.config).then(function () {
      var picture = root.querySelector('.ck-static');
      if (picture) picture.parentNode.removeChild(picture);
      if (spec.frames) return window.Plotly.addFrames(plot, spec.frames);
    }).then(function () {
      attachHoverImages(root, plot);
      root.setAttribute('data-ck-ready', '1');
    });
  }
  function missing(reason) {
    var figures = document.querySelectorAll('.ck-figure');
    for (var i = 0; i < figures.length; i++) {
      var root = figures[i];
      if (root.getAttribute('data-ck-drawn') || root.querySelector('.ck-missing')) continue;
      var note = document.createElement('div');
      note.className = 'ck-missing';
      note.style.cssText = 'font:12px sans-serif;color:#a00';
      note.textContent = 'Interactive figure not drawn: plotly.js is not on this page and could not be loaded (' + reason + '). ' +
        'In Jupyter, run npm run kernel:install (it puts plotly.js next to the TypeScript kernel), then re-run this cell. The static picture stays.';
      root.appendChild(note);
    }
  }
  var queue = window.__ckPlotlyQueue = window.__ckPlotlyQueue || [];
  queue.push(draw);
  // No plotly.js on the page (yet): once the outputs around this one have run, load it from Jupyter.
  if (!window.Plotly) setTimeout(function () { (${plotlyLoaderFunction()})(missing); }, 0);
})();
</script>`;
}

/**
 * The display bundle of a figure (pure: nothing is shown and no state changes).
 *
 * @param figure the plotly figure.
 * @param options hover images, whether to include plotly.js, whether to add the static picture.
 * @returns mime type → content for `writeDisplayData`.
 */
export function figureMimeBundle(figure: Figure, options: ShowFigureOptions = {}): MimeBundle {
  const plain = plainFigure(figure, 'showFigure');
  const extras: FigureExtras = {};
  const hoverImages = options.hoverImages ?? figure.extras?.hoverImages;
  if (hoverImages !== undefined) {
    if (!Array.isArray(hoverImages)) throw new Error(`showFigure: 'hoverImages' must be an array (one entry per trace), got ${typeof hoverImages}`);
    hoverImages.forEach((list, trace) => {
      if (list !== null && !Array.isArray(list)) throw new Error(`showFigure: 'hoverImages'[${trace}] must be an array of data URIs or null`);
      const points = plain.data[trace]?.x?.length ?? 0;
      if (list && list.length !== points) throw new Error(`showFigure: 'hoverImages'[${trace}] must have one entry per point of trace ${trace} (${points}), got ${list.length}`);
    });
    extras.hoverImages = hoverImages;
  }
  figureCounter += 1;
  const id = `ck-figure-${process.pid}-${Date.now().toString(36)}-${figureCounter}`;
  const layout = plain.layout ?? {};
  const width = typeof layout.width === 'number' ? layout.width : 720;
  const height = typeof layout.height === 'number' ? layout.height : 450;
  const summary = figureSummary(plain);
  const picture = options.noStaticImage
    ? ''
    : `<img class="ck-static" width="${width}" height="${height}" alt="${summary.replace(/[&<>"]/g, ' ')} (static picture)" ` +
      `src="data:image/svg+xml;base64,${Buffer.from(figureToSvg(plain)).toString('base64')}"/>`;
  const html =
    `<div id="${id}" class="ck-figure" style="max-width:${width}px;min-height:${height}px">${picture}</div>\n` +
    (options.includeLibrary ? plotlyLibraryScript() + '\n' : '') +
    figureScript(id, plain, extras);
  return {
    'application/vnd.plotly.v1+json': { data: plain.data, layout, ...(plain.config ? { config: plain.config } : {}), ...(plain.frames ? { frames: plain.frames } : {}) },
    'text/html': html,
    'text/plain': summary,
  };
}

/**
 * Shows a figure: interactive in Jupyter and in executed notebook copies (plotly.js travels
 * inside the notebook, no CDN), a static picture where scripts do not run, a summary line in logs.
 *
 * @param figure the plotly figure (e.g. from `embeddingScatter`, `trainingCurves`).
 * @param options `hoverImages` (thumbnails on hover), `includeLibrary`, `noStaticImage`.
 *   Returns nothing on purpose: tslab prints a cell's last expression, so a returned value would
 *   add a line under every figure (`figureSummary(figure)` gives the text).
 * @example
 * showFigure(trainingCurves({ loss: history.loss }, { referenceLines: [{ y: Math.log(4097), label: 'ln(K+1)' }] }));
 * @see notebooks/00-setup.ipynb
 */
export function showFigure(figure: Figure, options: ShowFigureOptions = {}): void {
  const includeLibrary = options.includeLibrary ?? plotlyLibraryPending();
  const bundle = figureMimeBundle(figure, { ...options, includeLibrary });
  if (writeDisplayData(bundle)) {
    if (includeLibrary) markPlotlyLibrarySent();
  } else {
    console.log(bundle['text/plain']);
  }
}

/**
 * A standalone HTML page showing figures (plotly.js inlined once), e.g. to save next to results
 * or to open in a browser without Jupyter.
 *
 * @param figures the figures, each with its display options.
 * @param title the page title.
 */
export function figuresPage(figures: Array<{ figure: Figure; options?: ShowFigureOptions }>, title = 'contrastive-kit figures'): string {
  const body = figures
    .map(({ figure, options }, i) => (figureMimeBundle(figure, { ...options, includeLibrary: i === 0 })['text/html'] as string))
    .join('\n');
  const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escaped}</title></head><body>\n${body}\n</body></html>\n`;
}

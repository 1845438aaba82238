/**
 * Browser check of the kit's figures (issue #7): executes the fixture notebook
 * scripts/fixtures/viz-figures.ipynb headlessly (tslab through scripts/lib/cell-runner.ts),
 * converts the executed copy to HTML with Debian's nbconvert, opens it in headless Chromium
 * (Debian `chromium`, driven by playwright-core) with every request leaving localhost blocked and
 * recorded, and checks that:
 *
 *  1. the executed notebook carries plotly.js exactly once (in the first figure's output);
 *  2. every figure renders offline (plotly's `.main-svg` present, static picture replaced,
 *     no page error) and the evolution figure has its frames and slider;
 *  3. hovering a UMAP point shows its thumbnail (a 28×28 PNG) with the class name;
 *  4. no request left localhost;
 *  5. with JavaScript off (a viewer that runs no scripts) every figure shows its static picture;
 *  6. a sortable table sorts by a clicked column header (numbers numerically), offline;
 *  7. the executed copy can be signed (`python3 -m nbformat.sign`), which makes Jupyter run its
 *     scripts when opened (done in a throw-away Jupyter data dir);
 *  8. live in Jupyter, the way a learner works: a classic Notebook server (loopback only, its own
 *     Jupyter data/config/runtime folders, the kit's tslab kernelspec installed there) opens a copy
 *     of notebooks/01-contrastive-loss.ipynb in headless Chromium — trusted and without "unsaved
 *     changes" — and runs it all in fast mode (CONTRASTIVE_KIT_FAST=1); every figure is interactive
 *     and titled; the learner adds a cell, saves and reloads: still trusted, the saved figures draw
 *     again; then with the outputs cleared and the page reloaded (no plotly.js on the page, the
 *     kernel has already sent it) one more figure cell runs and its figure is interactive and
 *     titled (plotly.js loaded from the kernelspec Jupyter serves). A control shows the trust
 *     problem this avoids: a 4.5 notebook with cell ids reopens untrusted after an added cell, the
 *     same notebook in 4.4 does not;
 *  9. optional, with CONTRASTIVE_KIT_JUPYTER7_PYTHON (a Python with `notebook` 7 and `jupyterlab`,
 *     which Debian 12 does not package): the same steps in Notebook 7 and in JupyterLab.
 *
 * It saves a screenshot of the UMAP figure to build/umap-figure.png (for the README).
 *
 * Usage (after `npm run build`): npx ts-node -T scripts/browser-check.ts
 * Needs: Debian packages chromium, jupyter-notebook and jupyter-nbconvert, /usr/bin/python3.
 * Environment: CHROMIUM_PATH overrides /usr/bin/chromium; CONTRASTIVE_KIT_JUPYTER7_PYTHON enables check 9.
 * Ends with "N passed, M failed" and exits 1 when a check failed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PLOTLY_INLINE_MARKER } from 'contrastive-kit';
import { createCellRunner } from './lib/cell-runner';
import { isolatedJupyter, startNotebookServer, type NotebookServer } from './lib/jupyter-server';
import { installKernel } from './lib/kernel';
import { cellSource, cleanNotebook, KERNELSPEC, readNotebook, writeNotebook, type Notebook } from './lib/notebook-file';
import { BUILD_DIR, NOTEBOOKS_DIR, REPO_ROOT } from './lib/repo';
import { signNotebooks } from './lib/trust';

// Browser-side globals used inside page callbacks (scripts/tsconfig.json has no DOM lib).
interface BrowserImage {
  complete: boolean;
  naturalWidth: number;
  getAttribute(name: string): string | null;
}
interface BrowserElement {
  style: { display: string };
  textContent: string | null;
  querySelector(selector: string): unknown;
}
declare const document: { querySelector(selector: string): unknown; querySelectorAll(selector: string): ArrayLike<unknown> };
// The classic Notebook's page API (notebook 6.4) and the page's globals, inside page callbacks.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const Jupyter: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const FIXTURE = path.join(REPO_ROOT, 'scripts', 'fixtures', 'viz-figures.ipynb');
const OUT_DIR = path.join(BUILD_DIR, 'browser-check');
const EXECUTED = path.join(OUT_DIR, 'viz-figures.ipynb');
const HTML = path.join(OUT_DIR, 'viz-figures.html');
const SCREENSHOT = path.join(BUILD_DIR, 'umap-figure.png');
const PYTHON = '/usr/bin/python3';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LIBRARY_MARKER = PLOTLY_INLINE_MARKER;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

let passed = 0;
let failed = 0;

/** Records one check. */
function check(ok: boolean, what: string, detail = ''): void {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
}

/** Runs every code cell of the fixture with the kit's headless cell runner and writes the executed copy. */
async function executeFixture(): Promise<boolean> {
  const notebook = readNotebook(FIXTURE);
  process.env.CONTRASTIVE_KIT_HEADLESS = '1';
  const cwd = process.cwd();
  const runner = createCellRunner(path.dirname(FIXTURE));
  let count = 0;
  try {
    for (const cell of notebook.cells) {
      if (cell.cell_type !== 'code') continue;
      count += 1;
      const result = await runner.run(cellSource(cell));
      cell.outputs = result.outputs;
      cell.execution_count = count;
      if (!result.ok) {
        console.error(`browser-check: fixture code cell ${count} failed:\n${result.error}`);
        return false;
      }
    }
  } finally {
    runner.close();
    process.chdir(cwd);
  }
  writeNotebook(EXECUTED, notebook);
  return true;
}

/** True for URLs that stay on this machine. */
function isLocal(url: string): boolean {
  if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:')) return true;
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

/** Blocks and records every request that would leave localhost. */
async function blockNetwork(context: BrowserContext, leaks: string[]): Promise<void> {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    leaks.push(url);
    return route.abort();
  });
}

async function checkInteractive(page: Page, figureCount: number): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`file://${HTML}`);
  try {
    await page.waitForFunction((n) => document.querySelectorAll('.ck-figure[data-ck-ready="1"]').length >= n, figureCount, { timeout: 90_000 });
  } catch {
    // reported by the checks below
  }
  const states = await page.$$eval('.ck-figure', (figures) =>
    figures.map((figure) => ({
      ready: figure.getAttribute('data-ck-ready') === '1',
      svg: figure.querySelectorAll('.main-svg').length,
      staticLeft: figure.querySelectorAll('.ck-static').length,
      missing: figure.querySelectorAll('.ck-missing').length,
    })),
  );
  check(states.length === figureCount, 'the HTML export holds every figure of the executed notebook', `${states.length} of ${figureCount}`);
  check(
    states.every((s) => s.ready && s.svg > 0 && s.staticLeft === 0 && s.missing === 0),
    'every figure renders offline with plotly (.main-svg present, static picture replaced)',
    states.map((s, i) => `#${i}: ready ${s.ready}, main-svg ${s.svg}`).join('; '),
  );
  check(errors.length === 0, 'no JavaScript error on the page', errors.join(' | ').slice(0, 300));

  const frames = await page.$$eval('.ck-figure .ck-plot', (plots) =>
    plots.map((plot) => {
      const data = plot as unknown as { _transitionData?: { _frames?: unknown[] } };
      return { frames: data._transitionData?._frames?.length ?? 0, slider: plot.querySelectorAll('.slider-container').length };
    }),
  );
  check(frames.some((f) => f.frames === 3 && f.slider > 0), 'the embedding-evolution figure has its 3 frames and a slider', JSON.stringify(frames));

  // Hover a UMAP point: the first figure is the UMAP scatter with thumbnails.
  const umap = page.locator('.ck-figure').first();
  await umap.scrollIntoViewIfNeeded();
  const point = umap.locator('.scatterlayer .trace .points path').nth(7);
  const box = await point.boundingBox();
  let hover = { visible: false, src: '', width: 0, caption: '' };
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    try {
      await umap.locator('.ck-hover-image').waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForFunction(() => {
        const image = document.querySelector('.ck-hover-image img') as BrowserImage | null;
        return !!image && image.complete && image.naturalWidth > 0;
      }, undefined, { timeout: 10_000 });
    } catch {
      // reported below
    }
    hover = await umap.evaluate((figure) => {
      const hoverBox = figure.querySelector('.ck-hover-image') as BrowserElement | null;
      const image = hoverBox?.querySelector('img') as BrowserImage | null;
      return {
        visible: !!hoverBox && hoverBox.style.display !== 'none',
        src: image?.getAttribute('src')?.slice(0, 30) ?? '',
        width: image?.naturalWidth ?? 0,
        caption: hoverBox?.textContent ?? '',
      };
    });
  }
  check(
    hover.visible && hover.src.startsWith('data:image/png;base64,') && hover.width === 28 && ['horizontal bar', 'vertical bar', 'ring'].includes(hover.caption),
    'hovering a UMAP point shows its 28×28 thumbnail and class name',
    JSON.stringify(hover),
  );
  await umap.screenshot({ path: SCREENSHOT });
  await checkSortableTable(page);
  check(fs.existsSync(SCREENSHOT) && fs.statSync(SCREENSHOT).size > 10_000, `screenshot of the UMAP figure saved to ${path.relative(REPO_ROOT, SCREENSHOT)}`);
}

/** Clicks the "steps" header of the fixture's sortable table twice and reads the row order. */
async function checkSortableTable(page: Page): Promise<void> {
  const table = page.locator('table.ck-sortable');
  const count = await table.count();
  const order = () => table.first().locator('tbody tr td:first-child').allTextContents();
  const before = count === 1 ? await order() : [];
  const orders: string[][] = [];
  if (count === 1) {
    const header = table.first().locator('th', { hasText: 'steps' });
    for (let click = 0; click < 2; click++) {
      await header.click();
      orders.push(await order());
    }
  }
  const ascending = ['N-pair', 'triplet', 'contrastive'];
  const descending = [...ascending].reverse();
  const seen = orders.map((o) => o.join(','));
  check(
    count === 1 && before.join(',') === 'triplet,contrastive,N-pair' && seen.length === 2 &&
      seen.includes(ascending.join(',')) && seen.includes(descending.join(',')),
    'clicking a sortable table header sorts its rows by that column, numbers numerically, both directions',
    `tables ${count}, before ${before.join(',')}, after clicks ${seen.join(' | ')}`,
  );
}

async function checkWithoutScripts(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  await page.goto(`file://${HTML}`);
  await page.waitForLoadState('load');
  const pictures = await page.$$eval('.ck-figure img.ck-static', (images) =>
    images.map((image) => ({ loaded: (image as unknown as BrowserImage).complete, width: (image as unknown as BrowserImage).naturalWidth })),
  );
  const figures = await page.$$eval('.ck-figure', (f) => f.length);
  check(
    figures > 0 && pictures.length === figures && pictures.every((p) => p.loaded && p.width > 0),
    'with JavaScript off every figure shows its static SVG picture',
    `${pictures.filter((p) => p.width > 0).length} of ${figures}`,
  );
  await page.close();
}

function checkSigning(): void {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-jupyter-data-'));
  const copy = path.join(dataDir, 'signed.ipynb');
  fs.copyFileSync(EXECUTED, copy);
  const env = { ...process.env, JUPYTER_DATA_DIR: dataDir };
  const probe = `import nbformat, sys; from nbformat.sign import NotebookNotary; nb = nbformat.read(sys.argv[1], 4); print(NotebookNotary().check_signature(nb))`;
  try {
    const before = execFileSync(PYTHON, ['-c', probe, copy], { env, encoding: 'utf8' }).trim();
    execFileSync(PYTHON, ['-m', 'nbformat.sign', copy], { env, stdio: 'ignore' });
    const after = execFileSync(PYTHON, ['-c', probe, copy], { env, encoding: 'utf8' }).trim();
    check(before === 'False' && after === 'True', 'the executed copy is untrusted as written and trusted after `python3 -m nbformat.sign` (jupyter trust)', `before ${before}, after ${after}`);
  } catch (error) {
    check(false, 'signing the executed copy with nbformat.sign', String((error as Error).message).split('\n')[0]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const LIVE_NOTEBOOK = '01-contrastive-loss.ipynb';
/** The figures notebook 01 draws in fast mode: every one must show up, interactive and titled. */
const LIVE_FIGURES = 5;
const LIVE_DIR = path.join(OUT_DIR, 'jupyter');
/** The whole live-Jupyter check stops after this long (server, kernel, Run All in fast mode, reloads). */
const LIVE_BUDGET_MS = 8 * 60_000;

/** Sets environment variables for the duration of `run` (Jupyter folders for kernelspec install and signing). */
function withEnv<T>(env: NodeJS.ProcessEnv, run: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return run();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** Polls `probe` in the page until it returns a truthy value or `ms` pass; returns the last value. */
async function pollPage<T>(page: Page, probe: () => T, ms: number, interval = 500): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await page.evaluate(probe);
  while (!value && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    value = await page.evaluate(probe);
  }
  return value;
}

/** Waits until the notebook page is loaded and its kernel has answered kernel_info (language_info is then applied). */
async function waitForKernel(page: Page): Promise<boolean> {
  const ready = await pollPage(page, () => {
    const notebook = typeof Jupyter !== 'undefined' ? Jupyter.notebook : null;
    return !!(notebook && notebook._fully_loaded && notebook.kernel && notebook.kernel.info_reply && notebook.kernel.info_reply.language_info);
  }, 90_000);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let kernel_ready handlers (metadata, dirty flag) run
  return !!ready;
}

/** Notebook state the checks read. */
function notebookState(): { trusted: boolean; dirty: boolean; nbformatMinor: number } {
  return { trusted: Jupyter.notebook.trusted === true, dirty: Jupyter.notebook.dirty === true, nbformatMinor: Jupyter.notebook.nbformat_minor };
}

/** Saves the notebook and waits for the save to finish. */
async function saveNotebook(page: Page): Promise<boolean> {
  await page.evaluate(() => Jupyter.notebook.save_notebook());
  return !!(await pollPage(page, () => Jupyter.notebook.dirty === false, 30_000, 250));
}

/** Every figure in the page: drawn by plotly (interactive) and its titles as plotly drew them. */
function figureStates(selector: string): Array<{ ready: boolean; interactive: boolean; title: string; drawnTitle: string; axisTitles: string[]; missing: string }> {
  return Array.from(document.querySelectorAll(selector) as ArrayLike<any>).map((root: any) => {
    const plot = root.querySelector('.js-plotly-plot');
    const fullLayout = plot && plot._fullLayout;
    const axisTitles = Array.from(root.querySelectorAll('.xtitle, .ytitle, [class^="x"][class$="title"], [class^="y"][class$="title"]') as ArrayLike<any>)
      .map((t: any) => (t.textContent || '').trim())
      .filter((t: string) => t !== '');
    return {
      ready: root.getAttribute('data-ck-ready') === '1',
      interactive: !!(fullLayout && plot.querySelector('.main-svg') && typeof plot.on === 'function'),
      title: fullLayout && fullLayout.title ? String(fullLayout.title.text || '') : '',
      drawnTitle: ((root.querySelector('.gtitle') || {}).textContent || '').trim(),
      axisTitles: Array.from(new Set(axisTitles)),
      missing: ((root.querySelector('.ck-missing') || {}).textContent || '').trim(),
    };
  });
}

function figuresOk(states: ReturnType<typeof figureStates>): boolean {
  return states.length > 0 && states.every((s) => s.ready && s.interactive && s.title !== '' && s.drawnTitle === s.title && s.axisTitles.length >= 2);
}

function describeFigures(states: ReturnType<typeof figureStates>): string {
  return states.map((s, i) => `#${i + 1} ${s.interactive ? 'interactive' : 'static'} '${s.drawnTitle.slice(0, 40)}' axes [${s.axisTitles.join(' | ').slice(0, 60)}]${s.missing ? ` (${s.missing.slice(0, 120)})` : ''}`).join('; ');
}

/** Runs every cell (Run All) and waits until all code cells have run or one failed. */
async function runAll(page: Page, ms: number): Promise<{ ok: boolean; seconds: number; detail: string }> {
  const started = Date.now();
  await page.evaluate(() => Jupyter.notebook.execute_all_cells());
  const state = await pollPage(page, () => {
    const cells = Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === 'code');
    const errors = cells.flatMap((c: any, i: number) => c.output_area.outputs.filter((o: any) => o.output_type === 'error').map((o: any) => `code cell ${i + 1}: ${o.ename}: ${o.evalue}`));
    if (errors.length) return { done: true, ok: false, detail: errors.join('; ') };
    const idle = !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
    const ran = cells.every((c: any) => typeof c.input_prompt_number === 'number');
    return ran && idle ? { done: true, ok: true, detail: `${cells.length} code cells` } : null;
  }, ms, 1000);
  return { ok: !!state && state.ok, seconds: Math.round((Date.now() - started) / 1000), detail: state ? state.detail : `not finished within ${ms / 1000} s` };
}

/** Runs code cell `index` (0-based over all cells) and waits for its figure to draw or fail. */
async function runFigureCell(page: Page, index: number): Promise<ReturnType<typeof figureStates>> {
  const selector = `#ck-live-cell-${index} .ck-figure`;
  await page.evaluate((i) => {
    const cell = Jupyter.notebook.get_cell(i);
    cell.element[0].id = `ck-live-cell-${i}`;
    cell.execute();
  }, index);
  await pollPage(page, () => {
    const roots = document.querySelectorAll('.ck-figure') as ArrayLike<any>;
    return Array.from(roots).some((r: any) => r.getAttribute('data-ck-ready') === '1' || r.querySelector('.ck-missing'));
  }, 120_000);
  return page.evaluate(figureStates, selector);
}

/** Opens `file`, adds a code cell, saves, reloads; returns whether the notebook is trusted after reloading. */
async function trustAfterAddedCell(page: Page, server: NotebookServer, file: string): Promise<{ before: boolean; after: boolean }> {
  await page.goto(server.notebookUrl(file));
  await waitForKernel(page);
  const before = (await page.evaluate(notebookState)).trusted;
  await page.evaluate(() => {
    const cell = Jupyter.notebook.insert_cell_at_bottom('code');
    cell.set_text('// a learner added this cell');
  });
  await saveNotebook(page);
  await page.reload();
  await waitForKernel(page);
  return { before, after: (await page.evaluate(notebookState)).trusted };
}

/** A small notebook for the trust control (one markdown cell), in nbformat 4.5 with an id or clean 4.4. */
function controlNotebook(minor: 4 | 5): Notebook {
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: KERNELSPEC },
    cells: [{ id: 'a1b2c3d4', cell_type: 'markdown', metadata: {}, source: ['Trust control.'] }],
  };
  return minor === 5 ? notebook : cleanNotebook(notebook);
}

/** Check 8: the kit's notebook live in a classic Notebook server, as a learner uses it. */
async function checkLiveJupyter(leaks: string[]): Promise<void> {
  const started = Date.now();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-jupyter-'));
  fs.rmSync(LIVE_DIR, { recursive: true, force: true });
  fs.mkdirSync(LIVE_DIR, { recursive: true });
  fs.copyFileSync(path.join(NOTEBOOKS_DIR, LIVE_NOTEBOOK), path.join(LIVE_DIR, LIVE_NOTEBOOK));
  writeNotebook(path.join(LIVE_DIR, 'trust-control-4.5.ipynb'), controlNotebook(5));
  writeNotebook(path.join(LIVE_DIR, 'trust-control-4.4.ipynb'), controlNotebook(4));
  const { env } = isolatedJupyter(home, {
    CONTRASTIVE_KIT_FAST: '1',
    CONTRASTIVE_KIT_RESULTS_DIR: path.join(home, 'results'),
    CONTRASTIVE_KIT_CHECKPOINTS: path.join(home, 'checkpoints'),
  });
  // What `npm run notebooks` does, inside the throw-away Jupyter folders.
  withEnv(env, () => {
    installKernel(PYTHON);
    signNotebooks(PYTHON, [path.join(LIVE_DIR, LIVE_NOTEBOOK)]);
  });
  let server: NotebookServer | null = null;
  let context: BrowserContext | null = null;
  const budget = setTimeout(() => {
    console.error(`browser-check: the live Jupyter check ran over ${LIVE_BUDGET_MS / 1000} s; stopping`);
    void context?.close();
    void server?.stop();
  }, LIVE_BUDGET_MS);
  const errors: string[] = [];
  try {
    server = await startNotebookServer({ python: PYTHON, rootDir: LIVE_DIR, env });
    check(true, `a classic Notebook server runs on ${server.baseUrl} (loopback only, token, its own Jupyter folders)`);
    const userDataDir = path.join(home, 'chromium');
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1200, height: 900 } });
    await blockNetwork(context, leaks);
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(server.notebookUrl(LIVE_NOTEBOOK));
    const kernelReady = await waitForKernel(page);
    const opened = await page.evaluate(notebookState);
    check(kernelReady && opened.trusted && !opened.dirty, `${LIVE_NOTEBOOK} opens trusted, without unsaved changes, with the TypeScript kernel ready`, JSON.stringify({ kernelReady, ...opened }));
    await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));

    const run = await runAll(page, 300_000);
    check(run.ok, 'Run All (fast mode) finishes without an error', `${run.seconds} s, ${run.detail}`);
    if (!run.ok) return;
    await pollPage(page, () => Array.from(document.querySelectorAll('.ck-figure') as ArrayLike<any>).every((r: any) => r.getAttribute('data-ck-ready') === '1'), 60_000);
    const afterRun = await page.evaluate(figureStates, '.ck-figure');
    check(afterRun.length === LIVE_FIGURES && figuresOk(afterRun), `after Run All all ${LIVE_FIGURES} figures are interactive (plotly _fullLayout, .main-svg) with their titles and axis titles drawn`, describeFigures(afterRun));

    await page.evaluate(() => {
      const cell = Jupyter.notebook.insert_cell_at_bottom('code');
      cell.set_text('const learnerSum = 1 + 1;\nlearnerSum');
      cell.execute();
    });
    await pollPage(page, () => {
      const cells = Jupyter.notebook.get_cells();
      return typeof cells[cells.length - 1].input_prompt_number === 'number';
    }, 60_000);
    const saved = await saveNotebook(page);
    await page.reload();
    await waitForKernel(page);
    const reopened = await page.evaluate(notebookState);
    await pollPage(page, () => Array.from(document.querySelectorAll('.ck-figure') as ArrayLike<any>).every((r: any) => r.getAttribute('data-ck-ready') === '1'), 60_000);
    const afterReload = await page.evaluate(figureStates, '.ck-figure');
    check(saved && reopened.trusted && !reopened.dirty, 'after adding a cell, saving and reloading the notebook is still trusted and unchanged', JSON.stringify({ saved, ...reopened }));
    check(afterReload.length === afterRun.length && figuresOk(afterReload), 'after the reload the saved figures are interactive again', describeFigures(afterReload));

    await page.evaluate(() => Jupyter.notebook.clear_all_output());
    await saveNotebook(page);
    await page.reload();
    await waitForKernel(page);
    const bare = await page.evaluate(() => ({ plotly: typeof window.Plotly, figures: document.querySelectorAll('.ck-figure').length }));
    check(bare.plotly === 'undefined' && bare.figures === 0, 'with the outputs cleared and the page reloaded there is no plotly.js on the page', JSON.stringify(bare));
    // The notebook's first figure cell (01's loss-vs-distance curves: it needs nothing from the cells before it but the imports).
    const figureCell = await page.evaluate(() => Jupyter.notebook.get_cells().findIndex((c: any) => c.cell_type === 'code' && /showFigure\(/.test(c.get_text())));
    const states = await runFigureCell(page, figureCell);
    const load = await page.evaluate(() => window.__ckPlotlyLoad || null);
    check(
      states.length === 1 && figuresOk(states) && !!load && load.loaded === true && /\/kernelspecs\/tslab\/plotly-basic-[\d.]+\.min\.js$/.test(load.url),
      'then one more figure cell draws an interactive, titled figure, with plotly.js loaded from the kernelspec Jupyter serves',
      `cell ${figureCell + 1}: ${describeFigures(states)}; load ${JSON.stringify(load)}`,
    );

    const control45 = await trustAfterAddedCell(page, server, 'trust-control-4.5.ipynb');
    const control44 = await trustAfterAddedCell(page, server, 'trust-control-4.4.ipynb');
    check(
      control45.after === false && control44.after === true,
      'control: after an added cell and a save, an nbformat 4.5 notebook with cell ids reopens untrusted; the same notebook in 4.4 stays trusted',
      `4.5 ${JSON.stringify(control45)}, 4.4 ${JSON.stringify(control44)}`,
    );
    check(errors.length === 0, 'no JavaScript error on the notebook pages', errors.join(' | ').slice(0, 300));
  } catch (error) {
    check(false, 'the live Jupyter check ran to the end', String((error as Error).message).split('\n').slice(0, 3).join(' '));
    if (server) console.error(server.log().split('\n').slice(-30).join('\n'));
  } finally {
    clearTimeout(budget);
    await context?.close().catch(() => undefined);
    await server?.stop();
    fs.rmSync(home, { recursive: true, force: true });
    console.log(`(live Jupyter check: ${Math.round((Date.now() - started) / 1000)} s)`);
  }
}

/** Python for the optional Notebook 7 / JupyterLab check (not in Debian 12; e.g. a venv with `pip install notebook`). */
const JUPYTER7_PYTHON = process.env.CONTRASTIVE_KIT_JUPYTER7_PYTHON;

/** Waits until the server reports the notebook's kernel idle (front-end independent: the REST API). */
async function waitForIdleKernel(server: NotebookServer, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const sessions = (await (await fetch(`${server.baseUrl}api/sessions?token=${server.token}`)).json()) as Array<{ kernel?: { execution_state?: string } }>;
      if (sessions.length > 0 && sessions.every((s) => s.kernel?.execution_state === 'idle')) return true;
    } catch {
      // not ready yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** Clicks `label` (exact text) in the menu-bar menu `menu` of a JupyterLab-style front-end. */
async function clickMenu(page: Page, menu: string, label: string): Promise<void> {
  await page.locator('.lm-MenuBar-item', { hasText: new RegExp(`^${menu}$`) }).first().click();
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.locator('.lm-Menu:not(.lm-MenuBar) .lm-Menu-item').filter({ has: page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${escaped}$`) }) }).first().click();
}

/**
 * Saves a JupyterLab-style notebook (shortcut, else File menu) and waits until the file on disk
 * has (or, with `withOutputs` false, has no) outputs; returns whether it does. It reads the file
 * itself, not through the server: jupyter_server 2 renames a notebook it reads while a save is
 * writing it to `*.invalid`.
 */
async function saveLabNotebook(page: Page, file: string, withOutputs: boolean): Promise<boolean> {
  const savedAsWanted = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      try {
        const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as Notebook;
        const outputs = notebook.cells.reduce((sum, cell) => sum + (cell.outputs?.length ?? 0), 0);
        if (withOutputs ? outputs > 0 : outputs === 0) return true;
      } catch {
        // being written: read again
      }
    }
    return false;
  };
  await page.locator('.jp-Notebook .jp-Cell .jp-InputPrompt').first().click(); // the notebook is the active document
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+s');
  if (await savedAsWanted(15_000)) return true;
  await clickMenu(page, 'File', 'Save Notebook');
  return savedAsWanted(15_000);
}

/** Scrolls a JupyterLab-style notebook (it renders only the cells in view) to `where`. */
async function scrollNotebook(page: Page, where: 'top' | 'bottom' | 'down'): Promise<boolean> {
  return page.evaluate((to) => {
    const outer = document.querySelector('.jp-WindowedPanel-outer') as any;
    if (!outer) return false;
    const before = outer.scrollTop;
    outer.scrollTop = to === 'top' ? 0 : to === 'bottom' ? outer.scrollHeight : before + 700;
    return outer.scrollTop !== before;
  }, where);
}

/** Waits until the last code cell shows an execution count (Run All reached the end) or a cell shows an error. */
async function waitForLabRun(page: Page, ms: number): Promise<{ ok: boolean; detail: string }> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await scrollNotebook(page, 'bottom');
    const state = await page.evaluate(() => {
      const errors = document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').length;
      const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt') as ArrayLike<any>).map((p: any) => String(p.textContent).trim());
      return { errors, last: prompts[prompts.length - 1] ?? '' };
    });
    if (state.errors > 0) return { ok: false, detail: `${state.errors} error output(s)` };
    if (/^\[\d+\]:$/.test(state.last)) return { ok: true, detail: `last code cell ${state.last}` };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { ok: false, detail: `not finished within ${ms / 1000} s` };
}

/** The figures of a JupyterLab-style notebook, scrolling through it so every output is rendered once. */
async function collectLabFigures(page: Page, ms = 120_000): Promise<ReturnType<typeof figureStates>> {
  const seen = new Map<string, ReturnType<typeof figureStates>[number]>();
  const deadline = Date.now() + ms;
  await scrollNotebook(page, 'top');
  for (let step = 0; step < 200 && Date.now() < deadline; step++) {
    await waitForFigures(page, Math.min(30_000, Math.max(1000, deadline - Date.now())));
    for (const state of await page.evaluate(figureStates, '.ck-figure')) if (!seen.has(state.title || `#${seen.size}`)) seen.set(state.title || `#${seen.size}`, state);
    if (!(await scrollNotebook(page, 'down'))) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return [...seen.values()];
}

/** Waits until every figure on the page (none is fine) has drawn or given up with its note. */
async function waitForFigures(page: Page, ms = 30_000): Promise<void> {
  await pollPage(page, () => {
    const roots = Array.from(document.querySelectorAll('.ck-figure') as ArrayLike<any>);
    return roots.every((r: any) => r.getAttribute('data-ck-ready') === '1' || r.querySelector('.ck-missing'));
  }, ms);
}

/**
 * Optional check 9 (CONTRASTIVE_KIT_JUPYTER7_PYTHON set): the same learner steps in Notebook 7 and
 * JupyterLab, driven through their menus: Run All, reload with saved outputs, then outputs
 * cleared, reload and one more figure cell.
 */
async function checkJupyterServerFrontEnds(python: string, leaks: string[]): Promise<void> {
  const source = readNotebook(path.join(NOTEBOOKS_DIR, LIVE_NOTEBOOK));
  const figureCell = source.cells.findIndex((c) => c.cell_type === 'code' && /showFigure\(/.test(cellSource(c)));
  for (const app of ['notebook7', 'jupyterlab'] as const) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), `ck-${app}-`));
    const root = path.join(OUT_DIR, app);
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    fs.copyFileSync(path.join(NOTEBOOKS_DIR, LIVE_NOTEBOOK), path.join(root, LIVE_NOTEBOOK));
    // Autosave off (as in the classic check): an autosave racing our save fails one of them.
    const settings = path.join(home, 'lab-settings');
    fs.mkdirSync(path.join(settings, '@jupyterlab', 'docmanager-extension'), { recursive: true });
    fs.writeFileSync(path.join(settings, '@jupyterlab', 'docmanager-extension', 'plugin.jupyterlab-settings'), JSON.stringify({ autosave: false }));
    const { env } = isolatedJupyter(home, {
      CONTRASTIVE_KIT_FAST: '1',
      CONTRASTIVE_KIT_RESULTS_DIR: path.join(home, 'results'),
      CONTRASTIVE_KIT_CHECKPOINTS: path.join(home, 'checkpoints'),
      JUPYTERLAB_SETTINGS_DIR: settings,
    });
    withEnv(env, () => {
      installKernel(python);
      signNotebooks(python, [path.join(root, LIVE_NOTEBOOK)]);
    });
    let server: NotebookServer | null = null;
    let context: BrowserContext | null = null;
    try {
      server = await startNotebookServer({ python, rootDir: root, env, app });
      const withToken = (await fetch(`${server.baseUrl}api/status?token=${server.token}`)).status;
      const withoutToken = (await fetch(`${server.baseUrl}api/status`)).status;
      check(withToken === 200 && withoutToken === 403, `${app}: the server answers on loopback and its API needs the token`, `status ${withToken} with the token, ${withoutToken} without`);
      context = await chromium.launchPersistentContext(path.join(home, 'chromium'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1300, height: 1000 } });
      await blockNetwork(context, leaks);
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('dialog', (dialog) => void dialog.accept()); // "leave the page?" on reload
      await page.goto(server.notebookUrl(LIVE_NOTEBOOK));
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 90_000 });
      const idle = await waitForIdleKernel(server, 90_000);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the page connects to the kernel
      await clickMenu(page, 'Run', 'Run All Cells');
      const run = await waitForLabRun(page, 300_000);
      const afterRun = await collectLabFigures(page);
      check(idle && run.ok && afterRun.length === LIVE_FIGURES && figuresOk(afterRun), `${app}: Run All (fast mode), every figure interactive and titled`, `${run.detail}; ${describeFigures(afterRun)}`);
      const saved = await saveLabNotebook(page, path.join(root, LIVE_NOTEBOOK), true);
      await page.reload();
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 90_000 });
      await waitForIdleKernel(server, 30_000);
      await pollPage(page, () => document.querySelectorAll('.ck-figure').length > 0, 30_000);
      const afterReload = await collectLabFigures(page);
      check(saved && afterReload.length === afterRun.length && figuresOk(afterReload), `${app}: after saving and reloading the saved figures are interactive`, `saved ${saved}; ${describeFigures(afterReload)}`);
      await clickMenu(page, 'Edit', 'Clear Outputs of All Cells');
      await saveLabNotebook(page, path.join(root, LIVE_NOTEBOOK), false);
      await page.reload();
      await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 90_000 });
      await waitForIdleKernel(server, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 2000)); // the page reconnects to the kernel
      const bare = await page.evaluate(() => typeof window.Plotly);
      const cell = page.locator('.jp-Notebook .jp-Cell').nth(figureCell);
      await cell.scrollIntoViewIfNeeded();
      await cell.locator('.jp-InputArea-editor').click();
      await page.keyboard.press('Shift+Enter');
      await pollPage(page, () => document.querySelectorAll('.ck-figure').length > 0, 120_000);
      await waitForFigures(page);
      const states = await page.evaluate(figureStates, '.ck-figure');
      const load = await page.evaluate(() => window.__ckPlotlyLoad || null);
      check(
        bare === 'undefined' && states.length === 1 && figuresOk(states) && !!load && load.loaded === true,
        `${app}: outputs cleared and reloaded (no plotly.js on the page), one more figure cell draws interactive and titled, plotly.js from the kernelspec`,
        `plotly before ${bare}; ${describeFigures(states)}; load ${JSON.stringify(load)}`,
      );
    } catch (error) {
      const shot = path.join(OUT_DIR, `${app}-failure.png`);
      await context?.pages()[0]?.screenshot({ path: shot }).catch(() => undefined);
      check(false, `${app}: the check ran to the end`, `${String((error as Error).message).split('\n').slice(0, 3).join(' ')} (screenshot ${path.relative(REPO_ROOT, shot)})`);
      if (server) console.error(server.log().split('\n').slice(-40).join('\n'));
    } finally {
      await context?.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<number> {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`browser-check: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return 2;
  }
  const executed = await executeFixture();
  check(executed, 'the fixture notebook executes headlessly');
  if (!executed) return 1;
  const text = fs.readFileSync(EXECUTED, 'utf8');
  const copies = text.split(LIBRARY_MARKER).length - 1;
  check(copies === 1, 'the executed notebook carries plotly.js exactly once', `${copies} copies, notebook ${(text.length / 1e6).toFixed(2)} MB`);
  const figureCount = (text.match(/class=\\"ck-figure\\"/g) ?? []).length;

  execFileSync(PYTHON, ['-m', 'nbconvert', '--to', 'html', EXECUTED, '--output-dir', OUT_DIR], { stdio: ['ignore', 'ignore', 'inherit'] });
  check(fs.existsSync(HTML), 'nbconvert exported the executed notebook to HTML', path.relative(REPO_ROOT, HTML));

  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-chromium-'));
  const leaks: string[] = [];
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  try {
    await blockNetwork(context, leaks);
    const page = context.pages()[0] ?? (await context.newPage());
    await checkInteractive(page, figureCount);
  } finally {
    await context.close();
  }
  const noScriptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-chromium-'));
  const noScript = await chromium.launchPersistentContext(noScriptDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, javaScriptEnabled: false });
  try {
    await blockNetwork(noScript, leaks);
    await checkWithoutScripts(noScript);
  } finally {
    await noScript.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(noScriptDir, { recursive: true, force: true });
  }
  checkSigning();
  await checkLiveJupyter(leaks);
  if (JUPYTER7_PYTHON) await checkJupyterServerFrontEnds(JUPYTER7_PYTHON, leaks);
  else console.log('(Notebook 7 / JupyterLab not checked: set CONTRASTIVE_KIT_JUPYTER7_PYTHON to a Python that has notebook 7 and jupyterlab)');
  check(leaks.length === 0, 'no request left localhost', leaks.slice(0, 5).join(', '));
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

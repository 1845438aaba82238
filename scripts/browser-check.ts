/**
 * Browser check of the kit's figures (issue #7): executes the fixture notebook
 * scripts/fixtures/viz-figures.ipynb headlessly (tslab through the kit's `createCellRunner`),
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
 *     scripts when opened (done in a throw-away Jupyter data dir).
 *
 * It saves a screenshot of the UMAP figure to build/umap-figure.png (for the README).
 *
 * Usage (after `npm run build`): npx ts-node -T scripts/browser-check.ts
 * Needs: Debian packages chromium and jupyter-nbconvert (python3-nbconvert), /usr/bin/python3.
 * Environment: CHROMIUM_PATH overrides /usr/bin/chromium.
 * Ends with "N passed, M failed" and exits 1 when a check failed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createCellRunner, PLOTLY_INLINE_MARKER } from 'contrastive-kit';
import { cellSource, readNotebook, writeNotebook } from './lib/notebook-file';
import { BUILD_DIR, REPO_ROOT } from './lib/repo';

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
  check(leaks.length === 0, 'no request left localhost', leaks.slice(0, 5).join(', '));
  checkSigning();
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

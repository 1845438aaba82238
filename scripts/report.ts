/**
 * `npm run report`: turns the executed notebooks in build/notebooks/ into an HTML report in
 * build/report/ — one page per notebook (rendered by Jupyter's nbconvert, the maintained
 * notebook→HTML renderer) plus index.html with the results table. The interactive figures work
 * offline: the plotly bundle is inlined in each notebook's outputs, nbconvert's require.js tag is
 * dropped, and MathJax is taken from the local Debian copy when there is one.
 * The walkthrough calls this at the end when Jupyter is installed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { listNotebooks, notebookName, readNotebook, cellSource } from './lib/notebook-file';
import { requireJupyterPython } from './lib/python';
import { BUILD_DIR } from './lib/repo';
import { RESULT_COLUMNS, resultCells, type ResultsSummary } from './lib/results-summary';

/** Local MathJax 2 from Debian's libjs-mathjax, if installed. */
export const LOCAL_MATHJAX = '/usr/share/javascript/mathjax/MathJax.js';

/**
 * Removes script tags the report does not need: remote ones (`http(s)://…`, which would fail
 * offline) and require.js (no widgets here; with require.js on the page, UMD bundles such as
 * plotly's register as AMD modules instead of globals).
 */
export function dropUnneededScripts(html: string): string {
  return html.replace(/<script\b[^>]*\bsrc="([^"]*)"[^>]*>\s*<\/script>/gi, (tag, src: string) =>
    /^https?:\/\//i.test(src) || /require(\.min)?\.js/i.test(src) ? '' : tag,
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The report's index page: links to each notebook page and the results table. */
export function indexPage(pages: Array<{ file: string; title: string }>, summary: ResultsSummary | null): string {
  const table = summary
    ? `<p>Produced by <code>${escapeHtml(summary.command)}</code> on ${escapeHtml(summary.createdAt.slice(0, 10))} (${escapeHtml(summary.machine)}).</p>
<table><thead><tr>${RESULT_COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>
${summary.rows.map((r) => `<tr>${resultCells(r).map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`
    : '<p>No results files were written (build/results/).</p>';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>contrastive-kit walkthrough report</title>
<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}td:first-child,td:nth-child(2),th{text-align:left}</style>
</head><body>
<h1>contrastive-kit walkthrough report</h1>
<h2>Notebooks</h2>
<ol>
${pages.map((p) => `<li><a href="${encodeURI(p.file)}">${escapeHtml(p.title)}</a></li>`).join('\n')}
</ol>
<h2>Results</h2>
${table}
</body></html>
`;
}

function titleOf(file: string): string {
  const first = readNotebook(file).cells.find((c) => c.cell_type === 'markdown');
  const heading = first ? /^#\s+(.+)$/m.exec(cellSource(first)) : null;
  return heading ? heading[1].trim() : notebookName(file);
}

/** Builds the report of the executed notebooks `files` into `reportDir` with `python`'s nbconvert. */
export function buildReport(python: string, files: string[], reportDir: string, resultsDir: string): string {
  if (files.length === 0) throw new Error("report: no executed notebooks: run 'npm run walkthrough' first");
  fs.mkdirSync(reportDir, { recursive: true });
  const mathjax = fs.existsSync(LOCAL_MATHJAX) ? [`--HTMLExporter.mathjax_url=file://${LOCAL_MATHJAX}?config=TeX-AMS_CHTML-full`] : [];
  const result = spawnSync(
    python,
    ['-m', 'nbconvert', '--to', 'html', '--template', 'lab', '--embed-images', ...mathjax, '--output-dir', reportDir, ...files],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`report: nbconvert failed (exit ${result.status}):\n${result.stderr}`);
  const pages = files.map((file) => {
    const page = path.join(reportDir, `${notebookName(file)}.html`);
    writeFileAtomic.sync(page, dropUnneededScripts(fs.readFileSync(page, 'utf8')));
    return { file: path.basename(page), title: titleOf(file) };
  });
  const summaryFile = path.join(resultsDir, 'summary.json');
  const summary = fs.existsSync(summaryFile) ? (JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as ResultsSummary) : null;
  const index = path.join(reportDir, 'index.html');
  writeFileAtomic.sync(index, indexPage(pages, summary));
  return index;
}

if (require.main === module) {
  const python = requireJupyterPython();
  try {
    const files = listNotebooks(path.join(BUILD_DIR, 'notebooks'));
    const index = buildReport(python, files, path.join(BUILD_DIR, 'report'), path.join(BUILD_DIR, 'results'));
    console.log(`report: ${path.relative(process.cwd(), index)}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

/**
 * Every figure of the executed notebooks (build/notebooks/, written by `npm run walkthrough`) has
 * a figure title and a title on every axis its traces use, in the `{ text }` form plotly.js 4
 * draws. Without executed copies the check is skipped, except in CI (CI=true), where the
 * walkthrough runs first and a missing copy is a failure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { executedFigures, untitledFigureReport } from './executed-figures';
import { listNotebooks, notebookName, writeNotebook, type Notebook } from './notebook-file';
import { BUILD_DIR, NOTEBOOKS_DIR } from './repo';

const EXECUTED_DIR = path.join(BUILD_DIR, 'notebooks');
const executed = fs.existsSync(EXECUTED_DIR) ? listNotebooks(EXECUTED_DIR) : [];
const inCi = process.env.CI === 'true';

test('every figure of the executed notebooks has a title and axis titles', { skip: executed.length === 0 && !inCi ? 'no executed notebooks in build/notebooks (run npm run walkthrough -- --fast)' : false }, () => {
  if (inCi) {
    const missing = listNotebooks(NOTEBOOKS_DIR).map(notebookName).filter((name) => !executed.some((file) => notebookName(file) === name));
    assert.deepEqual(missing, [], 'CI runs the walkthrough before the tests: every notebook must have an executed copy');
  }
  const figures = executed.flatMap(executedFigures);
  // The extraction must find figures wherever the notebook draws some (00-setup draws none).
  const drawing = executed.filter((file) => /\b(showFigure|plotFigure|plotLines)\(/.test(fs.readFileSync(path.join(NOTEBOOKS_DIR, path.basename(file)), 'utf8')));
  if (drawing.length > 0) assert.ok(figures.length > 0, `no figure found in ${drawing.length} executed notebooks that draw figures`);
  assert.deepEqual(untitledFigureReport(executed), [], `untitled figures in ${path.relative(process.cwd(), EXECUTED_DIR)}`);
});

test('the check finds a figure with a plain-string title and one without axis titles', () => {
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const folder = fs.mkdtempSync(path.join(BUILD_DIR, 'executed-figures-test-'));
  try {
    const figureOutput = (figure: unknown) => ({ output_type: 'display_data', metadata: {}, data: { 'application/vnd.plotly.v1+json': figure, 'text/plain': '[figure]' } });
    const notebook: Notebook = {
      nbformat: 4,
      nbformat_minor: 4,
      metadata: {},
      cells: [
        { cell_type: 'markdown', metadata: {}, source: '# t' },
        { cell_type: 'code', metadata: {}, source: 'a', execution_count: 1, outputs: [figureOutput({ data: [{ y: [1] }], layout: { title: { text: 'ok' }, xaxis: { title: { text: 'x' } }, yaxis: { title: { text: 'y' } } } })] },
        { cell_type: 'code', metadata: {}, source: 'b', execution_count: 2, outputs: [figureOutput({ data: [{ y: [1] }], layout: { title: 'plain' } })] },
      ],
    };
    const file = path.join(folder, '09-fixture.ipynb');
    writeNotebook(file, notebook);
    assert.equal(executedFigures(file).length, 2);
    assert.deepEqual(untitledFigureReport([file]), [
      '09-fixture cell 3: the figure title is a plain string, which plotly.js 4 does not draw; no title on axis xaxis; no title on axis yaxis',
    ]);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

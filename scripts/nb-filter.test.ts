import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { filterNotebookText } from './nb-filter';
import { cleanNotebook, serializeNotebook, type Notebook } from './lib/notebook-file';
import { REPO_ROOT } from './lib/repo';

const executed: Notebook = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  cells: [
    { id: 'abc', cell_type: 'code', metadata: { trusted: true }, source: 'showFigure(f)', execution_count: 3, outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': '<div>…</div>' } }] },
  ],
};

test('the filter stores the clean form and passes non-notebooks through with a reason', () => {
  const text = JSON.stringify(executed, null, 1);
  assert.equal(filterNotebookText(text), serializeNotebook(cleanNotebook(JSON.parse(text))));
  assert.equal(filterNotebookText(filterNotebookText(text)), filterNotebookText(text), 'clean text is a fixed point (git status shows no change)');
  const warnings: string[] = [];
  const conflict = '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n';
  assert.equal(filterNotebookText(conflict, (w) => warnings.push(w)), conflict);
  assert.equal(filterNotebookText('{"cells": [], "nbformat": 3}', (w) => warnings.push(w)), '{"cells": [], "nbformat": 3}');
  assert.match(warnings[0], /^nb-filter: not valid JSON, stored as it is/);
  assert.equal(warnings[1], 'nb-filter: not an nbformat 4 notebook, stored as it is');
});

test('the filter works as git runs it: stdin to stdout from the repo root', () => {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join('scripts', 'nb-filter.ts')], { cwd: REPO_ROOT, input: JSON.stringify(executed), encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const stored = JSON.parse(result.stdout) as Notebook;
  assert.deepEqual(stored.cells[0].outputs, []);
  assert.equal(stored.cells[0].execution_count, null);
  assert.equal(stored.nbformat_minor, 4);
});

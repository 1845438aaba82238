import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkSourceNotebooks, dirtyNotebooks } from './clean-notebooks';
import { cleanNotebook, KERNELSPEC, LANGUAGE_INFO, listNotebooks, readNotebook, serializeNotebook, Notebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR } from './lib/repo';

function executedNotebook(): Notebook {
  return {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'text'] },
      {
        cell_type: 'code',
        metadata: { execution: { seconds: 1 }, scrolled: true, tags: ['keep-me'] },
        source: 'console.log(1)\n',
        outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }],
        execution_count: 7,
      },
    ],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, widgets: { state: {} } },
    nbformat: 4,
    nbformat_minor: 4,
  };
}

test('cleaning strips outputs, execution counts, volatile metadata and cell ids (nbformat 4.4), keeps tags', () => {
  const executed = executedNotebook();
  executed.nbformat_minor = 5;
  executed.cells.forEach((cell, i) => { cell.id = `cell-${i}`; });
  executed.cells[1].metadata.trusted = true;
  const clean = cleanNotebook(executed);
  const code = clean.cells[1];
  assert.deepEqual(code.outputs, []);
  assert.equal(code.execution_count, null);
  assert.deepEqual(code.metadata, { tags: ['keep-me'] });
  assert.equal('id' in code || 'id' in clean.cells[0], false);
  assert.deepEqual(clean.cells[0].source, ['# Title\n', 'text']);
  assert.deepEqual(clean.metadata, { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO });
  assert.equal(clean.nbformat_minor, 4);
});

test("the clean metadata is what the tslab kernel reports (classic Notebook would otherwise mark the notebook changed on open)", () => {
  // tslab 1.0.22's kernel_info reply, as the installed package builds it.
  const { JupyterHandlerImpl } = require('tslab/dist/jupyter') as { JupyterHandlerImpl: new (...args: unknown[]) => { handleKernel(): { language_info: unknown } } };
  const reply = JupyterHandlerImpl.prototype.handleKernel.call({ isJs: false });
  assert.deepEqual(reply.language_info, LANGUAGE_INFO);
});

test('cleaning is idempotent', () => {
  const once = cleanNotebook(executedNotebook());
  const twice = cleanNotebook(JSON.parse(serializeNotebook(once)));
  assert.equal(serializeNotebook(twice), serializeNotebook(once));
});

test('dirtyNotebooks finds a notebook with outputs and not a clean one', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-clean-'));
  fs.writeFileSync(path.join(folder, '01-dirty.ipynb'), JSON.stringify(executedNotebook()));
  fs.writeFileSync(path.join(folder, '02-clean.ipynb'), serializeNotebook(cleanNotebook(executedNotebook())));
  fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a notebook');
  assert.deepEqual(dirtyNotebooks(folder).map((f) => path.basename(f)), ['01-dirty.ipynb']);
  fs.rmSync(folder, { recursive: true, force: true });
});

test('readNotebook names the file and the problem', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-read-'));
  const broken = path.join(folder, '01-broken.ipynb');
  fs.writeFileSync(broken, '{"cells": [');
  assert.throws(() => readNotebook(broken), /'.*01-broken\.ipynb' is not valid JSON/);
  fs.writeFileSync(broken, '{"cells": [], "nbformat": 3}');
  assert.throws(() => readNotebook(broken), /is not an nbformat 4 notebook/);
  fs.rmSync(folder, { recursive: true, force: true });
});

test('the source notebooks as git stores them are clean and name the tslab kernel', () => {
  const files = listNotebooks(NOTEBOOKS_DIR);
  assert.ok(files.length >= 1);
  assert.deepEqual(checkSourceNotebooks().dirty, []);
  for (const file of files) assert.equal((readNotebook(file).metadata.kernelspec as { name: string }).name, 'tslab');
});

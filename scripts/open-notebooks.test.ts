import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { jupyterArgs, notebooksWithoutOutputs } from './open-notebooks';
import { NOTEBOOKS_DIR } from './lib/repo';

test('jupyterArgs adds --allow-root as root (once) and passes the user arguments on', () => {
  assert.deepEqual(jupyterArgs(['--no-browser', '--port', '8899'], false), ['-m', 'notebook', `--notebook-dir=${NOTEBOOKS_DIR}`, '--no-browser', '--port', '8899']);
  assert.deepEqual(jupyterArgs(['--no-browser'], true), ['-m', 'notebook', `--notebook-dir=${NOTEBOOKS_DIR}`, '--allow-root', '--no-browser']);
  assert.deepEqual(jupyterArgs(['--allow-root'], true), ['-m', 'notebook', `--notebook-dir=${NOTEBOOKS_DIR}`, '--allow-root']);
});

test('only notebooks without outputs are marked trusted', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-open-'));
  try {
    const notebook = (outputs: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [{ cell_type: 'code', metadata: {}, source: '1', outputs, execution_count: null }] });
    fs.writeFileSync(path.join(folder, '01-clean.ipynb'), notebook([]));
    fs.writeFileSync(path.join(folder, '02-ran.ipynb'), notebook([{ output_type: 'display_data', metadata: {}, data: { 'text/html': '<script></script>' } }]));
    assert.deepEqual(notebooksWithoutOutputs(folder).map((f) => path.basename(f)), ['01-clean.ipynb']);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { lastTrainingCell, planTraining, verifyShipped } from './checkpoints';
import { cellSource, listNotebooks, notebookName, readNotebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR } from './lib/repo';

const notebooks = listNotebooks(NOTEBOOKS_DIR);
const named = (name: string) => notebooks.find((file) => notebookName(file) === name)!;

test('planTraining: notebook numbers train everything in them, names only those; a bad argument is named', () => {
  assert.deepEqual(planTraining(['03', '01-drlim-main', '01-other'], notebooks).map((p) => [notebookName(p.file), p.ship]), [
    ['03-npair-loss', 'all'],
    ['01-contrastive-loss', '01-drlim-main,01-other'],
  ]);
  assert.deepEqual(planTraining([], notebooks).map((p) => notebookName(p.file)), notebooks.map(notebookName).filter((n) => !n.startsWith('00')));
  assert.throws(() => planTraining(['drlim'], notebooks), /'drlim' is neither a notebook number/);
  assert.throws(() => planTraining(['09-x'], notebooks), /no notebook 09 for checkpoint '09-x'/);
});

test('lastTrainingCell: the cell that trains a literally named checkpoint; every cell when names are built at run time', () => {
  const cell = lastTrainingCell(named('01-contrastive-loss'), '01-drlim-main')!;
  assert.ok(cell > 0);
  const source = cellSource(readNotebook(named('01-contrastive-loss')).cells[cell - 1]);
  assert.match(source, /name: '01-drlim-main'/);
  assert.match(source, /await loadOrTrain\(/);
  assert.equal(lastTrainingCell(named('05-moco'), 'all'), null, "05's checkpoint names are built per arm");
  const longRunCell = lastTrainingCell(named('05-moco'), '05-moco-long-run')!;
  assert.match(cellSource(readNotebook(named('05-moco')).cells[longRunCell - 1]), /checkpoint: '05-moco-long-run'/, "05's long run names its checkpoint");
  assert.ok(longRunCell < readNotebook(named('05-moco')).cells.length / 2, 'the long run trains before the short arms, so shipping it stops early');
  assert.equal(lastTrainingCell(named('01-contrastive-loss'), '01-not-there'), null);
});

test('the shipped folder verifies and stays under 30 MB', () => {
  const lines = verifyShipped();
  assert.match(lines[lines.length - 1], /shipped checkpoint\(s\), [\d.]+ MiB in .*checkpoints \(limit 30 MiB\)/);
  assert.ok(path.isAbsolute(NOTEBOOKS_DIR));
});

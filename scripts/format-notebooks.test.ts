import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notebook } from './lib/notebook-file';
import { formatCell, formatNotebook } from './format-notebooks';

const notebook = (cells: Array<{ type: 'code' | 'markdown'; source: string }>): Notebook =>
  ({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: cells.map((c) => ({ cell_type: c.type, metadata: {}, source: c.source, ...(c.type === 'code' ? { outputs: [], execution_count: null } : {}) })) }) as unknown as Notebook;

test('formatCell wraps long lines at 100 columns, keeps top-level await, and ends without a newline', async () => {
  const long = `const result = await runLeaderboard(contenders, { train: trainSplit, test: testSplit, layout: boardLayout, budget: { steps: 600 } });`;
  const formatted = await formatCell(long, 'cell');
  assert.ok(formatted.split('\n').every((line) => line.length <= 100), formatted);
  assert.match(formatted, /^const result = await runLeaderboard\(contenders, \{/);
  assert.ok(!formatted.endsWith('\n'));
  assert.equal(await formatCell(formatted, 'cell'), formatted, 'formatting is idempotent');
  assert.equal(await formatCell('  \n', 'cell'), '  \n', 'an empty cell stays as it is');
  await assert.rejects(formatCell('const = ;', 'nb cell 3'), /nb:format: nb cell 3 does not parse as TypeScript/);
});

test('formatNotebook reformats code cells only and names them; markdown is untouched', async () => {
  const input = notebook([
    { type: 'markdown', source: "# Title with    spaces and a 'quote'" },
    { type: 'code', source: 'const x = {a:1,b:"two"}' },
    { type: 'code', source: "const y = 2;" },
  ]);
  const { notebook: output, changedCells } = await formatNotebook(input, 'nb');
  assert.deepEqual(changedCells, [2]);
  assert.deepEqual(output.cells[1].source, ["const x = { a: 1, b: 'two' };"]);
  assert.equal(output.cells[0].source, "# Title with    spaces and a 'quote'");
  assert.equal((input.cells[1] as { source: string }).source, 'const x = {a:1,b:"two"}', 'the input is not changed');
});

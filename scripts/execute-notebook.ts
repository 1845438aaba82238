/**
 * Executes one notebook headlessly with tslab's executor (through scripts/lib/cell-runner.ts) and writes
 * the executed copy. Started by walkthrough.ts as a child process (one process per notebook, so
 * a timeout can kill it and every notebook starts with a fresh tfjs).
 *
 * Usage: ts-node -T scripts/execute-notebook.ts <input.ipynb> <output.ipynb>
 * Messages to the parent (when forked): {type:'cell', …}, {type:'done', …}, {type:'failed', …}.
 */
import * as path from 'path';
import { createCellRunner } from './lib/cell-runner';
import { cellSource, readNotebook, writeNotebook } from './lib/notebook-file';

/** A message from this child to walkthrough.ts. */
export type RunnerMessage =
  | { type: 'cell'; cell: number; codeCell: number; codeCells: number; ok: boolean; seconds: number }
  | { type: 'done'; seconds: number; codeCells: number }
  | { type: 'failed'; cell: number; codeCell: number; error: string; seconds: number };

function send(message: RunnerMessage): void {
  if (process.send) process.send(message);
}

async function main(): Promise<number> {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: execute-notebook.ts <input.ipynb> <output.ipynb>');
    return 2;
  }
  const inputPath = path.resolve(input);
  const outputPath = path.resolve(output);
  const notebook = readNotebook(inputPath);
  process.env.CONTRASTIVE_KIT_HEADLESS = '1';
  const runner = createCellRunner(path.dirname(inputPath), { echo: true });
  const codeCells = notebook.cells.filter((c) => c.cell_type === 'code').length;
  // Set by `npm run checkpoints:train`: the cells after the last training of a checkpoint are not needed.
  const stopAfter = Number(process.env.CONTRASTIVE_KIT_STOP_AFTER_CELL ?? Infinity);
  const started = Date.now();
  let executionCount = 0;
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    executionCount += 1;
    const cellStarted = new Date();
    const result = await runner.run(cellSource(cell));
    cell.outputs = result.outputs;
    cell.execution_count = executionCount;
    // The timing keys Jupyter itself records (nbformat's schema wants ISO strings here).
    cell.metadata = {
      ...cell.metadata,
      execution: { 'iopub.execute_input': cellStarted.toISOString(), 'shell.execute_reply': new Date().toISOString() },
    };
    writeNotebook(outputPath, notebook);
    send({ type: 'cell', cell: index + 1, codeCell: executionCount, codeCells, ok: result.ok, seconds: result.seconds });
    if (!result.ok) {
      const errorOutput = result.outputs.find((o) => o.output_type === 'error');
      const summary = errorOutput && errorOutput.output_type === 'error' ? `${errorOutput.ename}: ${errorOutput.evalue}` : 'unknown error';
      console.error(`\n--- ${path.basename(inputPath)}, cell ${index + 1} (code cell ${executionCount}) failed ---\n${result.error ?? ''}`);
      send({ type: 'failed', cell: index + 1, codeCell: executionCount, error: summary, seconds: (Date.now() - started) / 1000 });
      runner.close();
      return 1;
    }
    if (index + 1 >= stopAfter) {
      console.log(`\n(stopped after cell ${index + 1}, as CONTRASTIVE_KIT_STOP_AFTER_CELL asks)`);
      break;
    }
  }
  runner.close();
  send({ type: 'done', seconds: (Date.now() - started) / 1000, codeCells });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

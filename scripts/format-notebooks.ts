/**
 * `npm run nb:format`: formats the code cells of the source notebooks with Prettier (TypeScript,
 * 100 columns, single quotes), so no line runs off the right edge of a rendered notebook and every
 * notebook reads in one style. `npm run nb:format -- --check` (part of `npm test`) changes nothing
 * and fails, naming each notebook and cell that is not formatted. Files may be named:
 * `npm run nb:format -- notebooks/06-design-your-own-loss.ipynb`.
 */
import * as prettier from 'prettier';
import { cellSource, listNotebooks, readNotebook, toLines, writeNotebook, type Notebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR } from './lib/repo';
import { runMain } from './lib/run-main';

/** The Prettier options of notebook code. */
export const NOTEBOOK_PRETTIER_OPTIONS: prettier.Options = { parser: 'typescript', printWidth: 100, singleQuote: true, trailingComma: 'all' };

/**
 * One code cell's source, formatted (without the final newline Prettier adds: cells end without one).
 *
 * @param source the cell's code.
 * @param where the notebook and cell, for the error a cell that does not parse gets.
 */
export async function formatCell(source: string, where: string): Promise<string> {
  if (source.trim() === '') return source;
  try {
    return (await prettier.format(source, NOTEBOOK_PRETTIER_OPTIONS)).replace(/\n+$/, '');
  } catch (error) {
    throw new Error(`nb:format: ${where} does not parse as TypeScript: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** What {@link formatNotebook} changed: the 1-based numbers of the code cells it reformatted. */
export interface FormatResult {
  notebook: Notebook;
  changedCells: number[];
}

/** Formats every code cell of `notebook` (a copy; the input is not changed). */
export async function formatNotebook(notebook: Notebook, name = 'notebook'): Promise<FormatResult> {
  const copy = JSON.parse(JSON.stringify(notebook)) as Notebook;
  const changedCells: number[] = [];
  for (const [index, cell] of copy.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    const source = cellSource(cell);
    const formatted = await formatCell(source, `${name} cell ${index + 1}`);
    if (formatted !== source) {
      cell.source = toLines(formatted);
      changedCells.push(index + 1);
    }
  }
  return { notebook: copy, changedCells };
}

async function main(args: string[]): Promise<number> {
  const check = args.includes('--check');
  const named = args.filter((arg) => arg !== '--check');
  const files = named.length > 0 ? named : listNotebooks(NOTEBOOKS_DIR);
  const unformatted: string[] = [];
  for (const file of files) {
    const { notebook, changedCells } = await formatNotebook(readNotebook(file), file);
    if (changedCells.length === 0) continue;
    if (check) unformatted.push(`${file}: cells ${changedCells.join(', ')}`);
    else {
      writeNotebook(file, notebook);
      console.log(`nb:format: ${file}: reformatted cells ${changedCells.join(', ')}`);
    }
  }
  if (check && unformatted.length > 0) {
    console.error(`nb:format --check: code cells not formatted (run \`npm run nb:format\`):\n  ${unformatted.join('\n  ')}`);
    return 1;
  }
  console.log(check ? `nb:format --check: the code cells of ${files.length} notebook(s) are formatted` : `nb:format: ${files.length} notebook(s) checked`);
  return 0;
}

runMain(module, () => main(process.argv.slice(2)));

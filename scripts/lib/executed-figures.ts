/**
 * The figures of executed notebooks, read back from their outputs: every display output that
 * carries `application/vnd.plotly.v1+json` (what `showFigure` sends). Used to check that every
 * figure the notebooks draw has a title and axis titles plotly.js 4 draws (the walkthrough checks
 * its executed copies; executed-figures.test.ts beside this file checks build/notebooks/).
 */
import { figureTitleProblems, type Figure } from 'contrastive-kit';
import { notebookName, readNotebook } from './notebook-file';

/** One figure found in an executed notebook. */
export interface ExecutedFigure {
  /** The notebook's name, e.g. `01-contrastive-loss`. */
  notebook: string;
  /** The cell's number (1-based, counting every cell as Jupyter shows them). */
  cell: number;
  /** The figure JSON. */
  figure: Figure;
  /** The figure's title problems (empty when fully titled), see `figureTitleProblems`. */
  problems: string[];
}

/** Every plotly figure in the outputs of the executed notebook `file`, with its title problems. */
export function executedFigures(file: string): ExecutedFigure[] {
  const notebook = readNotebook(file);
  const figures: ExecutedFigure[] = [];
  notebook.cells.forEach((cell, index) => {
    for (const output of (cell.outputs ?? []) as Array<{ data?: Record<string, unknown> }>) {
      const figure = output?.data?.['application/vnd.plotly.v1+json'] as Figure | undefined;
      if (figure) figures.push({ notebook: notebookName(file), cell: index + 1, figure, problems: figureTitleProblems(figure) });
    }
  });
  return figures;
}

/** One line per untitled figure of `files` ("01-contrastive-loss cell 11: no title on axis yaxis2"); empty when all are titled. */
export function untitledFigureReport(files: string[]): string[] {
  return files.flatMap((file) =>
    executedFigures(file)
      .filter((f) => f.problems.length > 0)
      .map((f) => `${f.notebook} cell ${f.cell}: ${f.problems.join('; ')}`),
  );
}

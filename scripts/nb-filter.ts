/**
 * The git "clean" filter for source notebooks: git pipes a notebook through it whenever it reads
 * a notebook from the working tree (`git add`, `git diff`, `git status`), so what git stores is
 * the clean form (no outputs, no execution counts, no volatile metadata; see `cleanNotebook`)
 * while the file you work in keeps its outputs. `npm install` configures it (scripts/setup-git.ts)
 * and .gitattributes applies it to notebooks/*.ipynb.
 *
 * Usage (by git): node -r ts-node/register/transpile-only scripts/nb-filter.ts < notebook > clean
 */
import { cleanNotebook, serializeNotebook, type Notebook } from './lib/notebook-file';

/**
 * The clean form of a notebook file's text. Text that is not a notebook (a merge conflict, a
 * broken file) passes through unchanged, with `warn` told why, so git never loses it; nb:check
 * then reports the file.
 *
 * @param text the file as git reads it from the working tree.
 * @param warn receives a one-line reason when the text passes through unchanged.
 */
export function filterNotebookText(text: string, warn: (message: string) => void = () => undefined): string {
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    warn(`nb-filter: not valid JSON, stored as it is (${(error as Error).message})`);
    return text;
  }
  if (!notebook || notebook.nbformat !== 4 || !Array.isArray(notebook.cells)) {
    warn('nb-filter: not an nbformat 4 notebook, stored as it is');
    return text;
  }
  return serializeNotebook(cleanNotebook(notebook));
}

if (require.main === module) {
  const chunks: Buffer[] = [];
  process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
  process.stdin.on('end', () => {
    process.stdout.write(filterNotebookText(Buffer.concat(chunks).toString('utf8'), (message) => process.stderr.write(`${message}\n`)));
  });
}

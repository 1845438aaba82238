/**
 * Reading, cleaning and writing Jupyter notebooks (nbformat v4 JSON) for the scripts.
 */
import * as fs from 'fs';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';

/** One notebook cell (the fields the kit reads; others are kept as they are). */
export interface NotebookCell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** A notebook file. */
export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

/** The kernelspec every notebook of the kit names. */
export const KERNELSPEC = { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };

/** The text of a cell's source. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

/** Splits text into nbformat's list-of-lines form (each line keeps its newline). */
export function toLines(text: string): string[] {
  const lines = text.split('\n').map((line, i, all) => (i < all.length - 1 ? line + '\n' : line));
  return lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
}

/** Reads and validates a notebook; errors name the file and what is wrong. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`readNotebook: cannot read '${file}': ${(error as Error).message}`);
  }
  let notebook: Notebook;
  try {
    notebook = JSON.parse(text) as Notebook;
  } catch (error) {
    throw new Error(`readNotebook: '${file}' is not valid JSON: ${(error as Error).message}`);
  }
  if (!notebook || !Array.isArray(notebook.cells) || notebook.nbformat !== 4) {
    throw new Error(`readNotebook: '${file}' is not an nbformat 4 notebook (needs "nbformat": 4 and a "cells" array)`);
  }
  notebook.cells.forEach((cell, index) => {
    if (!['code', 'markdown', 'raw'].includes(cell.cell_type)) {
      throw new Error(`readNotebook: '${file}' cell ${index + 1} has cell_type '${cell.cell_type}'`);
    }
  });
  return notebook;
}

/** Serialises a notebook the way Jupyter does (1-space indent, trailing newline). */
export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(notebook, null, 1) + '\n';
}

/** Writes a notebook atomically (temporary file + rename), creating the folder. */
export function writeNotebook(file: string, notebook: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic.sync(file, serializeNotebook(notebook));
}

/**
 * The `language_info` the tslab 1.0.22 kernel reports. Classic Notebook copies the kernel's
 * `language_info` into the notebook when the kernel starts and marks the notebook "(unsaved
 * changes)" if it differs, so source notebooks carry exactly this.
 */
export const LANGUAGE_INFO = {
  codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
  file_extension: '.ts',
  mimetype: 'text/typescript',
  name: 'typescript',
  version: '3.7.2',
};

/**
 * The nbformat minor version of source notebooks: 4.4, whose cells have no `id`. Classic
 * Notebook 6.4 creates cells without ids; in a 4.5 notebook, nbformat adds ids to those cells
 * when the file is read back, which breaks the signature Jupyter saved with it, and the notebook
 * reopens "Not Trusted" after a learner adds a cell. In 4.4 a saved notebook stays trusted.
 * (JupyterLab and Notebook 7 read 4.4 and write 4.5 with ids; the clean filter turns that back.)
 */
export const SOURCE_NBFORMAT_MINOR = 4;

/**
 * The clean form of a source notebook: no outputs, no execution counts, no volatile cell
 * metadata (execution timing, collapsed/scrolled state, trust marks), no cell ids (nbformat 4.4,
 * see {@link SOURCE_NBFORMAT_MINOR}), the kit's kernelspec and the kernel's {@link LANGUAGE_INFO},
 * sources as lines.
 */
export function cleanNotebook(notebook: Notebook): Notebook {
  const cells = notebook.cells.map((cell) => {
    const metadata = { ...cell.metadata };
    for (const key of ['execution', 'collapsed', 'scrolled', 'ExecuteTime', 'jupyter', 'trusted']) delete metadata[key];
    const { id: _id, attachments, ...rest } = cell;
    const clean: NotebookCell = { ...rest, metadata, source: toLines(cellSource(cell)) };
    if (cell.cell_type !== 'code' && attachments !== undefined && Object.keys(attachments as object).length > 0) clean.attachments = attachments;
    if (cell.cell_type === 'code') {
      clean.outputs = [];
      clean.execution_count = null;
    } else {
      delete clean.outputs;
      delete clean.execution_count;
    }
    return clean;
  });
  return {
    ...notebook,
    nbformat: 4,
    nbformat_minor: SOURCE_NBFORMAT_MINOR,
    cells,
    metadata: { kernelspec: KERNELSPEC, language_info: LANGUAGE_INFO },
  };
}

/** The kit's notebooks (`notebooks/NN-name.ipynb`) in teaching order. */
export function listNotebooks(folder: string): string[] {
  return fs
    .readdirSync(folder)
    .filter((name) => /^\d\d-[\w-]+\.ipynb$/.test(name))
    .sort()
    .map((name) => path.join(folder, name));
}

/** `01-contrastive-loss.ipynb` → `01-contrastive-loss`. */
export function notebookName(file: string): string {
  return path.basename(file, '.ipynb');
}

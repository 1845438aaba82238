/**
 * `npm run nb:clean`: strips outputs, execution counts and volatile metadata from the source
 * notebooks in notebooks/ (executed copies belong in build/). `npm run nb:check` (part of
 * `npm test`) changes nothing and fails, naming the notebooks, if any is not clean.
 * `npm run nb:clean -- notebooks/02-triplet-loss.ipynb` cleans only the files named.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cleanNotebook, listNotebooks, readNotebook, serializeNotebook, writeNotebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR } from './lib/repo';

/** The notebooks in `folder` whose file differs from its clean form. */
export function dirtyNotebooks(folder: string): string[] {
  return listNotebooks(folder).filter((file) => fs.readFileSync(file, 'utf8') !== serializeNotebook(cleanNotebook(readNotebook(file))));
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const dirty = dirtyNotebooks(NOTEBOOKS_DIR);
  if (check) {
    if (dirty.length) {
      console.error(`These source notebooks carry outputs or volatile metadata: ${dirty.join(', ')}\nRun 'npm run nb:clean' and commit.`);
      process.exit(1);
    }
    console.log(`nb:check: ${listNotebooks(NOTEBOOKS_DIR).length} notebooks are clean`);
  } else {
    const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--')).map((arg) => path.resolve(arg));
    for (const file of named) {
      if (!fs.existsSync(file)) {
        console.error(`nb:clean: no such notebook: ${file}`);
        process.exit(2);
      }
    }
    const targets = named.length ? named.filter((file) => dirty.includes(file)) : dirty;
    for (const file of targets) writeNotebook(file, cleanNotebook(readNotebook(file)));
    console.log(`nb:clean: cleaned ${targets.length} notebook(s)`);
  }
}

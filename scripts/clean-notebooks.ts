/**
 * `npm run nb:clean`: strips outputs, execution counts and volatile metadata from the source
 * notebooks in notebooks/ (executed copies belong in build/). `npm run nb:check` (part of
 * `npm test`) changes nothing and fails, naming the notebooks, if any is not clean.
 */
import * as fs from 'fs';
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
    for (const file of dirty) writeNotebook(file, cleanNotebook(readNotebook(file)));
    console.log(`nb:clean: cleaned ${dirty.length} notebook(s)`);
  }
}

/**
 * `npm run nb:clean`: strips outputs, execution counts and volatile metadata from the source
 * notebooks in notebooks/ (executed copies belong in build/).
 * `npm run nb:clean -- notebooks/02-triplet-loss.ipynb` cleans only the files named.
 *
 * `npm run nb:check` (part of `npm test`) changes nothing and fails, naming the notebooks, if
 * what git stores is not clean. With the git clean filter configured (`npm install` does it;
 * scripts/setup-git.ts) git stores every notebook clean whatever the file holds, so the check reads
 * the notebooks staged in git's index, and your saved outputs do not fail it. Without the
 * filter (no git, or not installed) it checks the files themselves.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cleanNotebook, listNotebooks, readNotebook, serializeNotebook, writeNotebook, type Notebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR, REPO_ROOT } from './lib/repo';
import { notebookFilterActive } from './setup-git';

/** The notebooks in `folder` whose file differs from its clean form. */
export function dirtyNotebooks(folder: string): string[] {
  return listNotebooks(folder).filter((file) => fs.readFileSync(file, 'utf8') !== serializeNotebook(cleanNotebook(readNotebook(file))));
}

/** Whether notebook text is in its clean form. */
function isCleanText(text: string): boolean {
  try {
    return text === serializeNotebook(cleanNotebook(JSON.parse(text) as Notebook));
  } catch {
    return false;
  }
}

/** What {@link checkSourceNotebooks} found. */
export interface SourceCheck {
  /** `git`: the notebooks in git's index were checked (the clean filter is on); `files`: the files. */
  mode: 'git' | 'files';
  /** Notebooks whose checked form is not clean (these fail nb:check). */
  dirty: string[];
  /** In `git` mode: notebooks whose working file has outputs (they stay local; not a failure). */
  localOutputs: string[];
}

/**
 * Checks the source notebooks in `folder` as git will store them (see the file header).
 *
 * @param folder the notebooks folder.
 * @param repo the repository (its git config decides the mode).
 */
export function checkSourceNotebooks(folder = NOTEBOOKS_DIR, repo = REPO_ROOT): SourceCheck {
  const files = listNotebooks(folder);
  if (files.length === 0 || !notebookFilterActive(repo, path.relative(repo, files[0]))) {
    return { mode: 'files', dirty: dirtyNotebooks(folder), localOutputs: [] };
  }
  const dirty = files.filter((file) => {
    const staged = spawnSync('git', ['-C', repo, 'show', `:${path.relative(repo, file).split(path.sep).join('/')}`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // A notebook git does not track yet is cleaned by the filter when it is added.
    return staged.status === 0 && !isCleanText(staged.stdout);
  });
  return { mode: 'git', dirty, localOutputs: dirtyNotebooks(folder) };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  if (check) {
    const result = checkSourceNotebooks();
    const names = (files: string[]) => files.map((f) => path.relative(REPO_ROOT, f)).join(', ');
    if (result.dirty.length) {
      console.error(
        result.mode === 'git'
          ? `These notebooks are staged in git with outputs or volatile metadata: ${names(result.dirty)}\nRun 'npm run nb:clean', then 'git add' them.`
          : `These source notebooks carry outputs or volatile metadata: ${names(result.dirty)}\nRun 'npm run nb:clean' (or 'npm install' in a git clone, which makes git strip outputs on commit).`,
      );
      process.exit(1);
    }
    const count = listNotebooks(NOTEBOOKS_DIR).length;
    console.log(
      result.mode === 'git'
        ? `nb:check: the ${count} notebooks in git's index are clean (git's clean filter strips outputs${result.localOutputs.length ? `; ${result.localOutputs.length} of your working copies have outputs, which stay local` : ''})`
        : `nb:check: ${count} notebooks are clean`,
    );
  } else {
    const dirty = dirtyNotebooks(NOTEBOOKS_DIR);
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


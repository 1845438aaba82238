import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkSourceNotebooks } from './clean-notebooks';
import { cleanNotebook, serializeNotebook, type Notebook } from './lib/notebook-file';
import { configureNotebookFilter, FILTER_COMMAND, FILTER_NAME, notebookFilterActive } from './setup-git';

const hasGit = spawnSync('git', ['--version']).status === 0;

/** A notebook as Jupyter saves it after a run: outputs, execution counts, trust marks. */
function savedNotebook(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: [{ cell_type: 'code', metadata: { trusted: true }, source: ['1 + 1'], execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: '2\n' }] }],
  };
}

/** A git repo with the kit's .gitattributes and a notebooks folder; the filter runs this repo's script by absolute path. */
function makeRepo(): { repo: string; git: (...args: string[]) => string; file: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-git-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
  git('init', '-q');
  fs.copyFileSync(path.join(__dirname, '..', '.gitattributes'), path.join(repo, '.gitattributes'));
  fs.mkdirSync(path.join(repo, 'notebooks'));
  return { repo, git, file: path.join(repo, 'notebooks', '01-example.ipynb') };
}

const absoluteCommand = `TS_NODE_PROJECT="${path.join(__dirname, 'tsconfig.json')}" "${process.execPath}" -r "${require.resolve('ts-node/register/transpile-only')}" "${path.join(__dirname, 'nb-filter.ts')}"`;

test('setup-git configures the clean filter; git then stores a saved notebook without outputs and nb:check reads the index', { skip: hasGit ? false : 'git is not installed' }, () => {
  const { repo, git, file } = makeRepo();
  try {
    fs.writeFileSync(file, JSON.stringify(savedNotebook()));
    assert.equal(notebookFilterActive(repo, 'notebooks/01-example.ipynb'), false);
    assert.deepEqual(checkSourceNotebooks(path.join(repo, 'notebooks'), repo), { mode: 'files', dirty: [file], localOutputs: [] });

    const result = configureNotebookFilter(repo, absoluteCommand);
    assert.equal(result.configured, true, result.message);
    assert.equal(git('config', '--get', `filter.${FILTER_NAME}.required`).trim(), 'true');
    assert.equal(git('config', '--get', `filter.${FILTER_NAME}.smudge`).trim(), 'cat', 'a required filter needs a smudge command, or checkouts fail');
    assert.equal(notebookFilterActive(repo, 'notebooks/01-example.ipynb'), true);

    git('add', '.gitattributes', 'notebooks/01-example.ipynb');
    const stored = git('show', ':notebooks/01-example.ipynb');
    assert.equal(stored, serializeNotebook(cleanNotebook(savedNotebook())), 'git stores the clean form');
    assert.ok(fs.readFileSync(file, 'utf8').includes('"outputs":[{'), 'the working file keeps its outputs');
    assert.deepEqual(checkSourceNotebooks(path.join(repo, 'notebooks'), repo), { mode: 'git', dirty: [], localOutputs: [file] });
    git('commit', '-q', '-m', 'notebook');
    assert.equal(git('status', '--porcelain'), '', 'a saved notebook with outputs is not a change for git');
    // Checking the notebook out again (as git pull, git stash or git checkout do) works and writes the clean form.
    fs.rmSync(file);
    git('checkout', '--', 'notebooks/01-example.ipynb');
    assert.equal(fs.readFileSync(file, 'utf8'), serializeNotebook(cleanNotebook(savedNotebook())));
    fs.writeFileSync(file, JSON.stringify(savedNotebook()));
    git('add', 'notebooks/01-example.ipynb');

    // Staged without the filter (e.g. `git -c filter...clean=cat add`): nb:check fails on it.
    git('-c', `filter.${FILTER_NAME}.clean=cat`, 'add', '--renormalize', 'notebooks/01-example.ipynb');
    assert.deepEqual(checkSourceNotebooks(path.join(repo, 'notebooks'), repo).dirty, [file]);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});

test('setup-git outside a git work tree says so and configures nothing', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-nogit-'));
  try {
    const result = configureNotebookFilter(folder);
    assert.equal(result.configured, false);
    assert.match(result.message, /is not a git work tree/);
    assert.equal(FILTER_COMMAND, 'node -r ts-node/register/transpile-only scripts/nb-filter.ts');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { changesSeen } from 'contrastive-kit/dist/testing/tslab-watch-probe';
import { createCellRunner } from './cell-runner';

// A notebook folder next to a package whose declaration file is rewritten while the runner is
// alive — what `npm run build` / `npm run watch` does to contrastive-kit's src/dist while a
// walkthrough runs. Without the adapter's watch guard, tslab 1.0.22's compiler reacts to such
// changes and can throw "Unexpected pending rebuildTimer" from a file-watcher callback, which
// kills the process (seen once: `npm run build` during a full-mode walkthrough). The race is
// timing-dependent, so these tests check the guard's mechanism: library files are not watched.
function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'notebooks')) && fs.existsSync(path.join(dir, 'src', 'package.json'))) return dir;
  }
  throw new Error(`no repository root above ${start}`);
}
const workDir = fs.mkdtempSync(path.join(findRepoRoot(__dirname), 'build-watch-test-'));
const packageDir = path.join(workDir, 'node_modules', 'fake-library');
const notebookDir = path.join(workDir, 'notebooks');
fs.mkdirSync(packageDir, { recursive: true });
fs.mkdirSync(notebookDir);
fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name: 'fake-library', version: '1.0.0', main: 'index.js', types: 'index.d.ts' }));
fs.writeFileSync(path.join(packageDir, 'index.js'), 'exports.answer = 42;\n');
const declarations = path.join(packageDir, 'index.d.ts');
fs.writeFileSync(declarations, 'export declare const answer: number;\n');

const runner = createCellRunner(notebookDir);
after(() => {
  runner.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often tslab's compiler sees `file` change when it is rewritten as a build would. */
const libraryChangesSeen = (file: string) =>
  changesSeen(file, (round) => `export declare const answer: number; // build ${round}\n`, 2500);

test('files outside the notebook folder (the installed library) are not watched; files inside still are', async () => {
  const first = await runner.run("import { answer } from 'fake-library';\nanswer + 1");
  assert.ok(first.ok, first.error);
  assert.equal(await libraryChangesSeen(declarations), 0, 'a rewritten library declaration file must not reach the compiler');
  const local = path.join(notebookDir, 'local-module.ts');
  fs.writeFileSync(local, 'export const answer = 1;\n');
  assert.ok((await libraryChangesSeen(local)) > 0, "a notebook's own .ts module is still watched");
});

test('cells keep running after the library was rewritten', async () => {
  fs.writeFileSync(declarations, 'export declare const answer: number; // rebuilt\n');
  await sleep(500);
  const second = await runner.run('answer * 2');
  assert.ok(second.ok, second.error);
  assert.match(second.outputs.map((o) => ('text' in o ? o.text : '')).join(''), /84/);
});

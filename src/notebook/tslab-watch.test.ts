import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { changesSeen } from '../testing/tslab-watch-probe';
import { ignoreChangesOutside } from './tslab-watch';

// The guard wraps the `sys.watchFile` of the TypeScript tslab compiles with; the runner-level test
// (a rebuilt library under a running cell runner) is scripts/lib/cell-runner-watch.test.ts.
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-watch-guard-'));
after(() => fs.rmSync(workDir, { recursive: true, force: true }));

test('ignoreChangesOutside: files outside the folder and under node_modules are no longer watched; files inside are', async () => {
  const notebooks = path.join(workDir, 'notebooks');
  const library = path.join(workDir, 'node_modules', 'library');
  fs.mkdirSync(notebooks, { recursive: true });
  fs.mkdirSync(library, { recursive: true });
  const outside = path.join(workDir, 'outside.d.ts');
  const installed = path.join(library, 'index.d.ts');
  const inside = path.join(notebooks, 'local-module.ts');
  for (const file of [outside, installed, inside]) fs.writeFileSync(file, 'export const answer = 1;\n');

  assert.equal(ignoreChangesOutside(notebooks), true);
  assert.equal(await changesSeen(outside), 0, 'a file outside the folder must not reach the compiler');
  assert.equal(await changesSeen(installed), 0, 'a file under node_modules must not reach the compiler');
  assert.ok((await changesSeen(inside)) > 0, "a notebook's own .ts module is still watched");
});

test('ignoreChangesOutside: the last folder given wins', async () => {
  const first = path.join(workDir, 'first');
  const second = path.join(workDir, 'second');
  fs.mkdirSync(first, { recursive: true });
  fs.mkdirSync(second, { recursive: true });
  const inFirst = path.join(first, 'a.ts');
  const inSecond = path.join(second, 'b.ts');
  fs.writeFileSync(inFirst, 'export const a = 1;\n');
  fs.writeFileSync(inSecond, 'export const b = 1;\n');
  ignoreChangesOutside(first);
  assert.equal(ignoreChangesOutside(second), true);
  assert.equal(await changesSeen(inFirst), 0);
  assert.ok((await changesSeen(inSecond)) > 0);
});

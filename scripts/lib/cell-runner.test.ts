import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createCellRunner } from './cell-runner';

// tslab resolves imports from the notebook folder's ancestors: a folder inside the repo sees the
// repo's node_modules (tslab, contrastive-kit), like notebooks/ does.
function findRepoRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'notebooks')) && fs.existsSync(path.join(dir, 'src', 'package.json'))) return dir;
  }
  throw new Error(`no repository root above ${start}`);
}
const repoRoot = findRepoRoot(__dirname);
const workDir = fs.mkdtempSync(path.join(repoRoot, 'build-adapter-test-'));
const runner = createCellRunner(workDir);
after(() => {
  runner.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

test('a cell with top-level await runs and its value reaches later cells', async () => {
  const first = await runner.run('const answer = await Promise.resolve(41) + 1;');
  assert.equal(first.ok, true, first.error);
  const second = await runner.run('console.log("answer is", answer);');
  assert.equal(second.ok, true, second.error);
  assert.deepEqual(second.outputs, [{ output_type: 'stream', name: 'stdout', text: 'answer is 42\n' }]);
});

test('the last expression of a cell is printed as stdout', async () => {
  const result = await runner.run('const xs = [1, 2, 3];\nxs.length * 2');
  assert.equal(result.ok, true, result.error);
  assert.deepEqual(result.outputs, [{ output_type: 'stream', name: 'stdout', text: '6\n' }]);
});

test("tslab's public display API and the kit's multi-mime writer are both captured", async () => {
  const result = await runner.run(
    'import * as tslab from "tslab";\n' +
      'tslab.display.html("<b>bold</b>");\n' +
      'import { writeDisplayData } from "contrastive-kit";\n' +
      'writeDisplayData({ "text/html": "<i>x</i>", "text/plain": "x" });',
  );
  assert.equal(result.ok, true, result.error);
  const displays = result.outputs.filter((o) => o.output_type === 'display_data');
  assert.equal(displays.length, 2);
  assert.deepEqual(displays[0], { output_type: 'display_data', data: { 'text/html': '<b>bold</b>' }, metadata: {} });
  assert.deepEqual(displays[1], { output_type: 'display_data', data: { 'text/html': '<i>x</i>', 'text/plain': 'x' }, metadata: {} });
});

test('an updated display replaces its output instead of adding one (progress lines)', async () => {
  const result = await runner.run(
    'import * as tslab2 from "tslab";\n' +
      'const line = tslab2.newDisplay();\n' +
      'for (let i = 1; i <= 3; i++) line.text("step " + i);',
  );
  assert.equal(result.ok, true, result.error);
  assert.deepEqual(result.outputs, [{ output_type: 'display_data', data: { 'text/plain': 'step 3' }, metadata: {} }]);
});

test('a throwing cell is reported as an error output with the message', async () => {
  const result = await runner.run('throw new RangeError("margin must be positive");');
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /RangeError: margin must be positive/);
  const error = result.outputs.find((o) => o.output_type === 'error');
  assert.ok(error && error.output_type === 'error');
  assert.equal(error.ename, 'RangeError');
  assert.equal(error.evalue, 'margin must be positive');
});

test('a rejected top-level await is an error too', async () => {
  const result = await runner.run('await Promise.reject(new Error("async failure"));');
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /async failure/);
});

test('a type error is reported with its line and column', async () => {
  const result = await runner.run('const n: number = "not a number";');
  assert.equal(result.ok, false);
  assert.match(result.error ?? '', /1:7 - Type 'string' is not assignable to type 'number'/);
});

test('createCellRunner refuses to start for a missing folder', () => {
  assert.throws(() => createCellRunner(path.join(os.tmpdir(), 'no-such-folder-ck')), /ENOENT|no such file/);
});

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { threadsPerJob } from 'contrastive-kit';
import { parseArgs, summaryTable } from './walkthrough';
import { readNotebook } from './lib/notebook-file';
import { readRecordedTimes } from './lib/start-order';
import { BUILD_DIR, REPO_ROOT } from './lib/repo';

fs.mkdirSync(BUILD_DIR, { recursive: true });
const workDir = fs.mkdtempSync(path.join(BUILD_DIR, 'walkthrough-test-'));
after(() => fs.rmSync(workDir, { recursive: true, force: true }));

function writeNotebookFixture(folder: string, name: string, cells: Array<{ md?: string; code?: string }>): void {
  fs.mkdirSync(folder, { recursive: true });
  const notebook = {
    cells: cells.map((c, i) =>
      c.code !== undefined
        ? { id: `c${i}`, cell_type: 'code', metadata: {}, source: c.code, outputs: [], execution_count: null }
        : { id: `c${i}`, cell_type: 'markdown', metadata: {}, source: c.md ?? '' },
    ),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(path.join(folder, `${name}.ipynb`), JSON.stringify(notebook));
}

function runWalkthrough(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'walkthrough.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, CONTRASTIVE_KIT_FAST: '', CONTRASTIVE_KIT_THREADS: '', ...env },
  });
}

test('parseArgs reads --fast, filters and --timeout, and names a bad flag', () => {
  const options = parseArgs(['--fast', '01', 'triplet', '--timeout', '30']);
  assert.equal(options.fast, true);
  assert.deepEqual(options.filters, ['01', 'triplet']);
  assert.equal(options.timeoutSeconds, 30);
  assert.throws(() => parseArgs(['--timeout', 'soon']), /--timeout must be a positive number of seconds, got 'soon'/);
  assert.throws(() => parseArgs(['--fats']), /unknown option --fats/);
  assert.throws(() => parseArgs(['--timeout']), /--timeout needs a value/);
  assert.equal(parseArgs([]).jobs, 1);
  assert.equal(parseArgs(['--jobs', '2']).jobs, 2);
  assert.throws(() => parseArgs(['--jobs', '1.5']), /--jobs must be a positive integer, got '1\.5'/);
  assert.throws(() => parseArgs(['--jobs', '0']), /--jobs must be a positive integer, got '0'/);
  assert.equal(parseArgs([]).stallSeconds, 600);
  assert.equal(parseArgs(['--stall-seconds', '90']).stallSeconds, 90);
  assert.throws(() => parseArgs(['--stall-seconds', '-1']), /--stall-seconds must be a positive number of seconds, got '-1'/);
});

test('--jobs 2 runs two notebooks at the same time, each log line prefixed with its notebook', () => {
  // Each notebook leaves a marker and waits for the other's: only a parallel run finishes.
  const notebooks = path.join(workDir, 'jobs');
  const markers = path.join(workDir, 'jobs-markers');
  fs.mkdirSync(markers, { recursive: true });
  const waitFor = (mine: string, theirs: string) =>
    `import * as fs from "fs";\nfs.writeFileSync(${JSON.stringify(path.join(markers, mine))}, "");\n` +
    `const started = Date.now();\nwhile (!fs.existsSync(${JSON.stringify(path.join(markers, theirs))})) {\n` +
    `  if (Date.now() - started > 60000) throw new Error("the other notebook never started");\n` +
    `  await new Promise((resolve) => setTimeout(resolve, 100));\n}\nconsole.log("${mine} met the other");\n` +
    `console.log("${mine} threads " + process.env.CONTRASTIVE_KIT_THREADS);`;
  writeNotebookFixture(notebooks, '01-left', [{ code: waitFor('left', 'right') }]);
  writeNotebookFixture(notebooks, '02-right', [{ code: waitFor('right', 'left') }]);
  const results = path.join(workDir, 'jobs-results');
  const result = runWalkthrough(['--jobs', '2', '--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'jobs-out'), '--results-dir', results, '--timeout', '120']);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^\[01-left\] left met the other$/m);
  // The cores are divided between the two notebooks.
  const share = String(threadsPerJob(2));
  assert.match(result.stdout, new RegExp(`^\\[01-left\\] left threads ${share}$`, 'm'));
  assert.match(result.stdout, new RegExp(`^\\[02-right\\] right threads ${share}$`, 'm'));
  assert.match(result.stdout, /^\[02-right\] right met the other$/m);
  assert.match(result.stdout, /01-left\s+ok[\s\S]*02-right\s+ok/, 'the summary keeps notebook order');
  // Their times are kept, so that the next run with --jobs starts the longest first.
  const times = readRecordedTimes(results).full ?? {};
  assert.deepEqual(Object.keys(times).sort(), ['01-left', '02-right']);
  assert.ok(Object.values(times).every((seconds) => seconds > 0));
});

test('summaryTable lists every notebook with status and time', () => {
  const table = summaryTable([
    { notebook: '01-a', status: 'ok', seconds: 1.25, cells: '3/3' },
    { notebook: '02-b', status: 'failed', seconds: 0.5, cells: '1/4' },
  ]);
  assert.match(table, /01-a\s+ok\s+1\.3\s+3\/3/);
  assert.match(table, /02-b\s+failed\s+0\.5\s+1\/4/);
});

test('the walkthrough runs notebooks in order, passes fast mode, and stops at the first failing cell', () => {
  const notebooks = path.join(workDir, 'stop');
  const output = path.join(workDir, 'stop-out');
  writeNotebookFixture(notebooks, '01-first', [
    { md: '# First' },
    { code: 'const greeting: string = "hello";\nconsole.log(greeting, "fast=" + process.env.CONTRASTIVE_KIT_FAST);' },
    { code: 'import * as tslab from "tslab";\ntslab.display.html("<p>shown</p>");' },
  ]);
  writeNotebookFixture(notebooks, '02-second', [
    { code: 'let x = 1;' },
    { md: 'text between' },
    { code: 'if (x === 1) throw new Error("boom in cell three");' },
    { code: 'console.log("never runs");' },
  ]);
  writeNotebookFixture(notebooks, '03-third', [{ code: 'console.log("skipped");' }]);
  const result = runWalkthrough(['--fast', '--notebooks-dir', notebooks, '--output-dir', output, '--timeout', '120']);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, /02-second FAILED at cell 3 \(code cell 2\): .*boom in cell three/);
  assert.match(result.stdout, /01-first\s+ok/);
  assert.match(result.stdout, /02-second\s+failed/);
  assert.match(result.stdout, /03-third\s+skipped/);

  const first = readNotebook(path.join(output, '01-first.ipynb'));
  assert.deepEqual(first.cells[1].outputs, [{ output_type: 'stream', name: 'stdout', text: 'hello fast=1\n' }]);
  assert.equal(first.cells[1].execution_count, 1);
  assert.deepEqual(first.cells[2].outputs, [{ output_type: 'display_data', data: { 'text/html': '<p>shown</p>' }, metadata: {} }]);
  const second = readNotebook(path.join(output, '02-second.ipynb'));
  const errorOutput = (second.cells[2].outputs ?? [])[0] as { output_type: string; evalue: string };
  assert.equal(errorOutput.output_type, 'error');
  assert.equal(errorOutput.evalue, 'boom in cell three');
  assert.deepEqual(second.cells[3].outputs, []);
  assert.equal(fs.existsSync(path.join(output, '03-third.ipynb')), false);
});

test('a notebook over its timeout is killed and reported', () => {
  const notebooks = path.join(workDir, 'slow');
  writeNotebookFixture(notebooks, '01-slow', [{ code: 'await new Promise((resolve) => setTimeout(resolve, 120000));' }]);
  const result = runWalkthrough(['--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'slow-out'), '--timeout', '4']);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /01-slow\s+timeout/);
  assert.match(result.stderr, /timed out after 4 s/);
});

test('a notebook process that stops using CPU is stopped as stuck, with what to do', () => {
  const notebooks = path.join(workDir, 'stuck');
  writeNotebookFixture(notebooks, '01-stuck', [{ code: 'await new Promise((resolve) => setTimeout(resolve, 120000));' }]);
  const result = runWalkthrough(['--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'stuck-out'), '--stall-seconds', '3', '--timeout', '100']);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /01-stuck\s+stalled/);
  assert.match(result.stderr, /01-stuck STALLED: stopped after using no CPU for \d+ s at code cell .*CONTRASTIVE_KIT_THREADS=1/);
});

test('a notebook that stalls on several wasm threads runs again on one thread, and the summary says so', () => {
  const notebooks = path.join(workDir, 'stuck-on-threads');
  // Stands in for the threaded-wasm deadlock: stuck unless the process computes on one thread.
  writeNotebookFixture(notebooks, '01-threads', [
    {
      code:
        "if (process.env.CONTRASTIVE_KIT_THREADS !== '1') await new Promise((resolve) => setTimeout(resolve, 120000));\n" +
        'console.log(`finished on ${process.env.CONTRASTIVE_KIT_THREADS} thread`);',
    },
  ]);
  const result = runWalkthrough(
    ['--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'threads-out'), '--stall-seconds', '3', '--timeout', '100'],
    { CONTRASTIVE_KIT_THREADS: '2' },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stderr, /01-threads STALLED on 2 wasm threads at code cell .*; running it again on one thread/);
  assert.match(result.stdout, /finished on 1 thread/);
  assert.match(result.stdout, /01-threads\s+ok\s+\S+\s+1\/1\s+stalled on 2 threads at code cell .* run again on 1 thread/);
});

test('selecting notebooks by name runs only those', () => {
  const notebooks = path.join(workDir, 'select');
  writeNotebookFixture(notebooks, '01-alpha', [{ code: 'console.log("alpha ran");' }]);
  writeNotebookFixture(notebooks, '02-beta', [{ code: 'console.log("beta ran");' }]);
  const result = runWalkthrough(['beta', '--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'select-out')]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /beta ran/);
  assert.doesNotMatch(result.stdout, /alpha ran/);
  const none = runWalkthrough(['gamma', '--notebooks-dir', notebooks]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no notebook in .* matches gamma/);
});

test('results written by notebooks are collected into summary.json and summary.md', () => {
  const notebooks = path.join(workDir, 'results');
  const resultsDir = path.join(workDir, 'results-out');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, '02-stale.json'), '{"broken": ');
  const earlierRow = { notebook: '03-earlier', method: 'from before', mode: 'full', backend: 'wasm', train: 60000, test: 10000, epochs: 3, seconds: 600, knnTop1: 0.9, oneNNTop1: 0.89, rawPixelOneNNTop1: 0.8576 };
  fs.writeFileSync(path.join(resultsDir, '03-earlier.json'), JSON.stringify([earlierRow]));
  writeNotebookFixture(notebooks, '01-scored', [
    {
      code:
        'import { writeResults } from "contrastive-kit";\n' +
        'const row = { notebook: "01-scored", method: "toy", mode: "fast" as const, backend: "cpu", train: 10, test: 5,\n' +
        '  epochs: 1, seconds: 2, knnTop1: 0.9, oneNNTop1: 0.8, rawPixelOneNNTop1: 0.7 };\n' +
        'writeResults("01-scored", [row, { ...row, method: "other arm", knnTop1: 0.5, checkpointTrainedAt: "2026-11-29T09:36:16.235Z" }]);',
    },
  ]);
  writeNotebookFixture(notebooks, '02-stale', [{ code: 'console.log("writes no results");' }]);
  const result = runWalkthrough(['--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'results-nb'), '--results-dir', resultsDir]);
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.equal(fs.existsSync(path.join(resultsDir, '02-stale.json')), false, 'a stale results file is removed before its notebook runs');
  const summary = JSON.parse(fs.readFileSync(path.join(resultsDir, 'summary.json'), 'utf8'));
  assert.deepEqual(summary.rows.map((r: { method: string }) => r.method), ['toy', 'other arm', 'from before']);
  assert.deepEqual(summary.earlier.map((e: { notebook: string }) => e.notebook), ['03-earlier'], 'a results file this command did not write is named as earlier');
  assert.match(summary.command, /^npm run walkthrough -- --notebooks-dir/);
  const markdown = fs.readFileSync(path.join(resultsDir, 'summary.md'), 'utf8');
  assert.match(markdown, /\| 01-scored \| toy \| fast \| full \| cpu \| 10 \| 5 \| 1 \| 2 \| this run \| 90\.00 % \| 80\.00 % \| 70\.00 % \|/);
  assert.match(markdown, /\| 01-scored \| other arm \| fast \| full \| cpu \| 10 \| 5 \| 1 \| 2 \| checkpoint, 2026-11-29 09:36 UTC \| 50\.00 % \|/, 'a row loaded from a checkpoint says when it was trained');
  assert.match(markdown, /Rows from earlier runs \(not run by this command\): 03-earlier \(written \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
  assert.match(result.stdout, /Results \(.*summary\.md/);
});

test('a notebook run by tslab computes on the threaded wasm backend (threads from CONTRASTIVE_KIT_THREADS)', () => {
  const notebooks = path.join(workDir, 'threads');
  writeNotebookFixture(notebooks, '01-threads', [
    {
      code:
        'import { selectBackend, tf } from "contrastive-kit";\nconst backend = await selectBackend({ force: "wasm" });\n' +
        'const product = tf.tidy(() => tf.matMul(tf.ones([300, 200]), tf.ones([200, 100])).sum().dataSync()[0]);\n' +
        'console.log(`threads ${backend.threads}: ${backend.threadsReason}; sum ${product}`);',
    },
  ]);
  const result = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'walkthrough.ts'), '--notebooks-dir', notebooks, '--output-dir', path.join(workDir, 'threads-out'), '--timeout', '120'],
    { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CONTRASTIVE_KIT_FAST: '', CONTRASTIVE_KIT_THREADS: '2' } },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /threads 2: CONTRASTIVE_KIT_THREADS=2; sum 6000000/);
});

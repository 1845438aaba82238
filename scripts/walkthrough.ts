/**
 * `npm run walkthrough`: executes every notebook in teaching order without Jupyter and writes
 * executed copies to build/notebooks/.
 *
 *   npm run walkthrough                         all notebooks, full mode
 *   npm run walkthrough -- --fast               fast mode (CONTRASTIVE_KIT_FAST=1: small data, few epochs)
 *   npm run walkthrough -- 01 triplet           only notebooks whose name contains one of these
 *   npm run walkthrough -- --timeout 900        per-notebook timeout in seconds
 *   npm run walkthrough -- --stall-seconds 600  stop a notebook whose process used no CPU this long
 *                                               (stuck, e.g. a threaded-wasm deadlock; default 600)
 *   npm run walkthrough -- --keep-going         run the rest after a failure
 *   npm run walkthrough -- --retrain            train every run from scratch instead of loading the
 *                                               shipped checkpoints (CONTRASTIVE_KIT_RETRAIN=1)
 *   npm run walkthrough -- --jobs 2             run two notebooks at a time (the cores are divided
 *                                               between them: CONTRASTIVE_KIT_THREADS = cores / jobs,
 *                                               unless you set it; log lines get a [name] prefix;
 *                                               the longest notebooks, by their last time, start first)
 *
 * In full mode without the whole Fashion-MNIST it first tries to download it; where it cannot, every
 * notebook runs its full recipes on the bundled mini subset with the mini targets, and says so.
 *
 * It stops at the first failing cell and names the notebook, the cell and the error, then prints
 * a table of per-notebook time and status. It also fails when a figure of an executed copy lacks
 * a title or an axis title that plotly.js draws (scripts/lib/executed-figures.ts).
 */
import { fork } from 'child_process';
import { ensureFullFashionMnist, isFastMode, isRetrainRequested, requestedThreads, threadsPerJob } from 'contrastive-kit';
import * as fs from 'fs';
import * as path from 'path';
import { untitledFigureReport } from './lib/executed-figures';
import { listNotebooks, notebookName } from './lib/notebook-file';
import { findJupyterPython } from './lib/python';
import { summaryMarkdown, writeResultsSummary } from './lib/results-summary';
import { readRecordedTimes, recordTimes, startOrder } from './lib/start-order';
import { watchForStall } from './lib/stall-watch';
import { signNotebooks } from './lib/trust';
import { buildReport } from './report';
import { BUILD_DIR, NOTEBOOKS_DIR } from './lib/repo';
import { runMain } from './lib/run-main';
import type { RunnerMessage } from './execute-notebook';

/** Default seconds without CPU use after which a notebook process counts as stuck (scripts/lib/stall-watch.ts). */
export const STALL_SECONDS = 600;

/** Parsed command line of the walkthrough. */
export interface WalkthroughOptions {
  fast: boolean;
  timeoutSeconds: number;
  /** A notebook process that uses no CPU for this many seconds is stopped as stuck. */
  stallSeconds: number;
  keepGoing: boolean;
  /** Notebooks run at the same time (each in its own child process). */
  jobs: number;
  filters: string[];
  notebooksDir: string;
  outputDir: string;
  /** Where notebooks write results (CONTRASTIVE_KIT_RESULTS_DIR for them). */
  resultsDir: string;
  /** Train every run instead of loading checkpoints (CONTRASTIVE_KIT_RETRAIN=1 for the notebooks). */
  retrain: boolean;
  /** More environment for the notebooks (e.g. the checkpoint-training script's). */
  env: Record<string, string>;
}

/** One row of the summary. */
export interface NotebookRun {
  notebook: string;
  status: 'ok' | 'failed' | 'timeout' | 'stalled' | 'skipped';
  seconds: number;
  cells: string;
  error?: string;
  /** Set when the notebook stalled on several wasm threads and was run again on one. */
  retried?: string;
}

/** Parses the walkthrough's arguments; errors name the flag and what was expected. */
export function parseArgs(argv: string[]): WalkthroughOptions {
  const options: WalkthroughOptions = {
    fast: isFastMode(),
    timeoutSeconds: NaN,
    stallSeconds: STALL_SECONDS,
    keepGoing: false,
    jobs: 1,
    filters: [],
    notebooksDir: NOTEBOOKS_DIR,
    outputDir: path.join(BUILD_DIR, 'notebooks'),
    resultsDir: path.join(BUILD_DIR, 'results'),
    retrain: isRetrainRequested(),
    env: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`walkthrough: ${arg} needs a value`);
      return next;
    };
    if (arg === '--fast') options.fast = true;
    else if (arg === '--retrain') options.retrain = true;
    else if (arg === '--keep-going') options.keepGoing = true;
    else if (arg === '--timeout') {
      const seconds = Number(value());
      if (!(seconds > 0)) throw new Error(`walkthrough: --timeout must be a positive number of seconds, got '${argv[i]}'`);
      options.timeoutSeconds = seconds;
    } else if (arg === '--stall-seconds') {
      const seconds = Number(value());
      if (!(seconds > 0)) throw new Error(`walkthrough: --stall-seconds must be a positive number of seconds, got '${argv[i]}'`);
      options.stallSeconds = seconds;
    } else if (arg === '--jobs') {
      const jobs = Number(value());
      if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`walkthrough: --jobs must be a positive integer, got '${argv[i]}'`);
      options.jobs = jobs;
    } else if (arg === '--notebooks-dir') options.notebooksDir = path.resolve(value());
    else if (arg === '--output-dir') options.outputDir = path.resolve(value());
    else if (arg === '--results-dir') options.resultsDir = path.resolve(value());
    else if (arg.startsWith('--')) throw new Error(`walkthrough: unknown option ${arg} (see the header of scripts/walkthrough.ts)`);
    else options.filters.push(arg);
  }
  if (Number.isNaN(options.timeoutSeconds)) options.timeoutSeconds = options.fast ? 900 : 4 * 3600;
  return options;
}

/** Runs one notebook in a child process; resolves with its summary row. */
export function runNotebook(file: string, options: WalkthroughOptions): Promise<NotebookRun> {
  const name = notebookName(file);
  const output = path.join(options.outputDir, path.basename(file));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTRASTIVE_KIT_FAST: options.fast ? '1' : '0',
    CONTRASTIVE_KIT_HEADLESS: '1',
    CONTRASTIVE_KIT_RESULTS_DIR: options.resultsDir,
    ...(options.retrain ? { CONTRASTIVE_KIT_RETRAIN: '1' } : {}),
    // The notebooks run in notebooks/: a data folder given relative to where the command was typed
    // (FASHION_MNIST_DIR=datasets/fashion-mnist-mini npm run walkthrough) must still point there.
    ...(process.env.FASHION_MNIST_DIR ? { FASHION_MNIST_DIR: path.resolve(process.env.FASHION_MNIST_DIR) } : {}),
    ...options.env,
  };
  // Notebooks running side by side share the cores: each gets its part (unless the user chose).
  if (options.jobs > 1 && !env.CONTRASTIVE_KIT_THREADS) env.CONTRASTIVE_KIT_THREADS = String(threadsPerJob(options.jobs));
  // A results file left from an earlier run must not pass for this run's.
  fs.rmSync(path.join(options.resultsDir, `${name}.json`), { force: true });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = fork(path.join(__dirname, 'execute-notebook.ts'), [file, output], {
      env,
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', options.jobs > 1 ? 'pipe' : 'inherit', options.jobs > 1 ? 'pipe' : 'inherit', 'ipc'],
    });
    // With several notebooks at once, every log line says whose it is.
    if (child.stdout) prefixLines(child.stdout, process.stdout, `[${name}] `);
    if (child.stderr) prefixLines(child.stderr, process.stderr, `[${name}] `);
    let progress = '0/?';
    let failure: RunnerMessage | null = null;
    let timedOut = false;
    let stalledSeconds = 0;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutSeconds * 1000);
    // A notebook process that uses no CPU for this long is stuck (e.g. a threaded-wasm deadlock).
    // (No pid: the process never started, and its 'exit' reports that.)
    const stopStallWatch =
      child.pid === undefined
        ? () => undefined
        : watchForStall(child.pid, {
            stallSeconds: options.stallSeconds,
            onStall: (idleSeconds) => {
              stalledSeconds = idleSeconds;
              child.kill('SIGKILL');
            },
          });
    child.on('message', (message: RunnerMessage) => {
      if (message.type === 'cell') progress = `${message.codeCell}/${message.codeCells}`;
      if (message.type === 'failed') failure = message;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      stopStallWatch();
      const seconds = (Date.now() - started) / 1000;
      if (stalledSeconds > 0) {
        resolve({
          notebook: name,
          status: 'stalled',
          seconds,
          cells: progress,
          error:
            `stopped after using no CPU for ${Math.round(stalledSeconds)} s at code cell ${progress}: the process was stuck, ` +
            `most likely a deadlock of the threaded wasm backend. Run it again (finished trainings load from build/checkpoints/), ` +
            `or with CONTRASTIVE_KIT_THREADS=1 to use one thread`,
        });
      } else if (timedOut) {
        resolve({ notebook: name, status: 'timeout', seconds, cells: progress, error: `timed out after ${options.timeoutSeconds} s (code cell ${progress})` });
      } else if (failure && failure.type === 'failed') {
        resolve({
          notebook: name,
          status: 'failed',
          seconds,
          cells: progress,
          error: `cell ${failure.cell} (code cell ${failure.codeCell}): ${failure.error}`,
        });
      } else if (code !== 0) {
        resolve({ notebook: name, status: 'failed', seconds, cells: progress, error: `the runner exited with code ${code}` });
      } else {
        resolve({ notebook: name, status: 'ok', seconds, cells: progress });
      }
    });
  });
}

/** Copies `input` to `output` line by line, each line prefixed (a partial last line is flushed at the end). */
function prefixLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, prefix: string): void {
  let pending = '';
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) output.write(`${prefix}${line}\n`);
  });
  input.on('end', () => {
    if (pending) output.write(`${prefix}${pending}\n`);
  });
}

/** The wasm threads a notebook process of this walkthrough computes with (as `runNotebook` sets them). */
export function notebookThreads(options: WalkthroughOptions): number {
  const env = { ...process.env, ...options.env };
  if (!env.CONTRASTIVE_KIT_THREADS && options.jobs > 1) return threadsPerJob(options.jobs);
  return requestedThreads(env).threads;
}

/**
 * Runs one notebook; if its process stalled while computing on several wasm threads (the rare
 * threaded-wasm deadlock, scripts/lib/stall-watch.ts), runs it once more on one thread, where that
 * deadlock cannot happen. Finished trainings load from the checkpoint cache, so the second run
 * repeats only what had not finished.
 */
export async function runNotebookWithRetry(file: string, options: WalkthroughOptions): Promise<NotebookRun> {
  const first = await runNotebook(file, options);
  const threads = notebookThreads(options);
  if (first.status !== 'stalled' || threads <= 1) return first;
  console.error(`\nwalkthrough: ${first.notebook} STALLED on ${threads} wasm threads at code cell ${first.cells}; running it again on one thread`);
  const second = await runNotebook(file, { ...options, env: { ...options.env, CONTRASTIVE_KIT_THREADS: '1' } });
  return {
    ...second,
    seconds: first.seconds + second.seconds,
    retried: `stalled on ${threads} threads at code cell ${first.cells} after ${Math.round(first.seconds)} s; run again on 1 thread`,
  };
}

/**
 * Runs `selected` with at most `options.jobs` at a time, results in notebook order. After a
 * failure no new notebook starts (unless `keepGoing`); the rest are reported as skipped.
 */
export async function runAll(selected: string[], options: WalkthroughOptions, timesKey = options.fast ? 'fast' : 'full'): Promise<NotebookRun[]> {
  const runs: Array<NotebookRun | undefined> = new Array(selected.length);
  // Several at a time: the longest first (scripts/lib/start-order.ts); one at a time: course order.
  const names = selected.map((file) => notebookName(file));
  const order = options.jobs > 1 ? startOrder(names, readRecordedTimes(options.resultsDir)[timesKey] ?? {}) : names.map((_, index) => index);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < selected.length) {
      const index = order[next++];
      const file = selected[index];
      if (failed && !options.keepGoing) {
        runs[index] = { notebook: notebookName(file), status: 'skipped', seconds: 0, cells: '-' };
        continue;
      }
      console.log(`\n=== ${notebookName(file)} ===`);
      const run = await runNotebookWithRetry(file, options);
      runs[index] = run;
      if (run.status !== 'ok') {
        failed = true;
        const verdict = run.status === 'failed' ? 'FAILED at' : `${run.status.toUpperCase()}:`;
        console.error(`\nwalkthrough: ${run.notebook} ${verdict} ${run.error}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, selected.length) }, worker));
  const finished = (runs as NotebookRun[]).filter((run) => run.status === 'ok');
  if (finished.length > 0) recordTimes(options.resultsDir, timesKey, Object.fromEntries(finished.map((run) => [run.notebook, Math.round(run.seconds * 10) / 10])));
  return runs as NotebookRun[];
}

/** Formats the summary table. */
export function summaryTable(runs: NotebookRun[]): string {
  const retried = runs.some((r) => r.retried);
  const rows = runs.map((r) => [r.notebook, r.status, r.seconds.toFixed(1), r.cells, ...(retried ? [r.retried ?? ''] : [])]);
  const header = ['notebook', 'status', 'seconds', 'code cells', ...(retried ? ['note'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The notebooks the options select (all, or those whose name contains one of the filters), in order. */
export function selectNotebooks(options: WalkthroughOptions): string[] {
  const all = listNotebooks(options.notebooksDir);
  return options.filters.length ? all.filter((f) => options.filters.some((filter) => notebookName(f).includes(filter))) : all;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const selected = selectNotebooks(options);
  if (selected.length === 0) {
    console.error(`walkthrough: no notebook in ${options.notebooksDir} matches ${options.filters.join(', ') || '(any)'}`);
    return 2;
  }
  // Jupyter signs the executed copies at the end; a CONTRASTIVE_KIT_PYTHON without Jupyter stops the run before it starts.
  let python: string | null;
  try {
    python = findJupyterPython();
  } catch (error) {
    console.error(`walkthrough: ${(error as Error).message}`);
    return 2;
  }
  fs.mkdirSync(options.outputDir, { recursive: true });
  let data = 'the data the loader finds';
  let dataKind: 'full' | 'mini' = 'full';
  if (!options.fast) {
    // Once here, so the notebooks do not each try again (CONTRASTIVE_KIT_FETCH=0 for them).
    const ensured = await ensureFullFashionMnist();
    options.env.CONTRASTIVE_KIT_FETCH = '0';
    dataKind = ensured.data === 'full' ? 'full' : 'mini';
    data = ensured.data === 'full' ? `the full Fashion-MNIST (${ensured.dir})` : `the MINI subset (${ensured.reason}), with the mini targets`;
  }
  const sharing = options.jobs > 1 ? `, ${options.jobs} at a time (${process.env.CONTRASTIVE_KIT_THREADS || threadsPerJob(options.jobs)} wasm thread(s) each)` : '';
  console.log(`walkthrough: ${selected.length} notebook(s), ${options.fast ? 'FAST' : 'full'} mode on ${data}${options.retrain ? ', retraining every run' : ''}, timeout ${options.timeoutSeconds} s each${sharing}`);
  const runs = await runAll(selected, options, options.fast ? 'fast' : dataKind);
  const executed = runs.filter((r) => r.status !== 'skipped').map((r) => path.join(options.outputDir, `${r.notebook}.ipynb`)).filter((f) => fs.existsSync(f));
  // Every figure must carry titles plotly.js 4 draws (a plain-string title is silently dropped).
  const untitled = untitledFigureReport(executed);
  if (untitled.length) console.error(`\nwalkthrough: figures without a drawn title or axis title:\n  ${untitled.join('\n  ')}`);
  const failed = runs.some((r) => r.status !== 'ok') || untitled.length > 0;
  if (python) {
    signNotebooks(python, executed);
    console.log(`\nSigned the executed copies with ${python}'s Jupyter, so their figures run when opened.`);
  } else {
    console.log('\nNo Jupyter found: the executed copies are not signed (Jupyter will ask you to trust them before running figures).');
  }
  console.log('\n' + summaryTable(runs));
  const command = ['npm run walkthrough', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  const summary = writeResultsSummary(options.resultsDir, command, runs.filter((r) => r.status !== 'skipped').map((r) => r.notebook));
  if (summary) {
    console.log(`\nResults (${path.relative(process.cwd(), options.resultsDir)}/summary.md, summary.json):\n`);
    console.log(summaryMarkdown(summary));
  }
  if (python && executed.length) {
    const index = buildReport(python, executed, path.join(path.dirname(options.outputDir), 'report'), options.resultsDir);
    console.log(`HTML report (offline, interactive figures): ${path.relative(process.cwd(), index)}`);
  }
  console.log(`\nExecuted copies: ${path.relative(process.cwd(), options.outputDir) || '.'}`);
  return failed ? 1 : 0;
}

runMain(module, main);

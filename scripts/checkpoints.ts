/**
 * The shipped checkpoints in checkpoints/ (see src/train/shipped-checkpoints.ts):
 *
 *   npm run checkpoints:train                 train every notebook's long runs for shipping
 *   npm run checkpoints:train -- 01-drlim-main    one checkpoint (its notebook runs, in full mode,
 *                                                 training only that run; the rest loads as usual)
 *   npm run checkpoints:train -- 03           every checkpoint of notebook 03
 *   npm run checkpoints:verify                check every file against checkpoints/manifest.json
 *                                             and the 30 MB size limit
 *
 * Training runs the notebook itself (the code a learner reads is the code that trained the
 * checkpoint), headless, up to the last cell that trains one of them, with CONTRASTIVE_KIT_SHIP_CHECKPOINTS naming what to train; `loadOrTrain`
 * then trains those runs, measures them (`evaluate`), checks float16 weights against float32 and
 * writes checkpoints/<name> with its manifest entry (command, commit, machine, epochs, seconds,
 * metrics). It needs the full Fashion-MNIST.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SHIP_CHECKPOINTS_VARIABLE, SHIP_COMMAND_VARIABLE, SHIP_COMMIT_VARIABLE, SHIP_NOTEBOOK_VARIABLE, fashionMnistKind, readShippedIndex, verifyAllShippedCheckpoints } from 'contrastive-kit';
import { cellSource, listNotebooks, notebookName, readNotebook } from './lib/notebook-file';
import { NOTEBOOKS_DIR, REPO_ROOT } from './lib/repo';
import { runMain } from './lib/run-main';
import { parseArgs, runNotebookWithRetry, summaryTable, type NotebookRun } from './walkthrough';

/** The shipped folder. */
export const SHIPPED_DIR = path.join(REPO_ROOT, 'checkpoints');
/** The size the shipped folder must stay under. */
export const SHIPPED_LIMIT_BYTES = 30 * 2 ** 20;

/** Bytes of every file under `dir`. */
export function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size);
  }, 0);
}

/** Verifies the shipped folder; returns the lines to print. Throws on a problem. */
export function verifyShipped(dir = SHIPPED_DIR): string[] {
  const lines = verifyAllShippedCheckpoints(dir);
  const bytes = folderBytes(dir);
  if (bytes >= SHIPPED_LIMIT_BYTES) throw new Error(`checkpoints: ${dir} holds ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${SHIPPED_LIMIT_BYTES / 2 ** 20} MiB limit`);
  lines.push(`${lines.length} shipped checkpoint(s), ${(bytes / 2 ** 20).toFixed(2)} MiB in ${path.relative(process.cwd(), dir) || '.'} (limit ${SHIPPED_LIMIT_BYTES / 2 ** 20} MiB)`);
  return lines;
}

/**
 * Which notebooks to run and what to ship, from the arguments: checkpoint names (`01-drlim-main`)
 * or notebook numbers/names (`03`, `03-npair-loss`); none means every notebook, everything.
 */
export function planTraining(args: string[], notebooks: string[]): Array<{ file: string; ship: string }> {
  if (args.length === 0) return notebooks.filter((file) => !notebookName(file).startsWith('00')).map((file) => ({ file, ship: 'all' }));
  const plan = new Map<string, Set<string> | 'all'>();
  for (const arg of args) {
    if (!/^\d\d([\w.-]*)$/.test(arg)) throw new Error(`checkpoints:train: '${arg}' is neither a notebook number (e.g. 03) nor a checkpoint name (e.g. 01-drlim-main)`);
    const byNotebook = notebooks.find((file) => notebookName(file) === arg || notebookName(file).slice(0, 2) === arg);
    if (byNotebook) {
      plan.set(byNotebook, 'all');
      continue;
    }
    const owner = notebooks.find((file) => notebookName(file).slice(0, 2) === arg.slice(0, 2));
    if (!owner) throw new Error(`checkpoints:train: no notebook ${arg.slice(0, 2)} for checkpoint '${arg}'`);
    const names = plan.get(owner);
    if (names === 'all') continue;
    plan.set(owner, new Set([...(names ?? []), arg]));
  }
  return Array.from(plan, ([file, names]) => ({ file, ship: names === 'all' ? 'all' : Array.from(names).join(',') }));
}

/**
 * The 1-based cell after which a notebook can stop once `ship` is trained: the last cell that
 * names one of those checkpoints literally (`name: '01-drlim-main'`, or `checkpoint:
 * '05-moco-long-run'` for a helper that takes the name). Null (run every cell) when a checkpoint's
 * name is built at run time (04, 05 arms).
 */
export function lastTrainingCell(file: string, ship: string): number | null {
  const cells = readNotebook(file).cells.map((cell) => (cell.cell_type === 'code' ? cellSource(cell) : ''));
  const literal = /(?:name|checkpoint):\s*'(\d\d-[\w.-]+)'/g;
  // A loadOrTrain call whose name is not a string literal (a template, or a helper's parameter)
  // trains checkpoints this scan cannot see: shipping 'all' must then run every cell.
  const builtAtRunTime = cells.some((source) => Array.from(source.matchAll(/await loadOrTrain\(\{[\s\S]*?\bname:\s*(\S)/g)).some((match) => match[1] !== "'"));
  const named = cells.flatMap((source, index) => Array.from(source.matchAll(literal), (match) => ({ name: match[1], cell: index + 1 })));
  const wanted = ship === 'all' ? named : named.filter((entry) => ship.split(',').includes(entry.name));
  if (ship === 'all' && builtAtRunTime) return null;
  if (ship !== 'all' && wanted.length < ship.split(',').length) return null;
  return wanted.length ? Math.max(...wanted.map((entry) => entry.cell)) : null;
}

function currentCommit(): string {
  const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const commit = git(['rev-parse', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'src', 'notebooks', 'scripts', 'package.json', 'package-lock.json']) !== '';
  return dirty ? `${commit}+changes` : commit;
}

async function train(args: string[]): Promise<number> {
  if (fashionMnistKind() !== 'full') {
    console.error('checkpoints:train: shipped checkpoints are trained on the full Fashion-MNIST; run `npm run fetch-data` (or install dataset-fashion-mnist) first');
    return 2;
  }
  const plan = planTraining(args, listNotebooks(NOTEBOOKS_DIR));
  const command = ['npm run checkpoints:train', ...(args.length ? ['--', ...args] : [])].join(' ');
  const commit = currentCommit();
  const options = parseArgs([]);
  options.fast = false;
  const runs: NotebookRun[] = [];
  for (const { file, ship } of plan) {
    console.log(`\n=== ${notebookName(file)}: training ${ship === 'all' ? 'every checkpoint' : ship} for shipping ===`);
    options.env = {
      [SHIP_CHECKPOINTS_VARIABLE]: ship,
      [SHIP_COMMAND_VARIABLE]: command,
      [SHIP_COMMIT_VARIABLE]: commit,
      [SHIP_NOTEBOOK_VARIABLE]: notebookName(file),
      CONTRASTIVE_KIT_FETCH: '0',
    };
    const stopAfter = lastTrainingCell(file, ship);
    if (stopAfter !== null) options.env.CONTRASTIVE_KIT_STOP_AFTER_CELL = String(stopAfter);
    const run = await runNotebookWithRetry(file, options);
    runs.push(run);
    if (run.status !== 'ok') {
      console.error(`checkpoints:train: ${run.notebook} FAILED at ${run.error}`);
      break;
    }
  }
  console.log('\n' + summaryTable(runs));
  const shipped = readShippedIndex(SHIPPED_DIR).checkpoints;
  for (const [name, entry] of Object.entries(shipped)) {
    if (!plan.some(({ file }) => notebookName(file) === entry.notebook)) continue;
    const metrics = Object.entries(entry.metrics).map(([key, value]) => `${key} ${value.toFixed(4)}`).join(', ');
    console.log(`${name}: ${entry.epochs ?? '?'} epochs, ${entry.trainingSeconds} s, ${entry.precision}, ${metrics}, trained ${entry.trainedAt}`);
  }
  console.log('\n' + verifyShipped().join('\n'));
  return runs.every((run) => run.status === 'ok') ? 0 : 1;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'verify') {
    if (args.length) throw new Error(`checkpoints:verify takes no arguments, got ${args.join(' ')}`);
    console.log(verifyShipped().join('\n'));
    return 0;
  }
  if (command === 'train') return train(args);
  throw new Error(`scripts/checkpoints.ts: expected 'train' or 'verify', got ${JSON.stringify(command)}`);
}

runMain(module, main);

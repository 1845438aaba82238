/**
 * `npm run walkthrough:jupyter`: executes the notebooks with real Jupyter (nbconvert + nbclient)
 * through the registered tslab kernel — the way users run them — and writes executed copies to
 * build/jupyter/. Takes the same notebook filters and --fast/--timeout as the walkthrough.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installKernel, kernelIsCurrent } from './lib/kernel';
import { notebookName } from './lib/notebook-file';
import { requireJupyterPython } from './lib/python';
import { BUILD_DIR } from './lib/repo';
import { signNotebooks } from './lib/trust';
import { parseArgs, selectNotebooks, summaryTable, NotebookRun } from './walkthrough';

const options = parseArgs(process.argv.slice(2));
const outputDir = path.join(BUILD_DIR, 'jupyter');
const python = requireJupyterPython();
if (!kernelIsCurrent(python)) installKernel(python);
const selected = selectNotebooks(options);
fs.mkdirSync(outputDir, { recursive: true });
const runs: NotebookRun[] = [];
let failed = false;
for (const file of selected) {
  if (failed && !options.keepGoing) {
    runs.push({ notebook: notebookName(file), status: 'skipped', seconds: 0, cells: '-' });
    continue;
  }
  console.log(`=== ${notebookName(file)} (Jupyter) ===`);
  const started = Date.now();
  const result = spawnSync(
    python,
    [
      '-m', 'nbconvert', '--to', 'notebook', '--execute',
      '--ExecutePreprocessor.kernel_name=tslab',
      `--ExecutePreprocessor.timeout=${Math.round(options.timeoutSeconds)}`,
      '--output-dir', outputDir, file,
    ],
    { stdio: 'inherit', cwd: path.dirname(file), env: { ...process.env, CONTRASTIVE_KIT_FAST: options.fast ? '1' : '0' } },
  );
  const seconds = (Date.now() - started) / 1000;
  const ok = result.status === 0;
  runs.push({ notebook: notebookName(file), status: ok ? 'ok' : 'failed', seconds, cells: '-' });
  if (!ok) {
    failed = true;
    console.error(`walkthrough:jupyter: ${notebookName(file)} FAILED (nbconvert exit ${result.status}); see the cell error above`);
  }
}
signNotebooks(python, runs.filter((r) => r.status !== 'skipped').map((r) => path.join(outputDir, `${r.notebook}.ipynb`)).filter((f) => fs.existsSync(f)));
console.log('\n' + summaryTable(runs));
process.exit(failed ? 1 : 0);

/**
 * `npm run notebooks`: opens the notebooks in Jupyter Notebook. Before starting it, it registers
 * the TypeScript kernel if it is missing or outdated (`npm run kernel:install`) and marks the
 * source notebooks that carry no outputs as trusted (`jupyter trust`; trusting a notebook without
 * outputs runs nothing, it only stops Jupyter from showing "Not Trusted").
 *
 * Arguments after `--` go to Jupyter, e.g. `npm run notebooks -- --no-browser --port 8899`.
 * As root (a container), `--allow-root` is added, which Jupyter requires there.
 */
import { spawn } from 'child_process';
import { installKernel, kernelIsCurrent } from './lib/kernel';
import { listNotebooks, readNotebook } from './lib/notebook-file';
import { requireJupyterPython } from './lib/python';
import { NOTEBOOKS_DIR } from './lib/repo';
import { signNotebooks } from './lib/trust';

/**
 * The arguments for `python -m notebook`: the notebooks folder, `--allow-root` when running as
 * root (unless given), then the user's own arguments.
 *
 * @param userArgs arguments after `--` on the npm command line.
 * @param isRoot whether the process runs as root (uid 0).
 */
export function jupyterArgs(userArgs: string[], isRoot: boolean): string[] {
  const allowRoot = isRoot && !userArgs.includes('--allow-root') ? ['--allow-root'] : [];
  return ['-m', 'notebook', `--notebook-dir=${NOTEBOOKS_DIR}`, ...allowRoot, ...userArgs];
}

/** The notebooks of `folder` whose code cells carry no outputs (safe to mark trusted). */
export function notebooksWithoutOutputs(folder: string): string[] {
  return listNotebooks(folder).filter((file) => readNotebook(file).cells.every((cell) => cell.cell_type !== 'code' || (cell.outputs ?? []).length === 0));
}

if (require.main === module) {
  const python = requireJupyterPython();
  if (!kernelIsCurrent(python)) installKernel(python);
  signNotebooks(python, notebooksWithoutOutputs(NOTEBOOKS_DIR));
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(python, jupyterArgs(process.argv.slice(2), isRoot), { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

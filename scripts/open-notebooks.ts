/**
 * `npm run notebooks`: opens the notebooks in Jupyter Notebook (registering the kernel first if
 * needed). Extra arguments go to Jupyter, e.g. `npm run notebooks -- --no-browser --port 8899`.
 */
import { spawn } from 'child_process';
import { installKernel, kernelPointsHere } from './lib/kernel';
import { requireJupyterPython } from './lib/python';
import { NOTEBOOKS_DIR } from './lib/repo';

const python = requireJupyterPython();
if (!kernelPointsHere(python)) installKernel(python);
const child = spawn(python, ['-m', 'notebook', `--notebook-dir=${NOTEBOOKS_DIR}`, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));

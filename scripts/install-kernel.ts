/**
 * `npm run kernel:install`: registers the TypeScript kernel (`tslab`) with Jupyter, pointing at
 * this repo's pinned tslab, with the plotly.js bundle in its kernelspec folder (figures load it
 * from there after a page reload), using the first Python that has Jupyter
 * (CONTRASTIVE_KIT_PYTHON, python3, /usr/bin/python3, python). Tells you what to install when
 * there is none.
 */
import { plotlyServedFileName } from 'contrastive-kit';
import { installKernel, registeredKernel } from './lib/kernel';
import { requireJupyterPython } from './lib/python';

const python = requireJupyterPython();
try {
  const folder = installKernel(python);
  console.log(`Registered the 'tslab' (TypeScript) kernel with ${python}'s Jupyter: ${folder}`);
  console.log(`It starts ${registeredKernel(python)?.argv[0]}; figures load ${plotlyServedFileName()} from that folder.`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

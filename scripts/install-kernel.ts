/**
 * `npm run kernel:install`: registers the TypeScript (tslab) kernel with Jupyter, pointing at this
 * repo's pinned tslab, using the first Python that has Jupyter (CONTRASTIVE_KIT_PYTHON, python3,
 * /usr/bin/python3, python). Tells you what to install when there is none.
 */
import { installKernel, registeredKernel } from './lib/kernel';
import { requireJupyterPython } from './lib/python';

const python = requireJupyterPython();
try {
  installKernel(python);
  const spec = registeredKernel(python);
  console.log(`Registered the 'tslab' kernel with ${python}'s Jupyter: ${spec?.resourceDir}`);
  console.log(`It starts ${spec?.argv[0]}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

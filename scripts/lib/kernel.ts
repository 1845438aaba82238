/**
 * Registering the TypeScript kernel (`tslab`) with Jupyter so it starts this repo's pinned tslab
 * (1.0.22). The kit writes the kernelspec itself — `tslab install` would also register a
 * JavaScript ("jslab") kernel, which the notebooks do not use — and puts the plotly.js bundle
 * into the kernelspec folder: Jupyter serves that folder at `<base url>kernelspecs/tslab/`, and
 * figures load plotly.js from there when the page has none (after a reload, on reopening).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLOTLY_KERNEL_NAME, plotlyLibraryPath, plotlyServedFileName } from 'contrastive-kit';
import { TSLAB_BIN } from './repo';

/** A kernelspec as Jupyter lists it. */
export interface RegisteredKernel {
  argv: string[];
  resourceDir: string;
}

/** The kernelspecs Jupyter has (name → spec), or null when `python` cannot list them. */
export function registeredKernels(python: string): Record<string, RegisteredKernel> | null {
  const result = spawnSync(python, ['-m', 'jupyter_client.kernelspecapp', 'list', '--json'], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  try {
    const specs = JSON.parse(result.stdout).kernelspecs as Record<string, { resource_dir: string; spec: { argv: string[] } }>;
    return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { argv: spec.spec.argv, resourceDir: spec.resource_dir }]));
  } catch {
    return null;
  }
}

/** The kernelspec Jupyter has for `tslab`, or null. */
export function registeredKernel(python: string): RegisteredKernel | null {
  return registeredKernels(python)?.[PLOTLY_KERNEL_NAME] ?? null;
}

/** The `kernel.json` the kit registers: this repo's tslab, TypeScript. */
export function kernelJson(): { argv: string[]; display_name: string; language: string } {
  return { argv: [TSLAB_BIN, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' };
}

/**
 * Whether the registered `tslab` kernel is the kit's current one: it starts this repo's tslab
 * binary and its folder holds this kit's plotly.js bundle.
 */
export function kernelIsCurrent(python: string): boolean {
  const spec = registeredKernel(python);
  return spec !== null && spec.argv[0] === TSLAB_BIN && fs.existsSync(path.join(spec.resourceDir, plotlyServedFileName()));
}

const INSTALL_SPEC = `
import sys
from jupyter_client.kernelspec import KernelSpecManager
print(KernelSpecManager().install_kernel_spec(sys.argv[1], sys.argv[2], user=True, replace=True))
`;

/**
 * Registers the kernelspec `tslab` (per user) pointing at the repo's tslab binary, with the
 * plotly.js bundle beside `kernel.json`, using `python`'s Jupyter. Removes a `jslab` (JavaScript)
 * kernelspec that starts this repo's tslab (one that `tslab install` made); other kernelspecs are
 * left alone. Throws with Jupyter's output when something fails.
 *
 * @returns the folder Jupyter installed the kernelspec into.
 */
export function installKernel(python: string): string {
  if (!fs.existsSync(TSLAB_BIN)) {
    throw new Error(`install-kernel: ${TSLAB_BIN} is missing: run 'npm install' in the repo root first`);
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-kernelspec-'));
  try {
    const folder = path.join(staging, PLOTLY_KERNEL_NAME);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'kernel.json'), JSON.stringify(kernelJson(), null, 1) + '\n');
    fs.copyFileSync(plotlyLibraryPath(), path.join(folder, plotlyServedFileName()));
    const result = spawnSync(python, ['-c', INSTALL_SPEC, folder, PLOTLY_KERNEL_NAME], { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`install-kernel: registering the kernelspec with ${python} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const jslab = registeredKernels(python)?.jslab;
  if (jslab && jslab.argv[0] === TSLAB_BIN) fs.rmSync(jslab.resourceDir, { recursive: true, force: true });
  if (!kernelIsCurrent(python)) {
    throw new Error(`install-kernel: after installing, Jupyter's tslab kernelspec does not start ${TSLAB_BIN} or lacks ${plotlyServedFileName()}`);
  }
  return registeredKernel(python)!.resourceDir;
}

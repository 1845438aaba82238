/**
 * Registering the tslab kernelspec so Jupyter starts the repo's pinned tslab (1.0.22).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { TSLAB_BIN } from './repo';

/** The kernelspec Jupyter has for `tslab`, or null. */
export function registeredKernel(python: string): { argv: string[]; resourceDir: string } | null {
  const result = spawnSync(python, ['-m', 'jupyter_client.kernelspecapp', 'list', '--json'], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  try {
    const specs = JSON.parse(result.stdout).kernelspecs as Record<string, { resource_dir: string; spec: { argv: string[] } }>;
    const spec = specs.tslab;
    return spec ? { argv: spec.spec.argv, resourceDir: spec.resource_dir } : null;
  } catch {
    return null;
  }
}

/** Whether the registered `tslab` kernel points at this repo's tslab binary. */
export function kernelPointsHere(python: string): boolean {
  const spec = registeredKernel(python);
  return spec !== null && spec.argv[0] === TSLAB_BIN;
}

/**
 * Registers the kernelspec `tslab` (per user) pointing at the repo's tslab binary, with `python`'s
 * Jupyter. Throws with tslab's output when it fails.
 */
export function installKernel(python: string): void {
  if (!fs.existsSync(TSLAB_BIN)) {
    throw new Error(`install-kernel: ${TSLAB_BIN} is missing: run 'npm install' in the repo root first`);
  }
  const result = spawnSync(TSLAB_BIN, ['install', '--python', python, '--binary', TSLAB_BIN, '--user'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`install-kernel: 'tslab install' failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  if (!kernelPointsHere(python)) {
    throw new Error(`install-kernel: after 'tslab install', Jupyter's tslab kernelspec does not point at ${TSLAB_BIN}`);
  }
}

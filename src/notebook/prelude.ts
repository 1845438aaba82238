/**
 * The prelude every notebook runs first:
 *
 * ```ts
 * import { tf, setupNotebook } from 'contrastive-kit';
 * const nb = await setupNotebook('01-contrastive-loss');
 * ```
 *
 * It chooses the backend (tfjs-node, else wasm with the kit's kernel patches, else cpu), sets the
 * kit-wide seed, reads fast mode and prints one line saying all of that.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { BackendChoice, selectBackend } from '../backend/select';
import { setSeed } from '../data/random';
import { isFastMode } from './fast-mode';
import { ignoreChangesOutside, tslabVersion } from './tslab-adapter';

/** Versions of what the notebooks run on. */
export interface Versions {
  node: string;
  tfjs: string;
  tslab: string | null;
  contrastiveKit: string;
}

/** What {@link setupNotebook} set up. */
export interface NotebookContext {
  /** The notebook's name, e.g. `01-contrastive-loss`. */
  name: string;
  /** The kit-wide seed in force. */
  seed: number;
  /** Whether fast mode is on (`CONTRASTIVE_KIT_FAST=1`). */
  fast: boolean;
  /** The backend in use and why. */
  backend: BackendChoice;
  /** Versions of node, tfjs, tslab and the kit. */
  versions: Versions;
}

/** The versions of node, tfjs, tslab and contrastive-kit in this process. */
export function versions(): Versions {
  let kitVersion = 'unknown';
  try {
    kitVersion = (require('../../package.json') as { version: string }).version;
  } catch {
    // The package.json is one folder above dist/ in the package; keep 'unknown' if moved.
  }
  return { node: process.version, tfjs: tf.version.tfjs, tslab: tslabVersion(), contrastiveKit: kitVersion };
}

/**
 * Sets up a notebook: backend, seed, fast mode. Call it once at the top of every notebook.
 *
 * @param name the notebook's name (used in logs and results files).
 * @param options.seed the kit-wide seed (default 42).
 * @param options.quiet do not print the summary line.
 */
export async function setupNotebook(
  name: string,
  options: { seed?: number; quiet?: boolean } = {},
): Promise<NotebookContext> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`setupNotebook: 'name' must be the notebook's name, e.g. '01-contrastive-loss'; got ${String(name)}`);
  }
  const seed = options.seed ?? 42;
  if (!Number.isInteger(seed)) throw new Error(`setupNotebook: 'seed' must be an integer, got ${seed}`);
  // In a tslab kernel: a rebuild of the library must not reach tslab's compiler (see the adapter).
  if (tslabVersion() !== null) ignoreChangesOutside(process.cwd());
  const backend = await selectBackend();
  setSeed(seed);
  const context: NotebookContext = { name, seed, fast: isFastMode(), backend, versions: versions() };
  if (!options.quiet) {
    console.log(
      `[${name}] backend ${backend.name} (${backend.reason}); seed ${seed}; ` +
        `${context.fast ? 'FAST mode (small data, few epochs)' : 'full mode'}; tfjs ${context.versions.tfjs}`,
    );
  }
  return context;
}

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
import { setSeed } from '../runtime/random';
import { ensureFullFashionMnist } from '../data/ensure-data';
import { fashionMnistKind } from '../data/fashion-mnist';
import { showMarkdown } from '../runtime/display';
import { RunMode, isFastMode } from './fast-mode';
import { tslabVersion } from '../runtime/tslab-display';
import { ignoreChangesOutside } from './tslab-watch';

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
  /** The data the loader finds: the whole Fashion-MNIST (`full`) or the bundled subset (`mini`). */
  data: 'full' | 'mini';
  /** `fast`, `full` (full recipe, full data) or `mini` (full recipe on the mini subset): what `byMode` picks by. */
  mode: RunMode;
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
 * Sets up a notebook: backend, seed, fast mode and data. Call it once at the top of every notebook.
 *
 * In full mode without the whole Fashion-MNIST it first tries to download it (see
 * {@link ensureFullFashionMnist}); when that is not possible the notebook runs its full recipes on
 * the bundled mini subset, with the targets measured for that subset, and a banner says so.
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
  // In a tslab kernel: a rebuild of the library must not reach tslab's compiler (see tslab-watch.ts).
  if (tslabVersion() !== null) ignoreChangesOutside(process.cwd());
  const backend = await selectBackend();
  setSeed(seed);
  const fast = isFastMode();
  let data: 'full' | 'mini';
  let whyMini: string | undefined;
  if (fast) data = safeKind();
  else {
    const ensured = await ensureFullFashionMnist({ log: options.quiet ? () => undefined : undefined });
    data = ensured.data;
    whyMini = ensured.reason;
  }
  const mode: RunMode = fast ? 'fast' : data;
  const context: NotebookContext = { name, seed, fast, data, mode, backend, versions: versions() };
  if (!options.quiet) {
    const modeText = fast ? 'FAST mode (small data, few epochs)' : data === 'mini' ? 'full recipes on the MINI subset' : 'full mode';
    console.log(`[${name}] backend ${backend.name} (${backend.reason}); seed ${seed}; ${modeText}; tfjs ${context.versions.tfjs}`);
    if (mode === 'mini') showMarkdown(miniBanner(whyMini));
  }
  return context;
}

function safeKind(): 'full' | 'mini' {
  try {
    return fashionMnistKind();
  } catch {
    return 'mini';
  }
}

/** The banner a notebook shows when it runs on the mini subset. */
export function miniBanner(reason?: string): string {
  return [
    '> **This notebook runs on the bundled mini subset of Fashion-MNIST** (6 000 training and 1 000 test images)' +
      (reason ? `: ${reason}.` : '.'),
    '> Every experiment uses its full recipe on the subset, and the checks use the targets measured for the subset,',
    '> which are lower than the full-data ones; shipped checkpoints (trained on the full data) are not used.',
    "> For the full data run `npm run fetch-data` (or install Debian's `dataset-fashion-mnist`) and run the notebook again.",
  ].join('\n');
}

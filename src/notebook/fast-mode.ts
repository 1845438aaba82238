/**
 * Fast mode: `CONTRASTIVE_KIT_FAST=1` (set by `npm run walkthrough -- --fast` and by CI) shrinks
 * data and epochs so every notebook runs in seconds to minutes, with its assertion cells active.
 *
 * @see notebooks/00-setup.ipynb
 */
import { envFlag } from '../checks';
import { fashionMnistKind } from '../data/fashion-mnist';

/** The environment variable that turns fast mode on. */
export const FAST_MODE_VARIABLE = 'CONTRASTIVE_KIT_FAST';

/** Whether fast mode is on (`CONTRASTIVE_KIT_FAST` is `1`, `true` or `yes`; see {@link envFlag}). */
export function isFastMode(): boolean {
  return envFlag(FAST_MODE_VARIABLE) === true;
}

/** How a notebook runs: `fast` (small data, few epochs), `full` (full recipe, full data) or `mini` (full recipe on the bundled mini subset). */
export type RunMode = 'fast' | 'full' | 'mini';

/**
 * The run mode: `fast` when fast mode is on; otherwise `full` when the whole Fashion-MNIST is
 * found and `mini` when only a subset is (see {@link fashionMnistKind}).
 */
export function runMode(): RunMode {
  if (isFastMode()) return 'fast';
  try {
    return fashionMnistKind();
  } catch {
    return 'mini';
  }
}

/**
 * Picks the value of a setting for this run: `fast` in fast mode, `mini` (when given) on the mini
 * subset, `full` otherwise. Give `mini` for targets, which the subset cannot reach at full-data
 * levels; recipes stay the `full` ones.
 *
 * @example
 * const epochs = byMode({ full: 12, fast: 1 });
 * const knnTarget = byMode({ full: 0.88, mini: 0.78, fast: 0.65 });
 */
export function byMode<T>(values: { full: T; fast: T; mini?: T }): T {
  if (values === null || typeof values !== 'object' || !('full' in values) || !('fast' in values)) {
    throw new Error("byMode: 'values' must be an object with 'full' and 'fast' (and optionally 'mini')");
  }
  const mode = runMode();
  if (mode === 'fast') return values.fast;
  if (mode === 'mini' && 'mini' in values) return values.mini as T;
  return values.full;
}

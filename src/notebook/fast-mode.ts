/**
 * Fast mode: `CONTRASTIVE_KIT_FAST=1` (set by `npm run walkthrough -- --fast` and by CI) shrinks
 * data and epochs so every notebook runs in seconds to minutes, with its assertion cells active.
 *
 * @see notebooks/00-setup.ipynb
 */

/** The environment variable that turns fast mode on. */
export const FAST_MODE_VARIABLE = 'CONTRASTIVE_KIT_FAST';

/** Whether fast mode is on (`CONTRASTIVE_KIT_FAST` is `1`, `true` or `yes`). */
export function isFastMode(): boolean {
  const value = (process.env[FAST_MODE_VARIABLE] ?? '').trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/**
 * Picks the full-mode or fast-mode value of a setting.
 *
 * @example
 * const epochs = byMode({ full: 12, fast: 1 });
 */
export function byMode<T>(values: { full: T; fast: T }): T {
  if (values === null || typeof values !== 'object' || !('full' in values) || !('fast' in values)) {
    throw new Error("byMode: 'values' must be an object with 'full' and 'fast'");
  }
  return isFastMode() ? values.fast : values.full;
}

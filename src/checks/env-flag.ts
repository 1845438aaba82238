/**
 * The one reading of the kit's on/off environment switches (`CONTRASTIVE_KIT_FAST`,
 * `CONTRASTIVE_KIT_RETRAIN`, `CONTRASTIVE_KIT_FETCH`, `CONTRASTIVE_KIT_HEADLESS`): `1`, `true`
 * and `yes` mean on, `0`, `false` and `no` mean off, in any case and with spaces around; anything
 * else, or unset, is neither, and each switch has its own default.
 *
 * @see notebooks/00-setup.ipynb
 */

/**
 * Reads an on/off environment variable.
 *
 * @param name the variable, e.g. `CONTRASTIVE_KIT_FAST`.
 * @param env the environment (default `process.env`).
 * @returns `true` for `1`/`true`/`yes`, `false` for `0`/`false`/`no`, `undefined` when unset or
 *   anything else (the caller's default applies).
 * @example
 * const fast = envFlag('CONTRASTIVE_KIT_FAST') === true; // off unless switched on
 * const fetch = envFlag('CONTRASTIVE_KIT_FETCH') !== false; // on unless switched off
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  const value = (env[name] ?? '').trim().toLowerCase();
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no') return false;
  return undefined;
}

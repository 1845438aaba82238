/**
 * Accuracies as the notebooks print them: a fraction in [0, 1] shown as a percentage with two
 * decimals ("82.62 %"), in every table, printed line and assertion message.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */

/**
 * A fraction as a percentage string: `pct(0.8262)` → `'82.62 %'`.
 *
 * @param fraction the value to show, e.g. an accuracy in [0, 1] (values outside are shown as they are: 1.5 → '150.00 %').
 * @param digits decimals after the point (default 2; an integer from 0 to 20).
 * @returns the percentage with a space before the sign, as the kit's tables print it.
 * @example
 * console.log(`weighted kNN top-1 ${pct(evaluation.knnTop1)}`); // 'weighted kNN top-1 88.38 %'
 * pct(1 / 60000, 3); // '0.002 %'
 */
export function pct(fraction: number, digits = 2): string {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) {
    throw new Error(`pct: 'fraction' must be a finite number, got ${typeof fraction === 'number' ? fraction : typeof fraction}`);
  }
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new Error(`pct: 'digits' must be an integer from 0 to 20, got ${digits}`);
  }
  return `${(100 * fraction).toFixed(digits)} %`;
}

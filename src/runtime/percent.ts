/**
 * Accuracies as the notebooks print them: a fraction in [0, 1] shown as a percentage with two
 * decimals ("82.62 %"), in every table, printed line and assertion message.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { requireInteger, valueText } from '../checks';

/**
 * A fraction as a percentage string: `pct(0.8262)` → `'82.62 %'`.
 *
 * @param fraction the value to show, e.g. an accuracy in [0, 1] (values outside are shown as they are: 1.5 → '150.00 %').
 * @param digits decimals after the point (default 2; an integer in [0, 20]).
 * @returns the percentage with a space before the sign, as the kit's tables print it.
 * @example
 * console.log(`weighted kNN top-1 ${pct(evaluation.knnTop1)}`); // 'weighted kNN top-1 88.38 %'
 * pct(1 / 60000, 3); // '0.002 %'
 */
export function pct(fraction: number, digits = 2): string {
  if (typeof fraction !== 'number' || !Number.isFinite(fraction)) {
    throw new Error(`pct: 'fraction' must be a finite number, got ${valueText(fraction)}`);
  }
  requireInteger('pct', 'digits', digits, 0, 20);
  return `${(100 * fraction).toFixed(digits)} %`;
}

/**
 * How well a 2-D picture separates the classes: the share of points whose nearest neighbour in
 * the picture has the same class. A number to read next to a UMAP/PCA figure (chance is about the
 * share of the largest class, 0.1 for Fashion-MNIST's ten balanced classes), and to follow over
 * training in an evolution view.
 *
 * @see notebooks/04-instance-discrimination.ipynb, notebooks/05-moco.ipynb
 */
import type { Layout2D } from './layout-2d';

/**
 * The share of points whose nearest other point in `layout` (Euclidean, exact, O(n²)) has the
 * same label.
 *
 * @param layout the 2-D picture (at least 2 points).
 * @param labels the class of each point. // [numPoints]
 * @returns a share in [0, 1].
 * @example
 * const agreement = layoutNeighbourAgreement(umapView, testSplit.labels);
 * console.log(`nearest neighbour in the picture has the same class for ${(100 * agreement).toFixed(1)} % of the points`);
 */
export function layoutNeighbourAgreement(layout: Layout2D, labels: ArrayLike<number>): number {
  const fn = 'layoutNeighbourAgreement';
  if (!layout || !Number.isInteger(layout.numPoints) || !layout.x || !layout.y) throw new Error(`${fn}: 'layout' must be a Layout2D {numPoints, x, y}`);
  const n = layout.numPoints;
  if (n < 2) throw new Error(`${fn}: 'layout' must have at least 2 points, got ${n}`);
  if (layout.x.length !== n || layout.y.length !== n) throw new Error(`${fn}: 'layout.x' and 'layout.y' must have numPoints = ${n} values, got ${layout.x.length} and ${layout.y.length}`);
  if (!labels || labels.length !== n) throw new Error(`${fn}: 'labels' must have one label per point (${n}), got ${labels?.length}`);
  let same = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let nearest = -1;
    const xi = layout.x[i];
    const yi = layout.y[i];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (xi - layout.x[j]) ** 2 + (yi - layout.y[j]) ** 2;
      if (d < best) {
        best = d;
        nearest = j;
      }
    }
    if (labels[nearest] === labels[i]) same += 1;
  }
  return same / n;
}

/**
 * Stratified, seeded subsets: the same number of examples from each class, chosen by the kit's
 * PRNG. Used to make the bundled mini Fashion-MNIST (`scripts/make-mini-dataset.ts`) and for
 * fast-mode subsets in the notebooks.
 *
 * @see notebooks/00-setup.ipynb
 */
import { requirePositiveInteger } from '../checks';
import { Rng } from '../runtime/random';

/**
 * Indices of `perClass` examples of every class, chosen uniformly without replacement within
 * each class by `rng`, returned in ascending order (so the subset keeps the dataset's order).
 *
 * @param labels class labels `[count]`, integers in [0, numClasses).
 * @param perClass how many examples to take from each class.
 * @param rng the random stream (same seed → same subset).
 * @param numClasses number of classes (default: max label + 1).
 * @returns `[numClasses · perClass]` ascending indices.
 * @throws when a class has fewer than `perClass` examples.
 */
export function stratifiedIndices(labels: ArrayLike<number>, perClass: number, rng: Rng, numClasses?: number): Int32Array {
  requirePositiveInteger('stratifiedIndices', 'perClass', perClass);
  const byClass = indicesByClass(labels, numClasses);
  const chosen: number[] = [];
  byClass.forEach((members, label) => {
    if (members.length < perClass) {
      throw new Error(`stratifiedIndices: class ${label} has ${members.length} examples, fewer than 'perClass' = ${perClass}`);
    }
    const shuffled = rng.shuffle(Int32Array.from(members));
    for (let i = 0; i < perClass; i++) chosen.push(shuffled[i]);
  });
  return Int32Array.from(chosen).sort();
}

/**
 * The indices of each class, in dataset order.
 *
 * @param labels class labels `[count]`, integers in [0, numClasses).
 * @param numClasses number of classes (default: max label + 1).
 * @returns one array per class.
 */
export function indicesByClass(labels: ArrayLike<number>, numClasses?: number): Int32Array[] {
  let classes = numClasses ?? 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || (numClasses !== undefined && label >= numClasses)) {
      throw new Error(`indicesByClass: 'labels[${i}]' is ${label}, expected an integer in [0, ${numClasses ?? '∞'})`);
    }
    if (numClasses === undefined && label + 1 > classes) classes = label + 1;
  }
  const counts = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const out = Array.from(counts, (n) => new Int32Array(n));
  const fill = new Int32Array(classes);
  for (let i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i;
  return out;
}

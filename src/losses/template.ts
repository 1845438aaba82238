/**
 * The design-your-own template in one place: the four choices every loss of the course makes and
 * the function that puts them together, in the order of the recipe.
 *
 * 1. similarity (similarities.ts): {@link dotSimilarity}, {@link cosineSimilarity}, {@link negativeSquaredEuclidean};
 * 2. positives and negatives (masks.ts): {@link pairFlagMasks}, {@link indexMasks}, {@link labelMasks};
 * 3. aggregation (aggregations.ts): {@link hingeAggregate}, {@link softplusAggregate},
 *    {@link logSumExpAggregate}, {@link contrastiveAggregate} — and their term formulas, which the
 *    named losses use on the entries they select;
 * 4. reduction (reducers.ts): {@link meanOverAll}, {@link meanOverNonZero}, {@link meanPerAnchor};
 *
 * then {@link assembleLoss} (assemble.ts) and, for the leaderboard, {@link labelledBatchLoss}
 * (batch-loss.ts).
 *
 * @see notebooks/06-design-your-own-loss.ipynb
 */
export * from './similarities';
export * from './masks';
export * from './aggregations';
export * from './reducers';
export * from './assemble';
export * from './batch-loss';

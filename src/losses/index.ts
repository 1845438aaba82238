/**
 * Losses: the design-your-own parts every loss is made of — similarity → selection (masks, or the
 * index tuples of a miner) → aggregation → reduction — and the named losses of the course built on
 * them: DrLIM contrastive, FaceNet triplet (with the miners), Sohn tuplet / N-pair, InstDisc
 * non-parametric softmax / NCE, MoCo InfoNCE, SimCLR NT-Xent and SupCon; the leaderboard's
 * {@link BatchLoss} signature and the gradient checker.
 */
export { safeSqrt, pairwiseSquaredDistances, pairwiseDistances } from './distances';
export * from './template';
export * from './contrastive';
export * from './triplet';
export * from './n-pair';
export * from './instance-discrimination';
export * from './info-nce';
export * from './grad-check';
export * from './gather';
export * from './miners';
export * from './triplet-kinds';
export * from './batch-triplet';
export * from './simclr-supcon';

/**
 * Losses: the five families of the course (DrLIM contrastive, FaceNet triplet, Sohn tuplet /
 * N-pair, InstDisc non-parametric softmax / NCE, MoCo InfoNCE), the triplet miners, the
 * design-your-own-loss parts and the gradient checker.
 */
export { safeSqrt, pairwiseSquaredDistances, pairwiseDistances } from './distances';
export * from './contrastive';
export * from './triplet';
export * from './n-pair';
export * from './instance-discrimination';
export * from './info-nce';
export * from './grad-check';
export * from './gather';
export * from './miners';
export * from './template';
export * from './simclr-supcon';

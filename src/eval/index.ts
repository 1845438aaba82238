/**
 * Evaluation: exact nearest-neighbour search, kNN classification, retrieval metrics, linear probe,
 * alignment/uniformity and collapse diagnostics, and the raw-pixel baselines.
 */
export type { Labels, LabelledEmbeddings } from './inputs';
export * from './knn-search';
export * from './knn-classify';
export * from './evaluate';
export * from './raw-pixel-baselines';
export * from './retrieval';
export * from './alignment-uniformity';
export * from './collapse';
export * from './linear-probe';

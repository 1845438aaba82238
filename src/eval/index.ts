/**
 * Evaluation: exact nearest-neighbour search, kNN classification (of embeddings, or of an
 * encoder), retrieval metrics, the linear probe (of features, or of an encoder),
 * alignment/uniformity and collapse diagnostics, and the raw-pixel baselines.
 */
export type { Labels, LabelledEmbeddings } from './inputs';
export * from './knn-search';
export * from './knn-classify';
export * from './evaluate';
export * from './evaluate-encoder';
export * from './raw-pixel-baselines';
export * from './retrieval';
export * from './alignment-uniformity';
export * from './collapse';
export * from './linear-probe';
export * from './probe-encoder';

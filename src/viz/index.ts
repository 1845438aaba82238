/**
 * Visualisation: seeded UMAP and PCA views with a trustworthiness score, and plotly figures that
 * render offline in Jupyter, in executed notebook copies and as text in logs.
 */
export * from './layout-2d';
export * from './umap';
export * from './umap-graph';
export * from './umap-optimize';
export * from './pca';
export * from './trustworthiness';

/**
 * Visualisation: seeded UMAP and PCA views with a trustworthiness score, and figures (plotly.js,
 * offline: inlined with a kernel's first figure, otherwise loaded from the kit's kernelspec that
 * Jupyter serves) with titles plotly.js draws, that render in Jupyter, in executed notebook copies,
 * as a static picture where scripts do not run, and as a summary line in logs.
 */
export * from './layout-2d';
export * from './umap';
export { umapEdges } from './umap-graph';
export type { NeighbourTable, UmapEdges } from './umap-graph';
export { optimizeUmapLayout, umapCurve } from './umap-optimize';
export type { UmapLayoutSettings } from './umap-optimize';
export * from './pca';
export * from './trustworthiness';
export * from './layout-agreement';
export * from './thumbnails';
export * from './figure';
export * from './figure-layout';
export { figureToSvg } from './static-svg';
export type { StaticSvgOptions } from './static-svg';
export { PLOTLY_INLINE_MARKER, PLOTLY_KERNEL_NAME, plotlyLibraryPath, plotlyServedFileName, plotlyVersion, resetPlotlyLibrary } from './plotly-bundle';
export * from './plot-display';
export * from './embedding-scatter';
export * from './embedding-evolution';
export * from './training-curves';
export * from './loss-curves';
export * from './charts';
export * from './image-grid';
export * from './retrieval-grid';

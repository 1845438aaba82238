export * from './random';
export * from './idx';
export * from './fashion-mnist';
export * from './subset';
export * from './augment';
export * from './augment-bench';
export * from './batches';
export * from './two-view-batches';

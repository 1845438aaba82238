export * from './display';
export * from './table';
export * from './fast-mode';
export * from './prelude';
export { canDisplay, writeDisplayData, createCellRunner, tslabVersion, ignoreChangesOutside } from './tslab-adapter';
export type { MimeBundle, NotebookOutput, CellResult, CellRunner, CellRunnerOptions } from './tslab-adapter';
export * from './tour';
export * from './assertions';
export * from './results';

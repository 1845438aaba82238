export * from './fast-mode';
export * from './prelude';
export { createCellRunner, ignoreChangesOutside } from './tslab-adapter';
export type { NotebookOutput, CellResult, CellRunner, CellRunnerOptions } from './tslab-adapter';
export * from './tour';
export * from './results';

export * from './fast-mode';
export * from './prelude';
export * from './tslab-watch';
export * from './results';

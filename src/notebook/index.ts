export * from './fast-mode';
export * from './prelude';
export * from './tslab-watch';
export * from './results';
export * from './checkpoint-folder';
export * from './load-or-train';
export * from './leaderboard';
export * from './leaderboard-summary';

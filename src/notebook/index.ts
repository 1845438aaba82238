/**
 * The notebook layer, on top of every other folder: the prelude every notebook runs first, fast
 * mode, results files, `loadOrTrain` with the policy of where checkpoints live, the leaderboard
 * harness, the PyTorch reference runs behind the targets, and the tslab watch guard. Nothing
 * below imports it (src/testing/boundaries.test.ts).
 */
export * from './fast-mode';
export * from './prelude';
export * from './tslab-watch';
export * from './results';
export * from './checkpoint-folder';
export * from './load-or-train';
export * from './leaderboard';
export * from './leaderboard-summary';
export * from './torch-reference';

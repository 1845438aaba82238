export * from './schedules';
export * from './loop';
export * from './checkpoint-file';
export * from './checkpoint';
export * from './moco';
export * from './instdisc';
export * from './leaderboard';
export * from './shipped-checkpoints';

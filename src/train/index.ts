export * from './schedules';
export * from './batches';
export * from './loop';

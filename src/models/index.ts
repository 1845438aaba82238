export * from './init';
export * from './encoders';
export * from './normalize';
export * from './heads';
export * from './momentum';
export * from './queue';
export * from './memory-bank';
export * from './embed';

export * from './init';
export * from './encoders';
export * from './normalize';
export * from './heads';

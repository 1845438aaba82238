/**
 * contrastive-kit: the library behind the notebooks. Everything a notebook imports comes from
 * here, including `tf` itself, so that the notebooks and the kit share one tfjs instance.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export * from './runtime';
export * from './backend';
export * from './data';
export * from './losses';
export * from './models';
export * from './train';
export * from './eval';
export * from './viz';
export * from './notebook';
export * from './tour';

export * from './select';
export * from './wasm-patches';
import { patchWasmKernels } from './wasm-patches';

// Register the wasm kernel patches as soon as the package loads, so that code that calls
// `tf.setBackend('wasm')` itself (not through selectBackend) gets them too.
patchWasmKernels();

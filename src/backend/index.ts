export * from './select';
export * from './wasm-patches';
export { fusedAdamInstalled, installFusedAdam, uninstallFusedAdam } from './fused-adam';
export { MAX_WASM_THREADS, requestedThreads, threadsPerJob, THREADS_ENV_VARIABLE } from './wasm-threads';
export type { ThreadRequest } from './wasm-threads';
import { patchWasmKernels } from './wasm-patches';

// Register the wasm kernel patches as soon as the package loads, so that code that calls
// `tf.setBackend('wasm')` itself (not through selectBackend) gets them too.
patchWasmKernels();

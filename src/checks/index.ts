/**
 * The kit's one module of up-front input checks, used by every folder (losses, models, data,
 * eval, viz, train), and its one reading of on/off environment switches ({@link envFlag}).
 * Every check takes `(fn, name, value, …)` — the calling function, the argument's name, the
 * value — and throws an error of one form: the function, the argument and what was expected,
 * e.g. "knnSearch: 'k' must be an integer ≥ 1, got 0".
 *
 * The ground floor of the kit: it imports only tfjs. Internal: not exported from the package.
 */
export * from './describe';
export * from './env-flag';
export * from './numbers';
export * from './options';
export * from './tensors';

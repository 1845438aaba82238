/**
 * The runtime layer: what every folder above may use while a notebook, a test or a script runs —
 * the seeded PRNG, the kit's root folder, the display layer (rich output in notebooks, log lines
 * elsewhere) with its tables, percentages and series summaries (mean, moving average), the display half of the tslab adapter, the
 * tolerance checks, and the {@link Checkpointable} contract of the stateful parts checkpoints save.
 *
 * The ground floor with src/checks/: it imports only tfjs, Node, checks and itself, never a folder
 * above (src/testing/boundaries.test.ts enforces it).
 */
export * from './random';
export * from './kit-root';
export * from './tslab-display';
export * from './display';
export * from './table';
export * from './percent';
export * from './series';
export * from './assertions';
export * from './checkpointable';

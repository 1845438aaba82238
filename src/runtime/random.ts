/**
 * The kit's one seeded random number generator.
 *
 * Everything random in contrastive-kit (sampling, augmentation, weight initialisation, noise
 * indices for NCE, UMAP) draws from an {@link Rng}, so the same seed gives the same batches and the
 * same initial weights on every run and every backend. tfjs' own initializer seeds are not
 * reliable for this (tensorflow/tfjs#7104), which is why weights are initialised from here.
 *
 * The generator is xoroshiro128+ from the maintained `pure-rand` package.
 *
 * @see notebooks/00-setup.ipynb
 */
import * as prand from 'pure-rand';
import type { Checkpointable, CheckpointPart, StoredPart } from './checkpointable';

const TWO_POW_32 = 4294967296;

/** What a checkpoint stores of an {@link Rng}: its seed and its state (null for NaN, which JSON lacks). */
interface StoredRng {
  seed: number;
  state: Array<number | null>;
}

/** A seeded random stream. Not cryptographic. Checkpoints save and restore its position. */
export class Rng implements Checkpointable {
  private generator: prand.RandomGenerator;
  private spareNormal: number | null = null;

  /**
   * @param seed an integer seed; the same seed gives the same stream.
   */
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) {
      throw new Error(`Rng: 'seed' must be an integer, got ${seed}`);
    }
    this.generator = prand.xoroshiro128plus(seed | 0);
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const value = prand.unsafeUniformIntDistribution(-2147483648, 2147483647, this.generator);
    return value >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0) {
      throw new Error(`Rng.int: 'maxExclusive' must be a positive integer, got ${maxExclusive}`);
    }
    return prand.unsafeUniformIntDistribution(0, maxExclusive - 1, this.generator);
  }

  /** A standard normal sample (Box–Muller, caching the second value). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + std * spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return mean + std * radius * Math.cos(2 * Math.PI * v);
  }

  /** `length` uniform floats in [low, high). */
  uniformArray(length: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** `length` normal floats. */
  normalArray(length: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** `length` uniform integers in [0, maxExclusive). */
  intArray(length: number, maxExclusive: number): Int32Array {
    const out = new Int32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(maxExclusive);
    return out;
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: any }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /**
   * An independent child stream named by `label`: the same parent seed and label always give
   * the same child, whatever was drawn from the parent before.
   */
  fork(label: string): Rng {
    return new Rng(hashSeed(this.seed, label));
  }

  /** The generator's state, for checkpoints. */
  getState(): number[] {
    const state = this.generator.getState?.();
    if (!state) throw new Error('Rng.getState: the generator does not expose its state');
    return [...state, this.spareNormal === null ? NaN : this.spareNormal];
  }

  /** Restores a state produced by {@link Rng.getState}. */
  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length < 2) {
      throw new Error(`Rng.setState: 'state' must be an array from getState(), got ${JSON.stringify(state)}`);
    }
    const spare = state[state.length - 1];
    this.generator = prand.xoroshiro128plus.fromState(state.slice(0, -1));
    this.spareNormal = Number.isNaN(spare) ? null : spare;
  }

  /** Its seed and state as JSON, for a checkpoint ({@link Checkpointable}). */
  saveCheckpoint(): CheckpointPart {
    // NaN (no cached normal) is not JSON: store it as null.
    const stored: StoredRng = { seed: this.seed, state: this.getState().map((v) => (Number.isNaN(v) ? null : v)) };
    return { json: stored };
  }

  /** Reports a stored stream that was seeded differently (its position would mean something else). */
  checkCheckpoint(stored: StoredPart): void {
    const saved = stored.json as StoredRng;
    if (saved.seed !== this.seed) stored.problem(`${stored.label} was seeded ${saved.seed} in the checkpoint, ${this.seed} now`);
  }

  /** Continues from the stored position. */
  restoreCheckpoint(stored: StoredPart): void {
    this.setState((stored.json as StoredRng).state.map((v) => (v === null ? NaN : v)));
  }
}

/** Mixes a seed and a label into a new 32-bit seed (FNV-1a over the label, then a murmur finaliser). */
export function hashSeed(seed: number, label: string): number {
  let hash = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash | 0;
}

let kitSeed = 42;
let kitRng = new Rng(kitSeed);

/** Sets the kit-wide seed (the prelude calls this) and resets the kit-wide stream. */
export function setSeed(seed: number): void {
  kitRng = new Rng(seed);
  kitSeed = seed;
}

/** The kit-wide seed. */
export function getSeed(): number {
  return kitSeed;
}

/**
 * A stream for one purpose (e.g. `rngFor('weights')`), derived from the kit-wide seed: the same
 * seed and label give the same stream whatever else ran before.
 */
export function rngFor(label: string): Rng {
  return kitRng.fork(label);
}

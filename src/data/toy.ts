/**
 * Small labelled point sets in 2-D and 3-D for the first notebook, where a loss pulls and pushes
 * points live and learners can see every point move: interleaved spirals, concentric rings
 * (shells in 3-D) and Gaussian blobs. All seeded by the kit's {@link Rng}.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { requirePositiveInteger } from '../checks';
import { Rng, rngFor } from '../runtime/random';

/** A labelled point set. */
export interface ToyDataset {
  name: 'spirals' | 'rings' | 'blobs';
  /** Points, row-major `[count, dim]`. */
  points: Float32Array;
  /** Class of each point, `[count]`, in 0 … numClasses − 1 (grouped: class 0 first). */
  labels: Int32Array;
  count: number;
  dim: 2 | 3;
  numClasses: number;
}

/** Options of the toy generators. */
export interface ToyOptions {
  /** Number of classes (default 3). */
  numClasses?: number;
  /** Points per class (default 100). */
  pointsPerClass?: number;
  /** Standard deviation of the Gaussian noise added to every coordinate (defaults per set). */
  noise?: number;
  /** 2 or 3 dimensions (default 2). */
  dim?: 2 | 3;
  /** The random stream (default `rngFor('toy/<name>')`). */
  rng?: Rng;
}

function resolve(options: ToyOptions, name: ToyDataset['name'], defaultNoise: number) {
  const numClasses = options.numClasses ?? 3;
  const pointsPerClass = options.pointsPerClass ?? 100;
  const noise = options.noise ?? defaultNoise;
  const dim = options.dim ?? 2;
  const fn = `toy${name[0].toUpperCase()}${name.slice(1)}`;
  requirePositiveInteger(fn, 'numClasses', numClasses);
  requirePositiveInteger(fn, 'pointsPerClass', pointsPerClass);
  if (!(noise >= 0)) throw new Error(`${fn}: 'noise' must be ≥ 0, got ${noise}`);
  if (dim !== 2 && dim !== 3) throw new Error(`${fn}: 'dim' must be 2 or 3, got ${String(dim)}`);
  const rng = options.rng ?? rngFor(`toy/${name}`);
  const count = numClasses * pointsPerClass;
  const data: ToyDataset = { name, points: new Float32Array(count * dim), labels: new Int32Array(count), count, dim, numClasses };
  return { numClasses, pointsPerClass, noise, dim, rng, data };
}

/**
 * Interleaved spirals: class c follows r = t, angle = 2π·(c / numClasses) + 3.5·t for t in
 * [0.05, 1]. In 3-D the spirals rise as helices (z = t − ½).
 *
 * @param options classes, points per class, noise (default 0.03), dim, rng.
 * @returns the points and labels.
 */
export function toySpirals(options: ToyOptions = {}): ToyDataset {
  const { numClasses, pointsPerClass, noise, dim, rng, data } = resolve(options, 'spirals', 0.03);
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const row = c * pointsPerClass + i;
      const t = 0.05 + (0.95 * i) / Math.max(1, pointsPerClass - 1);
      const angle = (2 * Math.PI * c) / numClasses + 3.5 * t;
      data.points[row * dim] = t * Math.cos(angle) + rng.normal(0, noise);
      data.points[row * dim + 1] = t * Math.sin(angle) + rng.normal(0, noise);
      if (dim === 3) data.points[row * dim + 2] = t - 0.5 + rng.normal(0, noise);
      data.labels[row] = c;
    }
  }
  return data;
}

/**
 * Concentric rings (2-D) or spherical shells (3-D): class c lies at radius (c + 1) / numClasses,
 * directions uniform on the circle or sphere.
 *
 * @param options classes, points per class, noise (default 0.02), dim, rng.
 */
export function toyRings(options: ToyOptions = {}): ToyDataset {
  const { numClasses, pointsPerClass, noise, dim, rng, data } = resolve(options, 'rings', 0.02);
  for (let c = 0; c < numClasses; c++) {
    const radius = (c + 1) / numClasses;
    for (let i = 0; i < pointsPerClass; i++) {
      const row = c * pointsPerClass + i;
      const direction = randomDirection(dim, rng);
      for (let d = 0; d < dim; d++) data.points[row * dim + d] = radius * direction[d] + rng.normal(0, noise);
      data.labels[row] = c;
    }
  }
  return data;
}

/**
 * Gaussian blobs: class c is centred on the unit circle at angle 2πc / numClasses (2-D), or on a
 * Fibonacci lattice of the unit sphere (3-D), with standard deviation `noise`.
 *
 * @param options classes, points per class, noise (default 0.15), dim, rng.
 */
export function toyBlobs(options: ToyOptions = {}): ToyDataset {
  const { numClasses, pointsPerClass, noise, dim, rng, data } = resolve(options, 'blobs', 0.15);
  const centres = blobCentres(numClasses, dim);
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < pointsPerClass; i++) {
      const row = c * pointsPerClass + i;
      for (let d = 0; d < dim; d++) data.points[row * dim + d] = centres[c][d] + rng.normal(0, noise);
      data.labels[row] = c;
    }
  }
  return data;
}

/** The blob centres of {@link toyBlobs}: `[numClasses][dim]`, all of norm 1. */
export function blobCentres(numClasses: number, dim: 2 | 3): number[][] {
  return Array.from({ length: numClasses }, (_, c) => {
    if (dim === 2) return [Math.cos((2 * Math.PI * c) / numClasses), Math.sin((2 * Math.PI * c) / numClasses)];
    const z = numClasses === 1 ? 0 : 1 - (2 * (c + 0.5)) / numClasses;
    const r = Math.sqrt(1 - z * z);
    const angle = c * Math.PI * (3 - Math.sqrt(5)); // the golden angle
    return [r * Math.cos(angle), r * Math.sin(angle), z];
  });
}

function randomDirection(dim: 2 | 3, rng: Rng): number[] {
  for (;;) {
    const v = Array.from({ length: dim }, () => rng.normal());
    const norm = Math.hypot(...v);
    if (norm > 1e-9) return v.map((x) => x / norm);
  }
}

/**
 * The points as a tensor.
 *
 * @param data a toy dataset.
 * @returns `[count, dim]` float32; the caller disposes it.
 */
export function toyPointsTensor(data: ToyDataset): tf.Tensor2D {
  return tf.tensor2d(data.points, [data.count, data.dim]);
}

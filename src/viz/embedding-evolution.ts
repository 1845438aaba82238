/**
 * The embedding-evolution view: 2-D snapshots of the same points at several moments of
 * training, with a slider (and a play button) to move through them.
 *
 * Independent UMAP/PCA runs can come out rotated or mirrored relative to each other, so by
 * default each snapshot is aligned to the last one by a similarity transform (orthogonal
 * Procrustes: rotation or reflection, scale, shift), which changes nothing in the picture's
 * structure and makes the motion readable. For UMAP snapshots, starting each run from the
 * previous picture (`umapLayout(x, { init: previousLayout })`) keeps them comparable as well.
 *
 * @see notebooks/02-triplet-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkLayout, EmbeddingScatterOptions, embeddingScatter, hoverThumbnails, pointsByClass } from './embedding-scatter';
import { Figure, plainNumbers } from './figure';
import { requireInteger } from '../checks';
import { toNumberArray } from './inputs';
import { Layout2D } from './layout-2d';

/** One moment of training. */
export interface EmbeddingSnapshot {
  /** Slider label, e.g. 'epoch 3' or 'step 1200'. */
  label: string;
  /** The 2-D positions of the points at that moment. */
  layout: Layout2D;
}

/** Options of {@link embeddingEvolution}. */
export interface EmbeddingEvolutionOptions extends Omit<EmbeddingScatterOptions, 'labels'> {
  /** Class of each point. // [numPoints] */
  labels: ArrayLike<number> | tf.Tensor1D;
  /** Align every snapshot to the last one (default true). */
  align?: boolean;
  /** Milliseconds per frame when playing (default 600). */
  frameDuration?: number;
}

/**
 * The similarity transform (rotation or reflection, uniform scale, shift) that best maps
 * `moving` onto `reference` in least squares, applied to `moving`.
 *
 * @returns the aligned copy of `moving`.
 */
export function alignLayout(moving: Layout2D, reference: Layout2D): Layout2D {
  checkLayout(moving, 'alignLayout', 'moving');
  checkLayout(reference, 'alignLayout', 'reference');
  const n = moving.numPoints;
  if (reference.numPoints !== n) throw new Error(`alignLayout: 'reference' must have the same points as 'moving' (${n}), got ${reference.numPoints}`);
  const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / n;
  const [mx, my, rx, ry] = [mean(moving.x), mean(moving.y), mean(reference.x), mean(reference.y)];
  let sxx = 0; // Σ a·b terms of the 2×2 cross-covariance reference × moving
  let sxy = 0;
  let syx = 0;
  let syy = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = moving.x[i] - mx;
    const ay = moving.y[i] - my;
    const bx = reference.x[i] - rx;
    const by = reference.y[i] - ry;
    sxx += ax * bx;
    sxy += ax * by;
    syx += ay * bx;
    syy += ay * by;
    norm += ax * ax + ay * ay;
  }
  // Rotation: maximise tr(R·C); reflection (mirror y first): the same with C's y row negated.
  const rotationScore = Math.hypot(sxx + syy, sxy - syx);
  const reflectionScore = Math.hypot(sxx - syy, sxy + syx);
  const reflect = reflectionScore > rotationScore;
  const angle = reflect ? Math.atan2(sxy + syx, sxx - syy) : Math.atan2(sxy - syx, sxx + syy);
  const scale = norm > 0 ? Math.max(rotationScore, reflectionScore) / norm : 1;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ax = moving.x[i] - mx;
    const ay = (moving.y[i] - my) * (reflect ? -1 : 1);
    x[i] = rx + scale * (cos * ax - sin * ay);
    y[i] = ry + scale * (sin * ax + cos * ay);
  }
  return { numPoints: n, x, y };
}

/**
 * A scatter with a slider over training snapshots (plotly frames), coloured by class, with the
 * class name (and image, if given) on hover.
 *
 * @param snapshots the moments, in training order (same points in each).
 * @param options labels, class names, images, `align`, `frameDuration`, title.
 * @returns a figure for `showFigure`; it opens on the last snapshot.
 * @example
 * showFigure(embeddingEvolution(snapshots, { labels, classNames: FASHION_MNIST_CLASS_NAMES }));
 * @see notebooks/02-triplet-loss.ipynb
 */
export function embeddingEvolution(snapshots: EmbeddingSnapshot[], options: EmbeddingEvolutionOptions): Figure {
  const fn = 'embeddingEvolution';
  if (!Array.isArray(snapshots) || snapshots.length === 0) throw new Error(`${fn}: 'snapshots' must be a non-empty array of { label, layout }`);
  snapshots.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.label !== 'string') throw new Error(`${fn}: 'snapshots'[${i}] must be { label: string, layout }`);
    checkLayout(s.layout, fn, `snapshots[${i}].layout`);
    if (s.layout.numPoints !== snapshots[0].layout.numPoints) {
      throw new Error(`${fn}: every snapshot must hold the same points: snapshot 0 has ${snapshots[0].layout.numPoints}, snapshot ${i} has ${s.layout.numPoints}`);
    }
  });
  const last = snapshots[snapshots.length - 1].layout;
  const aligned = options.align === false ? snapshots : snapshots.map((s, i) => ({ label: s.label, layout: i === snapshots.length - 1 ? s.layout : alignLayout(s.layout, last) }));
  const labels = toNumberArray(options.labels, fn, 'labels', last.numPoints);
  const groups = [...pointsByClass(labels).values()];
  const duration = requireInteger(fn, 'frameDuration', options.frameDuration ?? 600, 1);
  const base = embeddingScatter(aligned[aligned.length - 1].layout, { ...options, labels, images: undefined, title: options.title ?? 'Embedding over training' });
  // Fixed axes covering every snapshot, so the motion is not hidden by rescaling.
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of aligned) {
    for (let i = 0; i < s.layout.numPoints; i++) {
      x0 = Math.min(x0, s.layout.x[i]);
      x1 = Math.max(x1, s.layout.x[i]);
      y0 = Math.min(y0, s.layout.y[i]);
      y1 = Math.max(y1, s.layout.y[i]);
    }
  }
  const padX = 0.05 * (x1 - x0 || 1);
  const padY = 0.05 * (y1 - y0 || 1);
  const layout = base.layout as Record<string, Record<string, unknown>>;
  layout.xaxis = { ...layout.xaxis, range: [x0 - padX, x1 + padX], autorange: false };
  layout.yaxis = { ...layout.yaxis, range: [y0 - padY, y1 + padY], autorange: false };
  base.frames = aligned.map((s) => ({
    name: s.label,
    data: groups.map((points) => ({ x: plainNumbers(points.map((i) => s.layout.x[i])), y: plainNumbers(points.map((i) => s.layout.y[i])) })),
  }));
  const step = (label: string) => ({ label, method: 'animate', args: [[label], { mode: 'immediate', frame: { duration, redraw: false }, transition: { duration: Math.round(duration / 2) } }] });
  (base.layout as Record<string, unknown>).sliders = [
    { active: aligned.length - 1, currentvalue: { prefix: 'snapshot: ' }, pad: { t: 40 }, steps: aligned.map((s) => step(s.label)) },
  ];
  (base.layout as Record<string, unknown>).updatemenus = [
    {
      type: 'buttons',
      showactive: false,
      x: 0,
      y: 0,
      xanchor: 'right',
      yanchor: 'top',
      pad: { t: 60, r: 10 },
      buttons: [{ label: '▶ play', method: 'animate', args: [null, { fromcurrent: false, frame: { duration, redraw: false }, transition: { duration: Math.round(duration / 2) } }] }],
    },
  ];
  (base.layout as Record<string, unknown>).height = options.height ?? 640;
  if (options.images) {
    const maxImages = requireInteger(fn, 'maxImages', options.maxImages ?? 5000, 0);
    base.extras = { hoverImages: hoverThumbnails(groups, options.images, last.numPoints, maxImages, fn) };
  }
  return base;
}

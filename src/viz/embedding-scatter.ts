/**
 * The 2-D embedding scatter: one trace per class (so the legend toggles classes), the class name
 * in the hover label and, when images are given, the image itself in a box next to the cursor.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Figure, plainNumbers, plotColor, PlotTrace } from './figure';
import { builderFigure } from './figure-layout';
import { describe, requireInteger, requirePositive } from '../checks';
import { toNumberArray } from './inputs';
import { Layout2D } from './layout-2d';
import { grayscalePngDataUri } from './thumbnails';

/** Images to show on hover: all images back to back, one per point. */
export interface PointImages {
  /** Pixels of every point's image, in point order. // [numPoints * height * width] */
  pixels: ArrayLike<number>;
  /** Image width (28 for Fashion-MNIST); images are square unless `height` is given. */
  width: number;
  height?: number;
  /** Pixel range: `'unit'` [0, 1] (default) or `'byte'` 0–255. */
  range?: 'unit' | 'byte';
}

/** Options of {@link embeddingScatter}. */
export interface EmbeddingScatterOptions {
  /** Class of each point (integers). // [numPoints] */
  labels: ArrayLike<number> | tf.Tensor1D;
  /** Name of each class id (e.g. `FASHION_MNIST_CLASS_NAMES`); default "class <id>". */
  classNames?: readonly string[];
  /** One image per point, shown on hover. */
  images?: PointImages;
  /**
   * At most this many points carry a hover image (evenly spaced through the points; default
   * 5000): each thumbnail adds ~0.5 kB to the notebook.
   */
  maxImages?: number;
  /** Figure title (default 'Embedding (2-D)'). */
  title?: string;
  /** Axis titles (default 'UMAP 1' / 'UMAP 2'). */
  axisTitles?: [string, string];
  /** Marker diameter in px (default 5 up to 2000 points, else 3). */
  markerSize?: number;
  /** Picture size in px (default 760 × 560). */
  width?: number;
  height?: number;
}

/** The points of each class, in point order. */
export function pointsByClass(labels: readonly number[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => {
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label)!.push(i);
  });
  return new Map([...groups].sort((a, b) => a[0] - b[0]));
}

/** Checks a layout's shape. */
export function checkLayout(layout: Layout2D, fn: string, name = 'layout'): void {
  if (layout === null || typeof layout !== 'object' || !layout.x || !layout.y || typeof layout.numPoints !== 'number') {
    throw new Error(`${fn}: '${name}' must be a 2-D layout { numPoints, x, y } (from umapLayout or pcaLayout), got ${describe(layout)}`);
  }
  if (layout.x.length !== layout.numPoints || layout.y.length !== layout.numPoints) {
    throw new Error(`${fn}: '${name}' must have numPoints (${layout.numPoints}) x and y values, got ${layout.x.length} and ${layout.y.length}`);
  }
}

/** Hover thumbnails for the points of each trace, or null where a point has none. */
export function hoverThumbnails(groups: number[][], images: PointImages, numPoints: number, maxImages: number, fn: string): Array<Array<string | null>> {
  const height = images.height ?? images.width;
  const size = requireInteger(fn, 'images.width', images.width, 1) * requireInteger(fn, 'images.height', height, 1);
  if (images.pixels === null || typeof images.pixels !== 'object' || images.pixels.length !== numPoints * size) {
    throw new Error(`${fn}: 'images.pixels' must hold one ${images.width}×${height} image per point (${numPoints * size} values), got ${images.pixels?.length}`);
  }
  const every = Math.max(1, Math.ceil(numPoints / Math.max(1, maxImages)));
  const pixels = images.pixels;
  const slice = (i: number) =>
    ArrayBuffer.isView(pixels) ? (pixels as unknown as Float32Array).subarray(i * size, (i + 1) * size) : Array.prototype.slice.call(pixels, i * size, (i + 1) * size);
  return groups.map((points) =>
    points.map((i) => (i % every === 0 ? grayscalePngDataUri(slice(i), images.width, height, { range: images.range ?? 'unit' }) : null)),
  );
}

/**
 * A scatter plot of a 2-D embedding coloured by class, with the class name on hover and,
 * when `images` are given, each point's image in a hover box.
 *
 * @param layout the 2-D positions (from `umapLayout` or `pcaLayout`).
 * @param options labels (required), class names, images, title and sizes.
 * @returns a figure for `showFigure` (hover images travel in `figure.extras`).
 * @example
 * const view = await umapLayout(embeddings);
 * showFigure(embeddingScatter(view, { labels, classNames: FASHION_MNIST_CLASS_NAMES, images: { pixels, width: 28 } }));
 * @see notebooks/01-contrastive-loss.ipynb
 */
export function embeddingScatter(layout: Layout2D, options: EmbeddingScatterOptions): Figure {
  const fn = 'embeddingScatter';
  checkLayout(layout, fn);
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be an object with at least { labels }`);
  const labels = toNumberArray(options.labels, fn, 'labels', layout.numPoints);
  const groups = pointsByClass(labels);
  const markerSize = requirePositive(fn, 'markerSize', options.markerSize ?? (layout.numPoints > 2000 ? 3 : 5));
  const className = (label: number) => options.classNames?.[label] ?? `class ${label}`;
  const data: PlotTrace[] = [...groups].map(([label, points]) => ({
    type: 'scatter',
    mode: 'markers',
    name: className(label),
    x: plainNumbers(points.map((i) => layout.x[i])),
    y: plainNumbers(points.map((i) => layout.y[i])),
    customdata: points,
    marker: { color: plotColor(label), size: markerSize, opacity: 0.8 },
    hovertemplate: `${className(label).replace(/[<>]/g, '')}<br>point %{customdata}<extra></extra>`,
  }));
  const [xTitle, yTitle] = options.axisTitles ?? ['UMAP 1', 'UMAP 2'];
  const figure = builderFigure(
    data,
    options,
    {
      title: 'Embedding (2-D)',
      width: 760,
      height: 560,
      axes: { x: { title: xTitle, zeroline: false }, y: { title: yTitle, zeroline: false } },
      layout: { hovermode: 'closest', legend: { itemsizing: 'constant' } },
    },
    fn,
  );
  if (options.images) {
    const maxImages = requireInteger(fn, 'maxImages', options.maxImages ?? 5000, 0);
    figure.extras = { hoverImages: hoverThumbnails([...groups.values()], options.images, layout.numPoints, maxImages, fn) };
  }
  return figure;
}

/**
 * Image grids as plain HTML (`<img>` tags with PNG data URIs): augmented views of an image, a
 * query next to its nearest neighbours, any rows of small images with captions. No script is
 * involved, so grids show everywhere, trusted or not (Jupyter keeps data-URI images when it
 * sanitises HTML).
 *
 * @see notebooks/04-instance-discrimination.ipynb
 */
import { showBundle } from '../runtime/display';
import { requireInteger } from '../checks';
import { grayscalePngDataUri } from './thumbnails';

/** One cell of a grid. */
export interface GridImage {
  /** Pixels, row-major, in `range`. // [height * width] */
  pixels: ArrayLike<number>;
  /** Text under the image (e.g. class name and similarity). */
  caption?: string;
  /** Border colour (e.g. green for a correct neighbour, red for a wrong one). */
  border?: string;
}

/** One row of a grid. */
export interface GridRow {
  /** Text at the left of the row (e.g. 'query 3'). */
  label?: string;
  images: GridImage[];
}

/** Options of {@link imageGridHtml}. */
export interface ImageGridOptions {
  /** Image width in pixels (28 for Fashion-MNIST); images are square unless `height` is given. */
  width: number;
  height?: number;
  /** Pixel range: `'unit'` [0, 1] (default) or `'byte'` 0–255. */
  range?: 'unit' | 'byte';
  /** On-screen size of each image in px (default 3 × width). */
  displaySize?: number;
  /** Caption above the grid. */
  title?: string;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML of an image grid.
 *
 * @param rows the rows of images (rows may have different lengths).
 * @param options image size, pixel range, display size, title.
 * @returns an HTML `<table>` string.
 */
export function imageGridHtml(rows: GridRow[], options: ImageGridOptions): string {
  const fn = 'imageGridHtml';
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${fn}: 'rows' must be a non-empty array of { label?, images }`);
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: 'options' must be an object with at least { width }`);
  const width = requireInteger(fn, 'width', options.width, 1);
  const height = requireInteger(fn, 'height', options.height ?? width, 1);
  const size = requireInteger(fn, 'displaySize', options.displaySize ?? 3 * width, 1);
  const body = rows
    .map((row, r) => {
      if (row === null || typeof row !== 'object' || !Array.isArray(row.images)) throw new Error(`${fn}: 'rows'[${r}] must be { label?, images: [...] }`);
      const cells = row.images.map((image, c) => {
        if (image === null || typeof image !== 'object' || !image.pixels || image.pixels.length !== width * height) {
          throw new Error(`${fn}: 'rows'[${r}].images[${c}].pixels must hold ${width}×${height} = ${width * height} values, got ${image?.pixels?.length}`);
        }
        const uri = grayscalePngDataUri(image.pixels, width, height, { range: options.range ?? 'unit' });
        const border = image.border ? `border:3px solid ${escapeHtml(image.border)};` : 'border:3px solid transparent;';
        const caption = image.caption ? `<div style="font-size:11px;line-height:1.2">${escapeHtml(image.caption)}</div>` : '';
        return `<td style="text-align:center;vertical-align:top;padding:2px"><img src="${uri}" width="${size}" height="${Math.round((size * height) / width)}" style="image-rendering:pixelated;${border}" alt="${escapeHtml(image.caption ?? '')}"/>${caption}</td>`;
      });
      const label = row.label !== undefined ? `<th style="text-align:right;padding-right:6px;font-weight:normal">${escapeHtml(row.label)}</th>` : '';
      return `<tr>${label}${cells.join('')}</tr>`;
    })
    .join('');
  const title = options.title ? `<caption style="caption-side:top;font-weight:bold">${escapeHtml(options.title)}</caption>` : '';
  return `<table class="ck-image-grid" style="border-collapse:collapse">${title}<tbody>${body}</tbody></table>`;
}

/**
 * Shows an image grid (HTML in notebooks, a text outline in logs).
 *
 * @param rows the rows of images.
 * @param options image size, pixel range, display size, title.
 * @example
 * showImageGrid([{ label: 'views', images: views.map((pixels) => ({ pixels })) }], { width: 28, title: 'Two augmentations' });
 * @see notebooks/04-instance-discrimination.ipynb
 */
export function showImageGrid(rows: GridRow[], options: ImageGridOptions): void {
  const html = imageGridHtml(rows, options);
  const text = [
    options.title ?? 'image grid',
    ...rows.map((row) => `${row.label ?? ''}${row.label ? ': ' : ''}${row.images.map((i) => i.caption ?? '▢').join(' | ')}`),
  ].join('\n');
  showBundle({ 'text/html': html, 'text/plain': text });
}

/** Options of {@link neighbourGridRows}. */
export interface NeighbourGridOptions {
  /** Class names for captions (default 'class <id>'). */
  classNames?: readonly string[];
  /** Similarities per neighbour, same layout as `neighbourIndices` (shown in captions). */
  similarities?: ArrayLike<number>;
}

/**
 * Grid rows for "query + its nearest neighbours": each row shows a query image, then its
 * neighbours with their class and similarity, framed green when the class matches the query's
 * and red when not.
 *
 * @param queries the query indices into `queryImages`. // [numQueries]
 * @param neighbourIndices k reference indices per query, nearest first (e.g. `knnSearch(...).indices` rows). // [numQueries * k]
 * @param k neighbours per query in `neighbourIndices`.
 * @param images `{ query: (i) => pixels, reference: (j) => pixels }` image getters.
 * @param labels `{ query: (i) => class, reference: (j) => class }` label getters.
 * @param options class names, similarities.
 */
export function neighbourGridRows(
  queries: ArrayLike<number>,
  neighbourIndices: ArrayLike<number>,
  k: number,
  images: { query: (index: number) => ArrayLike<number>; reference: (index: number) => ArrayLike<number> },
  labels: { query: (index: number) => number; reference: (index: number) => number },
  options: NeighbourGridOptions = {},
): GridRow[] {
  const fn = 'neighbourGridRows';
  requireInteger(fn, 'k', k, 1);
  if (neighbourIndices.length < queries.length * k) {
    throw new Error(`${fn}: 'neighbourIndices' must hold k = ${k} neighbours for each of the ${queries.length} queries, got ${neighbourIndices.length} values`);
  }
  const name = (label: number) => options.classNames?.[label] ?? `class ${label}`;
  return Array.from(queries, (query, row) => {
    const queryLabel = labels.query(query);
    const cells: GridImage[] = [{ pixels: images.query(query), caption: `query: ${name(queryLabel)}`, border: '#1f77b4' }];
    for (let j = 0; j < k; j++) {
      const reference = neighbourIndices[row * k + j];
      const label = labels.reference(reference);
      const similarity = options.similarities ? ` ${options.similarities[row * k + j].toFixed(2)}` : '';
      cells.push({ pixels: images.reference(reference), caption: `${name(label)}${similarity}`, border: label === queryLabel ? '#2ca02c' : '#d62728' });
    }
    return { label: `#${query}`, images: cells };
  });
}

/**
 * Small grayscale images (e.g. 28×28 Fashion-MNIST) as PNG data URIs, for hover boxes and image
 * grids. PNG encoding by the `pngjs` package; no browser needed.
 *
 * @see notebooks/01-contrastive-loss.ipynb
 */
import { PNG } from 'pngjs';
import { requireInteger } from '../checks';

/** Options of {@link grayscalePngDataUri}. */
export interface ThumbnailOptions {
  /** Pixel values' range: `'unit'` for [0, 1] floats (default), `'byte'` for 0–255. */
  range?: 'unit' | 'byte';
  /** Upscale each pixel to scale×scale (nearest neighbour; default 1: browsers can upscale with CSS). */
  scale?: number;
  /** Draw dark on light (Fashion-MNIST is light on dark; default false). */
  invert?: boolean;
}

/**
 * Encodes one grayscale image as a `data:image/png;base64,…` URI.
 *
 * @param pixels row-major pixel values. // [height * width]
 * @param width image width (28 for Fashion-MNIST).
 * @param height image height (default = width).
 * @param options value range, upscaling, inversion.
 * @example
 * const uri = grayscalePngDataUri(images.subarray(i * 784, (i + 1) * 784), 28);
 */
export function grayscalePngDataUri(pixels: ArrayLike<number>, width: number, height = width, options: ThumbnailOptions = {}): string {
  const fn = 'grayscalePngDataUri';
  requireInteger(fn, 'width', width, 1, 4096);
  requireInteger(fn, 'height', height, 1, 4096);
  const scale = requireInteger(fn, 'scale', options.scale ?? 1, 1, 32);
  if (pixels === null || typeof pixels !== 'object' || pixels.length !== width * height) {
    throw new Error(`${fn}: 'pixels' must hold width × height = ${width * height} values, got ${pixels === null || typeof pixels !== 'object' ? typeof pixels : pixels.length}`);
  }
  const range = options.range ?? 'unit';
  if (range !== 'unit' && range !== 'byte') throw new Error(`${fn}: 'range' must be 'unit' or 'byte', got '${String(range)}'`);
  const factor = range === 'unit' ? 255 : 1;
  const png = new PNG({ width: width * scale, height: height * scale, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const out = Buffer.alloc(width * scale * height * scale);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const raw = pixels[row * width + col];
      if (!Number.isFinite(raw)) throw new Error(`${fn}: 'pixels' must be finite, pixel (${row}, ${col}) is ${raw}`);
      let value = Math.round(Math.min(255, Math.max(0, raw * factor)));
      if (options.invert) value = 255 - value;
      for (let dy = 0; dy < scale; dy++) out.fill(value, (row * scale + dy) * width * scale + col * scale, (row * scale + dy) * width * scale + (col + 1) * scale);
    }
  }
  png.data = out;
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }).toString('base64')}`;
}

/**
 * Encodes many same-sized images stored back to back (e.g. a Fashion-MNIST split).
 *
 * @param images all pixels, image after image. // [numImages * height * width]
 * @param width image width; images are width × width unless `height` is given.
 * @param indices which images to encode (default all).
 */
export function grayscalePngDataUris(
  images: ArrayLike<number>,
  width: number,
  indices?: ArrayLike<number>,
  options: ThumbnailOptions & { height?: number } = {},
): string[] {
  const height = options.height ?? width;
  const size = width * height;
  if (images === null || typeof images !== 'object' || images.length % size !== 0) {
    throw new Error(`grayscalePngDataUris: 'images' length must be a multiple of ${width} × ${height}, got ${images?.length}`);
  }
  const count = images.length / size;
  const chosen = indices ? Array.from(indices) : Array.from({ length: count }, (_, i) => i);
  const view = ArrayBuffer.isView(images) ? (images as unknown as Float32Array) : null;
  return chosen.map((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error(`grayscalePngDataUris: index ${i} is outside [0, ${count})`);
    const pixels = view ? view.subarray(i * size, (i + 1) * size) : Array.prototype.slice.call(images, i * size, (i + 1) * size);
    return grayscalePngDataUri(pixels, width, height, options);
  });
}

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { grayscalePngDataUri, grayscalePngDataUris } from './thumbnails';

function decode(uri: string): PNG {
  assert.match(uri, /^data:image\/png;base64,/);
  return PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));
}

test('grayscalePngDataUri round-trips pixel values through a real PNG decoder', () => {
  const pixels = [0, 0.5, 1, 0.25, 0.75, 1 / 255]; // 3 wide, 2 high
  const png = decode(grayscalePngDataUri(pixels, 3, 2));
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  const reds = Array.from({ length: 6 }, (_, i) => png.data[4 * i]); // decoded as RGBA
  assert.deepEqual(reds, [0, 128, 255, 64, 191, 1]);
  const inverted = decode(grayscalePngDataUri([0, 255], 2, 1, { range: 'byte', invert: true }));
  assert.deepEqual([inverted.data[0], inverted.data[4]], [255, 0]);
});

test('grayscalePngDataUri upscales by whole pixels; grayscalePngDataUris slices images', () => {
  const png = decode(grayscalePngDataUri([1, 0], 2, 1, { scale: 2 }));
  assert.equal(png.width, 4);
  assert.equal(png.height, 2);
  assert.deepEqual(Array.from({ length: 8 }, (_, i) => png.data[4 * i]), [255, 255, 0, 0, 255, 255, 0, 0]);
  const images = new Float32Array([1, 1, 1, 1, 0, 0, 0, 0]); // two 2×2 images
  const [second] = grayscalePngDataUris(images, 2, [1]);
  assert.equal(decode(second).data[0], 0);
});

test('grayscalePngDataUri rejects wrong sizes and non-finite pixels, naming the argument', () => {
  assert.throws(() => grayscalePngDataUri([1, 2, 3], 2), /grayscalePngDataUri: 'pixels' must hold width × height = 4 values, got 3/);
  assert.throws(() => grayscalePngDataUri([NaN], 1), /grayscalePngDataUri: 'pixels' must be finite, pixel \(0, 0\) is NaN/);
  assert.throws(() => grayscalePngDataUris(new Float32Array(5), 2), /grayscalePngDataUris: 'images' length must be a multiple of 2 × 2, got 5/);
  assert.throws(() => grayscalePngDataUris(new Float32Array(4), 2, [1]), /grayscalePngDataUris: index 1 is outside \[0, 1\)/);
});

import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  applyAugmentation, AugmentationConfig, AUGMENTATION_PRESETS, augmentationConfig, augmentBatch, cropResize,
  eraseRectangles, gaussianBlurPerSample, gaussianKernels, jitterBrightnessContrast, sampleAugmentation, sampleCropBox,
  sampleEraseRect, twoViews,
} from './augment';
import { Rng } from '../runtime/random';
import { expectClose } from '../runtime/assertions';

before(async () => {
  await tf.setBackend('cpu');
});

const OFF: AugmentationConfig = { name: 'off', description: 'nothing', crop: null, flipProbability: 0, jitter: null, blur: null, erasing: null };

/** A 28×28 test image with a gradient and an asymmetric bright bar, values in [0, 1]. */
function testImages(batch: number): Float32Array {
  const out = new Float32Array(batch * 784);
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        out[b * 784 + y * 28 + x] = (x >= 4 && x < 9 && y > 3) ? 1 : ((x + 2 * y + b) % 28) / 40;
      }
    }
  }
  return out;
}

/** Bilinear sampling of a crop box the way TF defines cropAndResize, written out by hand. */
function referenceCrop(image: Float32Array, box: number[], size = 28): Float32Array {
  const [y1, x1, y2, x2] = box;
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    const sy = y1 * 27 + (i * (y2 - y1) * 27) / (size - 1);
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    for (let j = 0; j < size; j++) {
      const sx = x1 * 27 + (j * (x2 - x1) * 27) / (size - 1);
      const x0 = Math.floor(sx);
      const fx = sx - x0;
      const at = (yy: number, xx: number) => image[Math.min(yy, 27) * 28 + Math.min(xx, 27)];
      const top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
      const bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
      out[i * 28 + j] = top * (1 - fy) + bottom * fy;
    }
  }
  return out;
}

test('presets are plain objects with the MoCo v1/v2 parameters visible', () => {
  const v1 = AUGMENTATION_PRESETS.mocoV1;
  assert.deepEqual(v1.crop?.scale, [0.2, 1]);
  assert.equal(v1.flipProbability, 0.5);
  assert.deepEqual([v1.jitter?.brightness, v1.jitter?.contrast], [0.4, 0.4]);
  assert.equal(v1.blur, null);
  assert.ok(AUGMENTATION_PRESETS.mocoV2.blur !== null);
  assert.equal(JSON.parse(JSON.stringify(AUGMENTATION_PRESETS)).instdisc.name, 'instdisc');
  assert.throws(() => augmentationConfig('simclr' as 'mocoV1'), /unknown preset 'simclr', expected one of instdisc, mocoV1, mocoV2/);
  assert.throws(() => augmentationConfig({ ...OFF, flipProbability: 2 }), /'flipProbability' must be a probability in \[0, 1\], got 2/);
  assert.throws(() => augmentationConfig({ ...OFF, blur: { sigma: [0.1, 1], kernelSize: 4, probability: 1 } }), /'blur.kernelSize' must be an odd positive integer/);
});

test('with every step off the output equals the input, as a new tensor', () => {
  const before = tf.memory().numTensors;
  const x = tf.tensor2d(testImages(3), [3, 784]);
  const y = augmentBatch(x, OFF, new Rng(1));
  assert.notEqual(y, x);
  assert.deepEqual(y.shape, [3, 784]);
  assert.deepEqual(y.dataSync(), x.dataSync());
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before);
});

test('cropResize matches a hand-written bilinear crop; a reversed box is a mirror image', () => {
  const pixels = testImages(2);
  const x = tf.tensor4d(pixels, [2, 28, 28, 1]);
  const boxes = [[0, 0, 1, 1], [3 / 27, 5 / 27, 16 / 27, 20 / 27]];
  const cropped = cropResize(x, Float32Array.from(boxes.flat()));
  const values = cropped.dataSync();
  expectClose(values.subarray(0, 784), pixels.subarray(0, 784), { atol: 1e-4 }, 'full box');
  expectClose(values.subarray(784), referenceCrop(pixels.subarray(784), boxes[1]), { atol: 1e-5 }, 'crop');
  const mirrored = cropResize(x, Float32Array.from([0, 1, 1, 0, 0, 1, 1, 0]));
  const flipped = tf.image.flipLeftRight(x);
  expectClose(mirrored, flipped, { atol: 1e-4 }, 'x1 > x2 flips');
  tf.dispose([x, cropped, mirrored, flipped]);
});

test('brightness then contrast: hand-derived values and clipping', () => {
  // Image 0: constant 0.5, brightness 1.2 → 0.6; contrast leaves a constant image alone.
  // Image 1: half 0, half 1 (mean 0.5), contrast 0.5 → 0.25 and 0.75.
  // Image 2: constant 0.9, brightness 1.4 → 1.26 clipped to 1.
  const values = new Float32Array(3 * 784);
  values.fill(0.5, 0, 784);
  values.fill(1, 784 + 392, 2 * 784);
  values.fill(0.9, 2 * 784);
  const x = tf.tensor4d(values, [3, 28, 28, 1]);
  const y = jitterBrightnessContrast(x, Float32Array.from([1.2, 1, 1.4]), Float32Array.from([0.7, 0.5, 1]));
  const out = y.dataSync();
  expectClose([out[0], out[783], out[784], out[784 + 391], out[784 + 392], out[1567], out[1568]], [0.6, 0.6, 0.25, 0.25, 0.75, 0.75, 1], { atol: 1e-6 }, 'jitter');
  tf.dispose([x, y]);
});

test('per-sample Gaussian blur: an impulse becomes the outer product of the kernel; sigma 0 is identity', () => {
  const values = new Float32Array(2 * 784);
  values[14 * 28 + 14] = 1;
  values[784 + 14 * 28 + 14] = 1;
  const x = tf.tensor4d(values, [2, 28, 28, 1]);
  const sigma = 0.8;
  const y = gaussianBlurPerSample(x, Float32Array.from([sigma, 0]), 5);
  const out = y.dataSync();
  // Independent weights: exp(−d²/2σ²) normalised over d = −2..2.
  const w = [-2, -1, 0, 1, 2].map((d) => Math.exp(-(d * d) / (2 * sigma * sigma)));
  const total = w.reduce((a, b) => a + b, 0);
  const expected: number[] = [];
  const actual: number[] = [];
  for (let dy = -3; dy <= 3; dy++) {
    for (let dx = -3; dx <= 3; dx++) {
      const inside = Math.abs(dy) <= 2 && Math.abs(dx) <= 2;
      expected.push(inside ? (w[dy + 2] * w[dx + 2]) / (total * total) : 0);
      actual.push(out[(14 + dy) * 28 + 14 + dx]);
    }
  }
  expectClose(actual, expected, { atol: 1e-6 }, 'impulse response');
  expectClose(out.subarray(784), values.subarray(784), { atol: 0 }, 'sigma 0');
  const kernels = gaussianKernels([0, 1], 3);
  // sigma 1, width 3: weights e^(−1/2), 1, e^(−1/2) normalised.
  const edge = Math.exp(-0.5) / (1 + 2 * Math.exp(-0.5));
  expectClose(kernels, [0, 1, 0, edge, 1 - 2 * edge, edge], { atol: 1e-6 }, 'kernels');
  tf.dispose([x, y]);
});

for (const kernelSize of [3, 5, 7]) {
  test(`blur (kernel ${kernelSize}) matches a direct reflect-padded convolution written out by hand, borders included`, () => {
    const radius = (kernelSize - 1) / 2;
    const rng = new Rng(17 + kernelSize);
    const pixels = rng.uniformArray(3 * 784);
    const sigmas = Float32Array.from([0.4, 1.3, 0]);
    const x = tf.tensor4d(pixels, [3, 28, 28, 1]);
    const y = gaussianBlurPerSample(x, sigmas, kernelSize);
    const expected = new Float32Array(3 * 784);
    const reflect = (i: number) => (i < 0 ? -i : i > 27 ? 54 - i : i);
    const offsets = Array.from({ length: kernelSize }, (_, k) => k - radius);
    for (let b = 0; b < 3; b++) {
      const w = offsets.map((d) => (sigmas[b] > 0 ? Math.exp(-(d * d) / (2 * sigmas[b] ** 2)) : d === 0 ? 1 : 0));
      const total = w.reduce((a, v) => a + v, 0);
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          let sum = 0;
          for (const dy of offsets) {
            for (const dx of offsets) {
              sum += (w[dy + radius] * w[dx + radius] * pixels[b * 784 + reflect(r + dy) * 28 + reflect(c + dx)]) / (total * total);
            }
          }
          expected[b * 784 + r * 28 + c] = sum;
        }
      }
    }
    expectClose(y, expected, { atol: 1e-5 }, `blur (kernel ${kernelSize}) vs direct convolution`);
    tf.dispose([x, y]);
  });
}

test('a constant image stays constant under blur (reflect padding, no dark border)', () => {
  const x = tf.fill([1, 28, 28, 1], 0.7) as tf.Tensor4D;
  const y = gaussianBlurPerSample(x, Float32Array.from([1]), 5);
  expectClose(y, x, { atol: 1e-6 }, 'constant');
  tf.dispose([x, y]);
});

test('eraseRectangles fills exactly the rectangle', () => {
  const x = tf.ones([2, 28, 28, 1]) as tf.Tensor4D;
  const y = eraseRectangles(x, Int32Array.from([2, 3, 4, 5, 0, 0, 0, 0]), 0.25);
  const out = y.dataSync();
  let erased = 0;
  for (let p = 0; p < 784; p++) {
    const row = Math.floor(p / 28);
    const col = p % 28;
    const inside = row >= 2 && row < 6 && col >= 3 && col < 8;
    assert.equal(out[p], inside ? 0.25 : 1, `pixel ${row},${col}`);
    if (inside) erased++;
  }
  assert.equal(erased, 20);
  assert.ok(out.subarray(784).every((v) => v === 1));
  tf.dispose([x, y]);
});

test('crop boxes respect scale and ratio; erase rectangles stay inside', () => {
  const rng = new Rng(5);
  for (let i = 0; i < 500; i++) {
    const [top, left, h, w] = sampleCropBox(28, 28, { scale: [0.2, 1], ratio: [3 / 4, 4 / 3] }, rng);
    assert.ok(top >= 0 && left >= 0 && top + h <= 28 && left + w <= 28, `box ${[top, left, h, w]}`);
    // Rounding each side to whole pixels moves the area by at most about one row and column.
    assert.ok(h * w >= 0.2 * 784 - 28 - 28, `area ${h * w}`);
    const [et, el, eh, ew] = sampleEraseRect(28, 28, { probability: 1, scale: [0.02, 0.33], ratio: [0.3, 3.3], value: 0 }, rng);
    assert.ok(et + eh <= 28 && el + ew <= 28 && eh < 28 && ew < 28);
  }
  const fallback = sampleCropBox(28, 28, { scale: [1, 1], ratio: [2, 3] }, new Rng(1));
  assert.deepEqual(fallback, [7, 0, 14, 28]);
});

test('sampled parameters: deterministic per seed, right rates and ranges', () => {
  const config = AUGMENTATION_PRESETS.mocoV2;
  const a = sampleAugmentation(2000, 28, 28, config, new Rng(9));
  const b = sampleAugmentation(2000, 28, 28, config, new Rng(9));
  const c = sampleAugmentation(2000, 28, 28, config, new Rng(10));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.boxes, c.boxes);
  const rate = (values: ArrayLike<number>, test: (v: number) => boolean) => Array.from(values).filter(test).length / values.length;
  assert.ok(Math.abs(rate(a.flipped, (v) => v === 1) - 0.5) < 0.05);
  assert.ok(Math.abs(rate(a.blurSigma, (v) => v > 0) - 0.5) < 0.05);
  assert.ok(Math.abs(rate(a.brightness, (v) => v !== 1) - 0.8) < 0.05);
  assert.ok(Array.from(a.brightness).every((v) => v >= 0.6 && v <= 1.4));
  assert.ok(Array.from(a.blurSigma).every((v) => v === 0 || (v >= 0.1 && v <= 1)));
  for (let i = 0; i < 2000; i++) {
    const [y1, x1, y2, x2] = a.boxes.subarray(i * 4, i * 4 + 4);
    assert.ok(y1 >= 0 && y2 <= 1 && y1 < y2 && Math.min(x1, x2) >= 0 && Math.max(x1, x2) <= 1);
    assert.equal(x1 > x2, a.flipped[i] === 1);
  }
});

test('twoViews: two different views, in [0, 1], same seed → same views, no leaks, flat input kept flat', () => {
  const x = tf.tensor2d(testImages(8), [8, 784]);
  const before = tf.memory().numTensors;
  const [v1, v2] = twoViews(x, 'mocoV2', new Rng(3));
  const [w1, w2] = twoViews(x, 'mocoV2', new Rng(3));
  assert.deepEqual(v1.shape, [8, 784]);
  assert.deepEqual(v1.dataSync(), w1.dataSync());
  assert.deepEqual(v2.dataSync(), w2.dataSync());
  assert.notDeepEqual(v1.dataSync(), v2.dataSync());
  // One pass for both views gives what two augmentBatch calls in a row give.
  const rng = new Rng(3);
  const a1 = augmentBatch(x, 'mocoV2', rng);
  const a2 = augmentBatch(x, 'mocoV2', rng);
  expectClose(v1, a1, { atol: 1e-6 }, 'view 1');
  expectClose(v2, a2, { atol: 1e-6 }, 'view 2');
  tf.dispose([a1, a2]);
  const all = [...v1.dataSync(), ...v2.dataSync()];
  assert.ok(all.every((v) => v >= 0 && v <= 1 && !Number.isNaN(v)));
  tf.dispose([v1, v2, w1, w2]);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => augmentBatch(tf.zeros([2, 30]), 'mocoV1', new Rng(1)), /augmentBatch: 'images' must be \[batch, height, width, 1\] or \[batch, side²\], got \[2,30\]/);
  x.dispose();
});

test('the wasm backend gives the same augmentation as the cpu backend', async () => {
  const config: AugmentationConfig = { ...AUGMENTATION_PRESETS.mocoV2, erasing: { probability: 0.5, scale: [0.02, 0.33], ratio: [0.3, 3.3], value: 0 } };
  const pixels = testImages(16);
  const params = sampleAugmentation(16, 28, 28, config, new Rng(21));
  const run = () => tf.tidy(() => applyAugmentation(tf.tensor4d(pixels, [16, 28, 28, 1]), params, config).dataSync().slice());
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  const onCpu = run();
  await tf.setBackend('wasm');
  try {
    const onWasm = run();
    expectClose(onWasm, onCpu, { atol: 1e-5 }, 'wasm vs cpu');
    // Regression: a box ending exactly at the image edge once sampled past the last pixel on wasm,
    // which cropAndResize fills with 0 (a black bottom row).
    const edge = tf.tidy(() => cropResize(tf.ones([1, 28, 28, 1]) as tf.Tensor4D, Float32Array.from([4 / 27, 0, 1, 1])).dataSync().slice());
    expectClose(edge, new Float32Array(784).fill(1), { atol: 1e-6 }, 'box to the edge on wasm');
  } finally {
    await tf.setBackend(previous);
  }
});

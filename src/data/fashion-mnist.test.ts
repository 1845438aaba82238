import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import {
  classCounts, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES, fashionMnistCandidates, fashionMnistKind, imagesTensor,
  imagesToFloat32, labelsTensor, loadFashionMnist, takeFromSplit,
} from './fashion-mnist';
import { encodeIdx } from './idx';
import { findKitRoot } from '../runtime/kit-root';
import { expectClose } from '../runtime/assertions';

/** Writes a tiny Fashion-MNIST-shaped folder: `train` and `test` images whose pixel 0 is the index. */
function writeTinySet(dir: string, options: { train?: number; test?: number; gzip?: boolean; trainLabels?: number } = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const write = (name: string, data: Uint8Array, shape: number[]) => {
    const bytes = encodeIdx(data, shape);
    if (options.gzip === false) fs.writeFileSync(path.join(dir, name), bytes);
    else fs.writeFileSync(path.join(dir, `${name}.gz`), zlib.gzipSync(bytes));
  };
  const split = (count: number, labelCount: number, imagesName: string, labelsName: string) => {
    const images = new Uint8Array(count * 784);
    for (let i = 0; i < count; i++) {
      images[i * 784] = i;
      images[i * 784 + 783] = 255;
    }
    write(imagesName, images, [count, 28, 28]);
    write(labelsName, Uint8Array.from({ length: labelCount }, (_, i) => i % 10), [labelCount]);
  };
  const train = options.train ?? 20;
  split(train, options.trainLabels ?? train, FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels);
  split(options.test ?? 10, options.test ?? 10, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels);
}

function withTempDir(body: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmnist-test-'));
  try {
    body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('sources are tried in order: dir, FASHION_MNIST_DIR, fetched, Debian, bundled mini', () => {
  withTempDir((root) => {
    const kitRoot = path.join(root, 'kit');
    const explicit = path.join(root, 'explicit');
    const envDir = path.join(root, 'env');
    const debian = path.join(root, 'debian');
    writeTinySet(path.join(kitRoot, 'datasets', 'fashion-mnist-mini'), { train: 11 });
    const noEnv = {};
    assert.equal(loadFashionMnist({ kitRoot, debianDir: debian, env: noEnv }).source.kind, 'bundled-mini');
    writeTinySet(debian, { train: 12 });
    assert.equal(loadFashionMnist({ kitRoot, debianDir: debian, env: noEnv }).source.kind, 'debian');
    writeTinySet(path.join(kitRoot, 'datasets', 'fashion-mnist'), { train: 13, gzip: false });
    const fetched = loadFashionMnist({ kitRoot, debianDir: debian, env: noEnv });
    assert.equal(fetched.source.kind, 'fetched');
    assert.equal(fetched.train.count, 13);
    writeTinySet(envDir, { train: 14 });
    const env = { FASHION_MNIST_DIR: envDir };
    assert.equal(loadFashionMnist({ kitRoot, debianDir: debian, env }).source.kind, 'env');
    writeTinySet(explicit, { train: 15 });
    const chosen = loadFashionMnist({ dir: explicit, kitRoot, debianDir: debian, env });
    assert.equal(chosen.source.kind, 'explicit');
    assert.equal(chosen.source.dir, explicit);
    assert.equal(chosen.train.count, 15);
    assert.deepEqual(fashionMnistCandidates({ dir: explicit, kitRoot, debianDir: debian, env }).map((c) => c.kind),
      ['explicit', 'env', 'fetched', 'debian', 'bundled-mini']);
  });
});

test('an explicit folder that lacks files is an error, never a silent fallback', () => {
  withTempDir((root) => {
    const kitRoot = path.join(root, 'kit');
    writeTinySet(path.join(kitRoot, 'datasets', 'fashion-mnist-mini'));
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    assert.throws(() => loadFashionMnist({ dir: empty, kitRoot, env: {} }), /loadFashionMnist: 'dir' is '.*empty', which lacks train-images-idx3-ubyte\[\.gz\]/);
    assert.throws(() => loadFashionMnist({ kitRoot, env: { FASHION_MNIST_DIR: empty } }), /FASHION_MNIST_DIR is '.*empty'/);
    assert.throws(() => loadFashionMnist({ kitRoot: empty, debianDir: empty, env: {} }), /no Fashion-MNIST files found; looked in/);
  });
});

test('an images/labels count mismatch names both files', () => {
  withTempDir((dir) => {
    writeTinySet(dir, { train: 20, trainLabels: 19 });
    assert.throws(() => loadFashionMnist({ dir, env: {} }),
      /'.*train-images-idx3-ubyte\.gz' has 20 images but '.*train-labels-idx1-ubyte\.gz' has 19 labels/);
  });
});

test('a truncated file is reported with its name', () => {
  withTempDir((dir) => {
    writeTinySet(dir, { gzip: false });
    const file = path.join(dir, FASHION_MNIST_FILES.testImages);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 100));
    assert.throws(() => loadFashionMnist({ dir, env: {} }), /t10k-images-idx3-ubyte' is truncated: header says \[10, 28, 28\]/);
  });
});

test('a label outside 0–9 is reported as corrupt', () => {
  withTempDir((dir) => {
    writeTinySet(dir, { gzip: false });
    const file = path.join(dir, FASHION_MNIST_FILES.testLabels);
    const bytes = fs.readFileSync(file);
    bytes[8 + 3] = 12;
    fs.writeFileSync(file, bytes);
    assert.throws(() => loadFashionMnist({ dir, env: {} }), /t10k-labels-idx1-ubyte' is corrupt: label 12 at index 3/);
  });
});

test('tensor helpers scale to [0, 1], keep the order of indices and leak nothing', () => {
  withTempDir((dir) => {
    writeTinySet(dir);
    const data = loadFashionMnist({ dir, env: {} });
    const before = tf.memory().numTensors;
    const images = imagesTensor(data.train, [3, 0, 7]);
    assert.deepEqual(images.shape, [3, 28, 28, 1]);
    const values = images.dataSync();
    expectClose([values[0], values[784], values[1568], values[783]], [3 / 255, 0, 7 / 255, 1], {}, 'pixels');
    const flat = imagesTensor(data.train, [5], 'flat');
    assert.deepEqual(flat.shape, [1, 784]);
    const labels = labelsTensor(data.train, [3, 0, 17]);
    assert.equal(labels.dtype, 'int32');
    assert.deepEqual(Array.from(labels.dataSync()), [3, 0, 7]);
    tf.dispose([images, flat, labels]);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(imagesToFloat32(data.test).length, 10 * 784);
    assert.throws(() => imagesTensor(data.train, [20]), /imagesToFloat32: 'indices\[0\]' is 20, expected an integer in \[0, 20\)/);
    const subset = takeFromSplit(data.train, [9, 2]);
    assert.equal(subset.count, 2);
    assert.deepEqual([subset.images[0], subset.images[784], subset.labels[0], subset.labels[1]], [9, 2, 9, 2]);
  });
});

test('the bundled mini subset is found from the kit and is stratified 600/100 per class', () => {
  const kitRoot = findKitRoot();
  assert.ok(kitRoot !== null, 'datasets/README.md not found above this module');
  const mini = loadFashionMnist({ dir: path.join(kitRoot, 'datasets', 'fashion-mnist-mini'), env: {} });
  assert.equal(mini.train.count, 6000);
  assert.equal(mini.test.count, 1000);
  assert.deepEqual(classCounts(mini.train.labels), new Array(10).fill(600));
  assert.deepEqual(classCounts(mini.test.labels), new Array(10).fill(100));
  assert.equal(mini.classNames, FASHION_MNIST_CLASS_NAMES);
  assert.equal(mini.classNames[9], 'Ankle boot');
  // Real images: mostly dark background, some bright pixels, not constant.
  let sum = 0;
  for (let i = 0; i < mini.test.images.length; i++) sum += mini.test.images[i];
  const mean = sum / mini.test.images.length / 255;
  assert.ok(mean > 0.2 && mean < 0.4, `mean pixel ${mean}`);
});

test('fashionMnistKind: 60 000 + 10 000 labels are the full data, anything smaller (a FASHION_MNIST_DIR subset too) is mini', () => {
  withTempDir((dir) => {
    const full = path.join(dir, 'full');
    writeTinySet(full, { train: 2, test: 2, trainLabels: 60000 });
    // writeTinySet writes as many test labels as test images: give the full count.
    fs.writeFileSync(path.join(full, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(encodeIdx(new Uint8Array(10000), [10000])));
    assert.equal(fashionMnistKind({ dir: full }), 'full');
    const subset = path.join(dir, 'subset');
    writeTinySet(subset, { train: 20, test: 10 });
    assert.equal(fashionMnistKind({ dir: subset }), 'mini');
    assert.equal(fashionMnistKind({ env: { FASHION_MNIST_DIR: subset } }), 'mini');
  });
  const kitRoot = findKitRoot();
  assert.ok(kitRoot !== null);
  assert.equal(fashionMnistKind({ dir: path.join(kitRoot, 'datasets', 'fashion-mnist-mini') }), 'mini', 'the bundled subset is mini');
});

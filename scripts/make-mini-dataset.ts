/**
 * `npx ts-node -T scripts/make-mini-dataset.ts [source-dir]`: makes the bundled mini Fashion-MNIST
 * in datasets/fashion-mnist-mini/ — 600 training and 100 test images per class, chosen by the
 * kit's seeded PRNG (stratified, deterministic), written as the four official IDX file names,
 * gzip level 9, plus indices.json (the original indices of every kept image).
 *
 * The source must be the complete dataset (default: wherever loadFashionMnist finds it, which
 * must not be the mini subset itself). Re-running it reproduces the committed files byte for byte.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeIdx, FASHION_MNIST_FILES, ImageSplit, loadFashionMnist, Rng, stratifiedIndices, takeFromSplit } from 'contrastive-kit';
import { REPO_ROOT } from './lib/repo';

/** The seed of the subset (the date of the Fashion-MNIST arXiv paper, 2017-08-28). */
export const MINI_SEED = 20170828;
/** Images per class in the mini training and test splits. */
export const MINI_PER_CLASS = { train: 600, test: 100 } as const;

function gzipIdx(data: Uint8Array, shape: number[]): Buffer {
  return zlib.gzipSync(encodeIdx(data, shape), { level: 9 });
}

function writeSplit(outDir: string, split: ImageSplit, imagesName: string, labelsName: string): Array<[string, Buffer]> {
  return [
    [`${imagesName}.gz`, gzipIdx(split.images, [split.count, split.height, split.width])],
    [`${labelsName}.gz`, gzipIdx(split.labels, [split.count])],
  ];
}

function main(): void {
  const sourceDir = process.argv[2];
  const full = loadFashionMnist(sourceDir ? { dir: sourceDir } : {});
  if (!full.source.complete || full.train.count !== 60000 || full.test.count !== 10000) {
    throw new Error(`make-mini-dataset: needs the complete dataset (60000/10000), found ${full.train.count}/${full.test.count} in ${full.source.dir}`);
  }
  const rng = new Rng(MINI_SEED);
  const trainIndices = stratifiedIndices(full.train.labels, MINI_PER_CLASS.train, rng.fork('train'), 10);
  const testIndices = stratifiedIndices(full.test.labels, MINI_PER_CLASS.test, rng.fork('test'), 10);
  const train = takeFromSplit(full.train, trainIndices);
  const test = takeFromSplit(full.test, testIndices);
  const outDir = path.join(REPO_ROOT, 'datasets', 'fashion-mnist-mini');
  fs.mkdirSync(outDir, { recursive: true });
  const outputs = [
    ...writeSplit(outDir, train, FASHION_MNIST_FILES.trainImages, FASHION_MNIST_FILES.trainLabels),
    ...writeSplit(outDir, test, FASHION_MNIST_FILES.testImages, FASHION_MNIST_FILES.testLabels),
  ];
  const indices = { seed: MINI_SEED, perClass: MINI_PER_CLASS, train: Array.from(trainIndices), test: Array.from(testIndices) };
  outputs.push(['indices.json', Buffer.from(JSON.stringify(indices) + '\n')]);
  for (const [name, bytes] of outputs) {
    fs.writeFileSync(path.join(outDir, name), bytes);
    const md5 = createHash('md5').update(bytes).digest('hex');
    console.log(`${md5}  ${name}  (${bytes.length} bytes)`);
  }
  console.log(`source: ${full.source.kind} ${full.source.dir}; train ${train.count}, test ${test.count} images`);
}

if (require.main === module) main();

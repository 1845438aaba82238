import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readResults, ResultRow, writeResults } from './results';
import { fashionMnistKind } from '../data/fashion-mnist';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-results-'));
process.env.CONTRASTIVE_KIT_RESULTS_DIR = dir;

function row(overrides: Partial<ResultRow> = {}): ResultRow {
  return {
    notebook: '02-triplet-loss', method: 'triplet (semi-hard)', mode: 'fast', backend: 'wasm',
    train: 6000, test: 1000, epochs: 1, seconds: 12.5, knnTop1: 0.8, oneNNTop1: 0.78, rawPixelOneNNTop1: 0.76,
    ...overrides,
  };
}

test('one row is written as an object, several as an array; both read back as arrays', () => {
  const file = writeResults('02-triplet-loss', [row()]);
  assert.equal(file, path.join(dir, '02-triplet-loss.json'));
  assert.equal(Array.isArray(JSON.parse(fs.readFileSync(file, 'utf8'))), false);
  assert.deepEqual(readResults(file), [{ ...row(), data: fashionMnistKind() }], 'the data the loader finds is filled in');
  writeResults('02-triplet-loss', [row(), row({ method: 'batch-hard', knnTop1: 0.7, data: 'mini' })]);
  assert.deepEqual(readResults(file).map((r) => r.data), [fashionMnistKind(), 'mini'], 'a row that says its data keeps it');
  assert.throws(() => writeResults('02-triplet-loss', [row({ data: 'tiny' as never })]), /rows\[0\]\.data must be 'full' or 'mini' when given, got "tiny"/);
});

test('bad rows are refused, naming the row and field, and leave the old file untouched', () => {
  const file = writeResults('02-triplet-loss', [row()]);
  const before = fs.readFileSync(file, 'utf8');
  assert.throws(() => writeResults('02-triplet-loss', [row({ knnTop1: Number.NaN })]), /rows\[0\]\.knnTop1 must be finite/);
  assert.throws(() => writeResults('02-triplet-loss', [row({ knnTop1: 91 })]), /must be a fraction in \[0, 1\], got 91/);
  assert.throws(() => writeResults('02-triplet-loss', [row({ mode: 'quick' as never })]), /mode must be 'full' or 'fast'/);
  assert.throws(() => writeResults('02-triplet-loss', [row({ notebook: '03-npair-loss' })]), /rows\[0\]\.notebook is '03-npair-loss'/);
  assert.throws(() => writeResults('triplet', [row()]), /'notebook' must be a notebook name/);
  assert.throws(() => writeResults('02-triplet-loss', []), /non-empty array/);
  assert.throws(() => writeResults('02-triplet-loss', [row({ checkpointTrainedAt: 'yesterday' })]), /rows\[0\]\.checkpointTrainedAt must be an ISO time string when given, got "yesterday"/);
  assert.throws(() => writeResults('04-instance-discrimination', [row({ untrainedKnnTop1: 1.5 })]), /rows\[0\]\.untrainedKnnTop1 must be a fraction in \[0, 1\] when given, got 1.5/);
  assert.equal(fs.readFileSync(file, 'utf8'), before);
});

test('readResults names a broken file', () => {
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{"notebook": ');
  assert.throws(() => readResults(broken), /cannot read '.*broken\.json'/);
  fs.writeFileSync(broken, JSON.stringify({ ...row(), seconds: 'slow' }));
  assert.throws(() => readResults(broken), /broken\.json\[0\]\.seconds must be a number/);
});

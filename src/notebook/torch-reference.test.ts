import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  TORCH_REFERENCE_FORMAT, firstReferencePointAtOrAbove, parseTorchReference, torchReferenceRun, type TorchReferenceRun,
} from './torch-reference';

/** A run as torch_reference.py writes it: two epochs, result 0.9 at step 200. */
function run(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    knnTop1: 0.9,
    oneNNTop1: 0.88,
    untrainedKnnTop1: 0.8,
    epochs: 2,
    steps: 200,
    trainingSeconds: 12.5,
    curve: [
      { epoch: 1, step: 100, knnTop1: 0.85, oneNNTop1: 0.83 },
      { epoch: 2, step: 200, knnTop1: 0.9, oneNNTop1: 0.88 },
    ],
    settings: { epochs: 2, margin: 1, encoder: 'cnn' },
    evaluation: { k: 200, temperature: 0.1, metric: 'cosine' },
    torch: '1.13.0',
    threads: 1,
    blas: { sgemm: '/usr/lib/libopenblas.so' },
    date: '2026-12-06T18:00:00+00:00',
    machine: 'test machine',
    command: '/usr/bin/python3 scripts/reference/torch_reference.py 01',
    commit: 'abc123',
    ...overrides,
  };
}

const fileText = (runs: Record<string, unknown>) => JSON.stringify({ format: TORCH_REFERENCE_FORMAT, version: 1, runs });

function writeTemp(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ck-torch-reference-')), 'torch-reference.json');
  fs.writeFileSync(file, text);
  return file;
}

test('parseTorchReference accepts a well-formed file', () => {
  const parsed = parseTorchReference(fileText({ '01-test': run() }));
  assert.equal(parsed.runs['01-test'].knnTop1, 0.9);
  assert.equal(parsed.runs['01-test'].curve.length, 2);
});

test('parseTorchReference names the file, the run and the field that is wrong', () => {
  const bad = (runs: Record<string, unknown>) => () => parseTorchReference(fileText(runs), 'ref.json');
  assert.throws(() => parseTorchReference('{', 'ref.json'), /ref\.json is not valid JSON/);
  assert.throws(() => parseTorchReference(JSON.stringify({ format: 'other', version: 1, runs: {} }), 'ref.json'), /not a version-1 contrastive-kit-torch-reference file/);
  assert.throws(bad({ '01-a': run({ knnTop1: 88.7 }) }), /ref\.json, run '01-a': 'knnTop1' must be a fraction in \[0, 1\], got 88\.7/);
  assert.throws(bad({ '01-a': run({ epochs: 0 }) }), /'epochs' must be a positive number/);
  assert.throws(bad({ '01-a': run({ torch: '' }) }), /'torch' must be a non-empty string/);
  assert.throws(bad({ '01-a': run({ evaluation: { k: 200 } }) }), /'evaluation' must hold k, temperature and metric/);
  assert.throws(bad({ '01-a': run({ curve: [] }) }), /'curve' must be a non-empty array/);
  const backwards = [
    { epoch: 2, step: 200, knnTop1: 0.9, oneNNTop1: 0.88 },
    { epoch: 1, step: 100, knnTop1: 0.9, oneNNTop1: 0.88 },
  ];
  assert.throws(bad({ '01-a': run({ curve: backwards }) }), /'curve' steps must increase \(curve\[1\]\)/);
  // The last point is the result: a curve that ends elsewhere contradicts the headline.
  assert.throws(bad({ '01-a': run({ knnTop1: 0.91 }) }), /the last point of 'curve' must be the result/);
});

test('torchReferenceRun returns the run when the recipe matches, and names the command otherwise', () => {
  const file = writeTemp(fileText({ '01-contrastive-loss': run() }));
  const found = torchReferenceRun('01-contrastive-loss', { file, expect: { epochs: 2, margin: 1 } });
  assert.equal(found.knnTop1, 0.9);
  assert.throws(
    () => torchReferenceRun('01-contrastive-loss', { file, expect: { epochs: 12, margin: 1 } }),
    /ran another recipe \(epochs: reference 2, notebook 12\); run '\/usr\/bin\/python3 scripts\/reference\/torch_reference\.py 01'/,
  );
  assert.throws(() => torchReferenceRun('02-triplet-loss', { file }), /has no run of '02-triplet-loss' \(it has 01-contrastive-loss\)/);
  assert.throws(() => torchReferenceRun('01-contrastive-loss', { file: file + '.missing' }), /not found/);
});

test('firstReferencePointAtOrAbove finds the first evaluation that reached a target', () => {
  const reference = parseTorchReference(fileText({ r: run() })).runs.r as TorchReferenceRun;
  assert.equal(firstReferencePointAtOrAbove(reference, 0.85)?.epoch, 1);
  assert.equal(firstReferencePointAtOrAbove(reference, 0.86)?.epoch, 2);
  assert.equal(firstReferencePointAtOrAbove(reference, 0.95), null);
  assert.throws(() => firstReferencePointAtOrAbove(reference, 88), /'target' must be a fraction/);
});

test('the committed torch-reference.json holds the reference runs of notebooks 01 and 02', () => {
  for (const notebook of ['01-contrastive-loss', '02-triplet-loss']) {
    const reference = torchReferenceRun(notebook);
    assert.equal(reference.settings.encoder, 'cnn');
    assert.equal(reference.evaluation.k, 200);
    assert.equal(reference.evaluation.temperature, 0.1);
    assert.ok(reference.blas.sgemm === null || !/\/blas\/libblas/.test(reference.blas.sgemm), 'computed with an optimised BLAS, not netlib');
  }
});

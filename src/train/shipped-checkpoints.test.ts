import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  SHIP_CHECKPOINTS_VARIABLE, isShipping, readShippedIndex, shippedCheckpointsRoot, verifyAllShippedCheckpoints, verifyShippedCheckpoint,
} from './shipped-checkpoints';

const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-shipped-test-'));
process.on('exit', () => fs.rmSync(tempRoot, { recursive: true, force: true }));
let counter = 0;
const fresh = () => {
  const dir = path.join(tempRoot, `case-${++counter}`);
  return { shipped: path.join(dir, 'checkpoints'), cache: path.join(dir, 'cache') };
};

test('verification names missing and unlisted files; isShipping reads the list', () => {
  const roots = fresh();
  fs.mkdirSync(path.join(roots.shipped, 'stray'), { recursive: true });
  assert.throws(() => verifyAllShippedCheckpoints(roots.shipped), /folders manifest\.json does not list: stray/);
  assert.equal(verifyShippedCheckpoint(roots.shipped, 'stray'), null, 'an unlisted name is not a shipped checkpoint');
  fs.writeFileSync(path.join(roots.shipped, 'manifest.json'), '{"format": "contrastive-kit-shipped-checkpoints", "version": 1, "checkpoints": {"x": {"files": {"tensors.bin": "00"}}}}');
  assert.throws(() => verifyShippedCheckpoint(roots.shipped, 'x'), (error: Error) => error.message.includes(path.join(roots.shipped, 'x', 'tensors.bin')) && /missing/.test(error.message));
  fs.writeFileSync(path.join(roots.shipped, 'manifest.json'), '{"format": "contrastive-kit-shipped-checkpoints", "version": 1, "check');
  assert.throws(() => readShippedIndex(roots.shipped), /manifest\.json is not valid JSON/);
  assert.equal(isShipping('a', { [SHIP_CHECKPOINTS_VARIABLE]: 'a,b' }), true);
  assert.equal(isShipping('c', { [SHIP_CHECKPOINTS_VARIABLE]: 'a,b' }), false);
  assert.equal(isShipping('c', { [SHIP_CHECKPOINTS_VARIABLE]: 'all' }), true);
  assert.equal(isShipping('c', {}), false);
});

test("the kit's own shipped checkpoints verify against checkpoints/manifest.json", () => {
  const root = shippedCheckpointsRoot();
  assert.ok(root !== null, 'the tests run inside the kit checkout');
  const index = readShippedIndex(root);
  const lines = verifyAllShippedCheckpoints(root);
  assert.equal(lines.length, Object.keys(index.checkpoints).length);
  for (const [name, entry] of Object.entries(index.checkpoints)) {
    assert.equal(entry.config.fastMode, false, `${name} was trained in full mode`);
    assert.equal(entry.config.data, 'full', `${name} was trained on the full data`);
    assert.ok(entry.trainingSeconds > 0 && typeof entry.metrics.knnTop1 === 'number', `${name} records its training time and kNN accuracy`);
  }
});

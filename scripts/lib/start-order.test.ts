import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readRecordedTimes, recordTimes, startOrder, TIMES_FILE } from './start-order';

const notebooks = ['00-setup', '01-contrastive-loss', '02-triplet-loss', '03-npair-loss'];

test('startOrder: never-timed notebooks first (later ones before earlier ones), then the longest first', () => {
  assert.deepEqual(startOrder(notebooks, {}), [3, 2, 1, 0]);
  assert.deepEqual(startOrder(notebooks, { '00-setup': 8, '01-contrastive-loss': 36, '02-triplet-loss': 44, '03-npair-loss': 36 }), [2, 3, 1, 0]);
  assert.deepEqual(startOrder(notebooks, { '00-setup': 8, '02-triplet-loss': 44 }), [3, 1, 2, 0]);
});

test('recordTimes keeps the other modes and notebooks; a damaged file only loses the order', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-start-order-'));
  try {
    assert.deepEqual(readRecordedTimes(dir), {});
    recordTimes(dir, 'fast', { '00-setup': 8, '01-contrastive-loss': 36 });
    recordTimes(dir, 'full', { '00-setup': 9 });
    recordTimes(dir, 'fast', { '01-contrastive-loss': 30 });
    assert.deepEqual(readRecordedTimes(dir), { fast: { '00-setup': 8, '01-contrastive-loss': 30 }, full: { '00-setup': 9 } });
    fs.writeFileSync(path.join(dir, TIMES_FILE), '{ not json');
    assert.deepEqual(readRecordedTimes(dir), {});
    fs.writeFileSync(path.join(dir, TIMES_FILE), '[1, 2]');
    assert.deepEqual(readRecordedTimes(dir), {});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

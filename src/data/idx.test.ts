import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { encodeIdx, isGzip, parseIdx, readIdxFile } from './idx';

// A hand-written 2×2×3 image file: magic 00 00 08 03, sizes 2, 2, 3, then 12 bytes.
const HAND_WRITTEN = Uint8Array.from([
  0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255,
]);

test('parseIdx reads a hand-written header and data', () => {
  const parsed = parseIdx(HAND_WRITTEN, 'hand.idx', 3);
  assert.deepEqual(parsed.shape, [2, 2, 3]);
  assert.deepEqual(Array.from(parsed.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
});

test('encodeIdx is the inverse of parseIdx and writes the same bytes as by hand', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
  assert.deepEqual(encodeIdx(data, [2, 2, 3]), HAND_WRITTEN);
  const labels = encodeIdx(Uint8Array.from([9, 0, 3]), [3]);
  assert.deepEqual(Array.from(labels.subarray(0, 8)), [0, 0, 8, 1, 0, 0, 0, 3]);
  assert.deepEqual(parseIdx(labels, 'l', 1).shape, [3]);
  assert.throws(() => encodeIdx(data, [5]), /encodeIdx: 'data' has 12 values but 'shape' \[5\] needs 5/);
});

test('parseIdx names the file and the fault', () => {
  assert.throws(() => parseIdx(HAND_WRITTEN.subarray(0, 3), 'a.idx'), /'a\.idx' is truncated: 3 bytes/);
  assert.throws(() => parseIdx(HAND_WRITTEN.subarray(0, 10), 'b.idx'), /'b\.idx' is truncated: 10 bytes, shorter than its 16-byte header/);
  assert.throws(() => parseIdx(HAND_WRITTEN.subarray(0, 27), 'c.idx'), /'c\.idx' is truncated: header says \[2, 2, 3\] = 12 bytes of data, but only 11 follow/);
  const extra = new Uint8Array(HAND_WRITTEN.length + 2);
  extra.set(HAND_WRITTEN);
  assert.throws(() => parseIdx(extra, 'd.idx'), /'d\.idx' is corrupt: .* but 14 follow \(2 extra\)/);
  const badMagic = HAND_WRITTEN.slice();
  badMagic[0] = 0x50;
  assert.throws(() => parseIdx(badMagic, 'e.png'), /'e\.png' is corrupt: magic number must start with 00 00, got 50 00 08 03/);
  const floats = HAND_WRITTEN.slice();
  floats[2] = 0x0d;
  assert.throws(() => parseIdx(floats, 'f.idx'), /'f\.idx' holds float values; only unsigned bytes/);
  assert.throws(() => parseIdx(HAND_WRITTEN, 'g.idx', 1), /'g\.idx' has 3 dimension\(s\) \(magic 0x00000803\), expected 1 \(magic 0x00000801\)/);
});

test('readIdxFile reads raw and gzip files alike and reports damaged gzip by file name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-test-'));
  try {
    const rawPath = path.join(dir, 'raw-idx3-ubyte');
    const gzPath = path.join(dir, 'zipped-idx3-ubyte.gz');
    fs.writeFileSync(rawPath, HAND_WRITTEN);
    const zipped = zlib.gzipSync(HAND_WRITTEN);
    fs.writeFileSync(gzPath, zipped);
    assert.ok(isGzip(zipped) && !isGzip(HAND_WRITTEN));
    assert.deepEqual(readIdxFile(rawPath, 3), readIdxFile(gzPath, 3));
    const cutPath = path.join(dir, 'cut.gz');
    fs.writeFileSync(cutPath, zipped.subarray(0, zipped.length - 12));
    assert.throws(() => readIdxFile(cutPath), /IDX file '.*cut\.gz' is corrupt or truncated: gunzip failed/);
    assert.throws(() => readIdxFile(path.join(dir, 'missing')), /readIdxFile: cannot read '.*missing'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

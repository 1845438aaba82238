import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findAbove } from './find-above';

test('findAbove walks up to the first folder that holds the path', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'find-above-'));
  try {
    const deep = path.join(root, 'a', 'b', 'c');
    fs.mkdirSync(deep, { recursive: true });
    fs.mkdirSync(path.join(root, 'data'));
    fs.writeFileSync(path.join(root, 'data', 'x.json'), '{}');
    assert.equal(findAbove(path.join('data', 'x.json'), deep), path.join(root, 'data', 'x.json'));
    assert.equal(findAbove(path.join('data', 'missing.json'), deep), null);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('findAbove finds the repository sources from the tests', () => {
  assert.ok(findAbove(path.join('src', 'index.ts')));
});

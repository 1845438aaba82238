import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { findKitRoot } from './kit-root';

test('findKitRoot finds the folder with datasets/README.md above this module', () => {
  const root = findKitRoot();
  assert.ok(root !== null, 'datasets/README.md not found above this module');
  assert.ok(fs.existsSync(path.join(root, 'datasets', 'README.md')));
  assert.ok(__dirname.startsWith(root + path.sep));
});

test('findKitRoot returns null when no start folder has datasets/README.md above it', () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'ck-no-kit-'));
  try {
    assert.equal(findKitRoot([outside]), null);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findAbove } from './find-above';

/** The library's source files (not tests, not the build), relative to src/, with their import paths. */
function sources(): Array<{ file: string; imports: string[] }> {
  const index = findAbove(path.join('src', 'index.ts'));
  assert.ok(index, 'src/index.ts not found above the tests');
  const src = path.dirname(index);
  const out: Array<{ file: string; imports: string[] }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        const imports = [...text.matchAll(/(?:from|import|require\()\s*'([^']+)'/g)].map((m) => m[1]);
        out.push({ file: path.relative(src, full).split(path.sep).join('/'), imports });
      }
    }
  };
  walk(src);
  return out;
}

test('only tests import the test helpers in src/testing/', () => {
  const offenders = sources()
    .filter(({ file }) => !file.startsWith('testing/'))
    .filter(({ imports }) => imports.some((spec) => /(^|\/)testing(\/|$)/.test(spec)))
    .map(({ file }) => file);
  assert.deepEqual(offenders, []);
});

test('src/checks/ is the ground floor: it imports only tfjs, Node and itself', () => {
  const offenders = sources()
    .filter(({ file }) => file.startsWith('checks/'))
    .flatMap(({ file, imports }) => imports.filter((spec) => spec.startsWith('..')).map((spec) => `${file} → ${spec}`));
  assert.deepEqual(offenders, []);
});

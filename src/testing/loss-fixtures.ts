/**
 * Test helper for the loss tests: reads the PyTorch float64 reference values that
 * `scripts/make-loss-fixtures.py` wrote to `src/losses/__fixtures__/losses.json` (the data stays
 * beside the tests that use it). tsc does not copy JSON next to the compiled tests, so the file is
 * found by walking up from this module to the repository's `src/losses`.
 *
 * Test support lives in `src/testing/`: compiled with the tests, never imported by the library,
 * not exported from the package index and left out of the published files (`src/package.json`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findAbove } from './find-above';

const RELATIVE = path.join('src', 'losses', '__fixtures__', 'losses.json');

let cache: Record<string, any> | null = null;

/** The path of the fixture file, or an Error saying where it was looked for. */
export function fixturePath(): string {
  const found = findAbove(RELATIVE);
  if (found !== null) return found;
  throw new Error(`loss fixtures: ${RELATIVE} not found above ${__dirname}; run /usr/bin/python3 scripts/make-loss-fixtures.py`);
}

/** The cases of one family (e.g. `contrastive`) from the fixture file. */
export function lossFixtures(family: string): any[] {
  if (cache === null) cache = JSON.parse(fs.readFileSync(fixturePath(), 'utf8')) as Record<string, any>;
  const cases = cache[family];
  if (!Array.isArray(cases) || cases.length === 0) throw new Error(`loss fixtures: no cases for '${family}'`);
  return cases;
}

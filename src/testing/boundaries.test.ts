import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findAbove } from './find-above';

/**
 * The kit's layers, lowest first. A library file imports only its own folder and folders of lower
 * layers, never one beside it or above it; the package root (index.ts, tour.ts) sits above them all.
 */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['checks'], // up-front input checks: the ground floor
  ['runtime'], // the PRNG, the kit root, display, tables, tolerance checks, the Checkpointable contract
  ['backend', 'data', 'losses'],
  ['models'],
  ['eval'],
  ['train', 'viz'],
  ['notebook'], // the notebook layer: prelude, fast mode, results, loadOrTrain, the leaderboard
];
/** The top layer: nothing below it imports it. */
const NOTEBOOK_LAYER = 'notebook';
/** Test helpers: beside the layers, below the notebook layer, imported only by tests. */
const TESTING = 'testing';
/** The package root's folder name in {@link folderOf}'s terms (src/index.ts, src/tour.ts). */
const ROOT = '';

/** One library file (relative to src/) and the module paths it imports or requires. */
interface SourceFile {
  file: string;
  imports: string[];
}

/** The top folder of a path relative to src/ ('' for the package root's own files). */
function folderOf(relative: string): string {
  const parts = relative.split('/');
  return parts.length === 1 ? ROOT : parts[0];
}

function layerOf(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

const isTest = (file: string) => file.endsWith('.test.ts');

const isFolder = (name: string) => name === TESTING || layerOf(name) >= 0;

/**
 * The folder (relative to src/) an import of `file` reaches — `checks` for '../checks' (a folder's
 * index), ROOT for '../index' — or null for a package or a file outside src/.
 */
function targetFolder(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
  if (target.startsWith('..')) return null;
  return target.includes('/') || isFolder(target) ? folderOf(target.includes('/') ? target : `${target}/index`) : ROOT;
}

/**
 * Every import that breaks the layering, as "file → import (why)":
 * - a library file (not a test) imports only its own folder and lower layers; test helpers may
 *   import any folder below the notebook layer; the package root imports anything;
 * - below the notebook layer no file — library, test or test helper — imports the notebook layer
 *   or the package root;
 * - only tests import the test helpers.
 */
function layeringViolations(files: readonly SourceFile[]): string[] {
  const notebook = layerOf(NOTEBOOK_LAYER);
  const out: string[] = [];
  for (const { file, imports } of files) {
    const from = folderOf(file);
    for (const spec of imports) {
      const to = targetFolder(file, spec);
      if (to === null || to === from) continue;
      const offence = (why: string) => out.push(`${file} → ${spec} (${why})`);
      if (to === TESTING) {
        if (!isTest(file) && from !== TESTING) offence('only tests import the test helpers');
        continue;
      }
      if (from === ROOT) continue;
      if (to === ROOT) {
        if (!(isTest(file) && layerOf(from) >= notebook)) offence('nothing below the package root imports it');
        continue;
      }
      const target = layerOf(to);
      const below = from === TESTING || layerOf(from) < notebook;
      if (below && target >= notebook) {
        offence(`${from}/ is below the notebook layer`);
        continue;
      }
      if (isTest(file) || from === TESTING) continue;
      if (target >= layerOf(from)) offence(`${to}/ is not in a layer below ${from}/`);
    }
  }
  return out;
}

/** The library's files (tests too, not the build), relative to src/, with what they import. */
function sources(): SourceFile[] {
  const index = findAbove(path.join('src', 'index.ts'));
  assert.ok(index, 'src/index.ts not found above the tests');
  const src = path.dirname(index);
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules') walk(full);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        // Block comments and whole-line comments out (JSDoc examples import things too).
        const text = fs.readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
        const imports = [...text.matchAll(/(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]);
        out.push({ file: path.relative(src, full).split(path.sep).join('/'), imports });
      }
    }
  };
  walk(src);
  return out;
}

test('only tests import the test helpers in src/testing/', () => {
  const offenders = sources()
    .filter(({ file }) => !file.startsWith('testing/') && !isTest(file))
    .filter(({ imports }) => imports.some((spec) => /(^|\/)testing(\/|$)/.test(spec)))
    .map(({ file }) => file);
  assert.deepEqual(offenders, []);
});

test('src/checks/ is the ground floor: it imports only tfjs, Node and itself', () => {
  const offenders = sources()
    .filter(({ file }) => file.startsWith('checks/') && !isTest(file))
    .flatMap(({ file, imports }) => imports.filter((spec) => spec.startsWith('..')).map((spec) => `${file} → ${spec}`));
  assert.deepEqual(offenders, []);
});

test('every folder of src/ has its place: a layer, or the test helpers', () => {
  const folders = new Set(sources().map(({ file }) => folderOf(file)).filter((folder) => folder !== ROOT));
  const placed = [...folders].filter(isFolder);
  assert.deepEqual([...folders].sort(), placed.sort(), 'add the new folder to LAYERS');
});

test('no import runs back up the layers, and nothing below the notebook layer imports it', () => {
  assert.deepEqual(layeringViolations(sources()), []);
});

test("no module of the kit is loaded by a computed path (a static import is checked here; a computed one isn't)", () => {
  const offenders = sources().flatMap(({ file, imports }) =>
    imports.filter((spec) => spec.includes('${') && (spec.startsWith('.') || spec.startsWith('${'))).map((spec) => `${file} → ${spec}`),
  );
  assert.deepEqual(offenders, []);
});

test('the layering check fails on bad imports (it can fail)', () => {
  const bad: SourceFile[] = [
    { file: 'train/progress.ts', imports: ['../notebook/display'] }, // up into the notebook layer
    { file: 'runtime/display.ts', imports: ['../data/fashion-mnist'] }, // back up from the ground floor
    { file: 'train/loop.ts', imports: ['../viz/figure'] }, // sideways, within a layer
    { file: 'models/queue.test.ts', imports: ['../notebook/load-or-train'] }, // a test below the notebook layer
    { file: 'testing/band-data.ts', imports: ['../notebook/prelude'] }, // a test helper
    { file: 'viz/umap.ts', imports: ['../index'] }, // the package root
    { file: 'eval/knn-search.ts', imports: ['../testing/find-above'] }, // a test helper in library code
  ];
  assert.equal(layeringViolations(bad).length, bad.length);
  const good: SourceFile[] = [
    { file: 'notebook/prelude.ts', imports: ['../backend/select', '../runtime/display', './fast-mode', '../../package.json', 'fs'] },
    { file: 'train/checkpoint.ts', imports: ['../runtime/checkpointable', '../models/queue', './checkpoint-file'] },
    { file: 'backend/kernels/sum.test.ts', imports: ['../../testing/compare-backends', '../wasm-patches'] },
    { file: 'backend/leak.test.ts', imports: ['../models/encoders', '../losses/n-pair'] }, // tests may reach across the body
    { file: 'notebook/prelude.test.ts', imports: ['../index'] },
    { file: 'index.ts', imports: ['./notebook', './runtime'] },
  ];
  assert.deepEqual(layeringViolations(good), []);
});
